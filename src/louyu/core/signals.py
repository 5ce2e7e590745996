"""Signal receivers of the core app. Importing this module connects them (do it once, in
``CoreConfig.ready``); the ``dispatch_uid`` values make a second import harmless."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import Signal, receiver

from louyu.core.api_tokens import rotate_after_password_change
from louyu.core.authz import authorization_changed
from louyu.core.calendar import clear_calendar_cache, holiday_schedule_changed
from louyu.core.models import (
    CalendarDay,
    CalendarYear,
    Jurisdiction,
    Region,
    User,
)
from louyu.core.regions import assign_jurisdictions, clear_region_cache

# Sent after organisations were created or updated in bulk (no ``post_save`` per row), so
# that caches of organisations elsewhere are dropped.
organizations_bulk_changed = Signal()

post_save.connect(
    rotate_after_password_change, sender=User, dispatch_uid="louyu.api_token.password_changed"
)


@receiver(post_save, sender=CalendarDay, dispatch_uid="louyu.calendar.day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="louyu.calendar.day_deleted")
@receiver(post_save, sender=CalendarYear, dispatch_uid="louyu.calendar.year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="louyu.calendar.year_deleted")
def calendar_changed(sender, instance=None, using: str | None = None, **kwargs) -> None:
    """An administrator changed the holiday schedule: drop the cached overrides now (this
    process sees its own uncommitted change) and again on commit (so a copy reloaded by
    another thread before the commit is not kept); after commit, tell the apps whose
    deadlines it may move (``holiday_schedule_changed`` with the first changed day)."""
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache, using=using)
    day = getattr(instance, "date", None)
    if day is None and getattr(instance, "year", None) is not None:
        day = datetime.date(int(instance.year), 1, 1)
    if day is not None:
        transaction.on_commit(
            lambda: holiday_schedule_changed.send(sender=sender, day=day), using=using
        )


@receiver(post_save, sender=Region, dispatch_uid="louyu.regions.region_saved")
@receiver(post_delete, sender=Region, dispatch_uid="louyu.regions.region_deleted")
@receiver(post_save, sender=Jurisdiction, dispatch_uid="louyu.regions.jurisdiction_saved")
def regions_changed(sender, using: str | None = None, **kwargs) -> None:
    """A region or jurisdiction changed: rebuild the address index on next use."""
    clear_region_cache()
    transaction.on_commit(clear_region_cache, using=using)


@receiver(m2m_changed, sender=Jurisdiction.regions.through, dispatch_uid="louyu.regions.ownership")
def jurisdiction_regions_changed(sender, action: str, using: str | None = None, **kwargs) -> None:
    """A jurisdiction's set of regions changed: recompute every region's jurisdiction in the
    same transaction, so routing and scoping follow at once."""
    if action in ("post_add", "post_remove", "post_clear"):
        assign_jurisdictions()
        transaction.on_commit(clear_region_cache, using=using)


def _authorization_changed(sender, using: str | None = None, **kwargs) -> None:
    """Who may do what changed: new version, so every process reloads its cached
    permission sets (``louyu.core.authz``)."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    authorization_changed(using=using or DEFAULT_DB_ALIAS)


for _model in (Group, Permission, ContentType):
    _label = _model._meta.label_lower
    post_save.connect(
        _authorization_changed, sender=_model, dispatch_uid=f"louyu.authz.{_label}.saved"
    )
    post_delete.connect(
        _authorization_changed, sender=_model, dispatch_uid=f"louyu.authz.{_label}.deleted"
    )
# A user's own row needs no new version (is_active and is_superuser are read on every
# request); a deleted user's memberships go without signals, so its deletion counts.
post_delete.connect(_authorization_changed, sender=User, dispatch_uid="louyu.authz.user.deleted")
for _through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(
        _authorization_changed,
        sender=_through,
        dispatch_uid=f"louyu.authz.{_through._meta.label_lower}.changed",
    )


def _migrated(sender, using: str | None = None, **kwargs) -> None:
    """After migrate or flush (post_migrate is sent once per app; once is enough): new
    version, as permissions and content types may have been created or removed."""
    if sender.label == "core":
        authorization_changed(using=using or DEFAULT_DB_ALIAS)


post_migrate.connect(_migrated, dispatch_uid="louyu.authz.migrated")

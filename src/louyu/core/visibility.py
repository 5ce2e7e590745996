"""Which objects a user may open, so pages link only to what opens (issue 15, item 6).

Each app registers, from its ``AppConfig.ready``, how its detail page decides: the view
permission ``<app_label>.view_<model>`` and the selector that scopes the model to the user::

    register_viewable(Building, url="buildings:detail", visible=building_list)

``may_view(user, obj)`` then answers exactly what the detail page would (a page the user
may not open answers 403 or 404 there, so it gets no link here). Templates use
``{% object_link obj label %}`` or ``{% if user|may_view:obj %}`` (library ``louyu_links``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.urls import reverse

VisibleQuerySet = Callable[..., QuerySet]


@dataclass(frozen=True)
class Viewable:
    url: str
    visible: VisibleQuerySet


_viewables: dict[type[models.Model], Viewable] = {}
CACHE_ATTR = "_louyu_may_view"


def register_viewable(model: type[models.Model], *, url: str, visible: VisibleQuerySet) -> None:
    """``url`` names the detail page (one argument: the pk); ``visible(user=…)`` is the
    selector that page reads the object through."""
    _viewables[model] = Viewable(url, visible)


def _viewable(obj) -> Viewable | None:
    if not isinstance(obj, models.Model) or obj.pk is None:
        return None
    return _viewables.get(obj._meta.concrete_model)


def may_view(user, obj) -> bool:
    """True when ``user`` may open ``obj``'s detail page. Answers are remembered on the user
    object for the request, so a list asks once per object."""
    viewable = _viewable(obj)
    if viewable is None or user is None or not user.is_authenticated:
        return False
    meta = obj._meta.concrete_model._meta
    if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
        return False
    cache = user.__dict__.setdefault(CACHE_ATTR, {})
    key = (meta.label, obj.pk)
    if key not in cache:
        cache[key] = viewable.visible(user=user).filter(pk=obj.pk).exists()
    return cache[key]


def detail_url(user, obj) -> str:
    """The detail page of ``obj`` if ``user`` may open it, else an empty string."""
    if not may_view(user, obj):
        return ""
    return reverse(_viewable(obj).url, args=[obj.pk])

"""Who is told about a case: the users of the jurisdiction's communications administration
(new case, measure answered) and, for a key case, the users of its supervisor (state
changes, supervision set). Notifications go through ``core.services.notify``, which hands
them to the task queue after commit, so a write that fails tells nobody."""

from __future__ import annotations

from louyu.cases.models import Case
from louyu.cases.services._common import administration_of
from louyu.core.services import notify, users_of_organization


def notify_administration(case: Case, title: str, *, exclude=None) -> None:
    admin = administration_of(case)
    if admin is None:
        return
    recipients = users_of_organization(admin)
    if exclude is not None and getattr(exclude, "pk", None):
        recipients = recipients.exclude(pk=exclude.pk)
    notify(recipients=list(recipients), title=title, link=f"/cases/{case.pk}/", kind="case")


def notify_supervisor(case: Case, title: str) -> None:
    if case.supervisor_id is None:
        return
    notify(
        recipients=list(users_of_organization(case.supervisor)),
        title=title,
        link=f"/cases/{case.pk}/",
        kind="case",
    )

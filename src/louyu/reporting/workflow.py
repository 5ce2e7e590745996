"""The workflows of monthly reports (月度进展报送) and national bulletins (进展通报):
states, allowed transitions and the details each target requires. Data, read by the one
transition service of each."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已采用")
    RETURNED = "returned", _("已退回")


REPORT_TRANSITIONS: dict[str, set[str]] = {
    ReportState.DRAFT: {ReportState.SUBMITTED},
    ReportState.SUBMITTED: {ReportState.ACCEPTED, ReportState.RETURNED},
    ReportState.RETURNED: {ReportState.SUBMITTED},
    ReportState.ACCEPTED: set(),
}
REPORT_REQUIRED: dict[str, tuple[str, ...]] = {ReportState.RETURNED: ("comment",)}
# Who moves a report: the administration submits, the ministry accepts or returns.
REPORT_BY_ADMINISTRATION = frozenset({ReportState.SUBMITTED})
REPORT_BY_MINISTRY = frozenset({ReportState.ACCEPTED, ReportState.RETURNED})
REPORT_EDITABLE = frozenset({ReportState.DRAFT, ReportState.RETURNED})


class BulletinState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")


BULLETIN_TRANSITIONS: dict[str, set[str]] = {
    BulletinState.DRAFT: {BulletinState.REVIEWED},
    BulletinState.REVIEWED: {BulletinState.PUBLISHED, BulletinState.DRAFT},
    BulletinState.PUBLISHED: set(),
}
BULLETIN_EDITABLE = frozenset({BulletinState.DRAFT})


def report_targets(state: str) -> set[str]:
    return set(REPORT_TRANSITIONS.get(state, set()))


def bulletin_targets(state: str) -> set[str]:
    return set(BULLETIN_TRANSITIONS.get(state, set()))

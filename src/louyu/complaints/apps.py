from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _calendar_changed(sender, instance, **kwargs) -> None:
    """A holiday-schedule entry changed: recompute the deadlines it can move, after commit."""
    import datetime

    from louyu.complaints.tasks import recompute_complaint_deadlines

    day = getattr(instance, "date", None)
    if day is None:
        day = datetime.date(int(instance.year), 1, 1)
    since = (day - datetime.timedelta(days=60)).isoformat()
    transaction.on_commit(lambda: recompute_complaint_deadlines.enqueue(since=since))


class ComplaintsConfig(AppConfig):
    name = "louyu.complaints"
    label = "complaints"
    verbose_name = _("申诉处理")

    def ready(self) -> None:
        from louyu.core.models import CalendarDay, CalendarYear

        for model in (CalendarDay, CalendarYear):
            post_save.connect(_calendar_changed, sender=model, dispatch_uid=f"deadlines-{model}")
            post_delete.connect(
                _calendar_changed, sender=model, dispatch_uid=f"deadlines-del-{model}"
            )

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _calendar_changed(sender, instance, **kwargs) -> None:
    """A holiday-schedule entry changed: recompute the rectification deadlines it can move,
    after commit (a period of at most a few months: 60 days back covers the longest)."""
    import datetime

    from louyu.cases.tasks import recompute_case_deadlines

    day = getattr(instance, "date", None)
    if day is None:
        day = datetime.date(int(instance.year), 1, 1)
    since = (day - datetime.timedelta(days=60)).isoformat()
    transaction.on_commit(lambda: recompute_case_deadlines.enqueue(since=since))


class CasesConfig(AppConfig):
    name = "louyu.cases"
    label = "cases"
    verbose_name = _("问题楼宇整治")

    def ready(self) -> None:
        from louyu.core.models import CalendarDay, CalendarYear

        for model in (CalendarDay, CalendarYear):
            post_save.connect(
                _calendar_changed, sender=model, dispatch_uid=f"case-deadlines-{model}"
            )
            post_delete.connect(
                _calendar_changed, sender=model, dispatch_uid=f"case-deadlines-del-{model}"
            )

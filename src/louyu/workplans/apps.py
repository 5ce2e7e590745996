from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "louyu.workplans"
    label = "workplans"
    verbose_name = _("一楼一策")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from louyu.buildings.models import PresenceEvent
        from louyu.workplans.signals import presence_event_saved

        post_save.connect(
            presence_event_saved, sender=PresenceEvent, dispatch_uid="workplans-presence"
        )

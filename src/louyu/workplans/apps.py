from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "louyu.workplans"
    label = "workplans"
    verbose_name = _("一楼一策")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from louyu.buildings.models import PresenceEvent
        from louyu.buildings.signals import presence_events_imported
        from louyu.core.panels import register_panel
        from louyu.core.visibility import register_viewable
        from louyu.workplans import panels, selectors, signals
        from louyu.workplans.models import WorkPlan

        post_save.connect(
            signals.presence_event_saved, sender=PresenceEvent, dispatch_uid="workplans-presence"
        )
        presence_events_imported.connect(
            signals.presence_events_imported, dispatch_uid="workplans-presence-imported"
        )
        register_panel(
            "building.detail",
            template=panels.TEMPLATE,
            context=panels.building_plan_context,
            order=20,
        )
        register_viewable(WorkPlan, url="workplans:detail", visible=selectors.plan_list)

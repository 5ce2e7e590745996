from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "louyu.complaints"
    label = "complaints"
    verbose_name = _("申诉处理")

    def ready(self) -> None:
        from louyu.buildings.conditions import register_condition
        from louyu.complaints import search, selectors, signals
        from louyu.complaints.models import Category, Complaint, DeadlinePolicy, RoutingRule
        from louyu.core.calendar import holiday_schedule_changed
        from louyu.core.models import Organization
        from louyu.core.signals import organizations_bulk_changed
        from louyu.core.visibility import register_viewable

        holiday_schedule_changed.connect(
            signals.holiday_schedule_changed, dispatch_uid="complaints.deadlines"
        )
        for model in (Category, DeadlinePolicy, RoutingRule, Organization):
            label = model._meta.label_lower
            post_save.connect(
                signals.intake_reference_changed,
                sender=model,
                dispatch_uid=f"louyu.intake.{label}.saved",
            )
            post_delete.connect(
                signals.intake_reference_changed,
                sender=model,
                dispatch_uid=f"louyu.intake.{label}.deleted",
            )
        post_migrate.connect(signals.intake_reference_changed, dispatch_uid="louyu.intake.migrated")
        organizations_bulk_changed.connect(
            signals.intake_reference_changed, dispatch_uid="louyu.intake.organizations"
        )
        register_condition(
            "open_complaint",
            label=_("有未办结申诉"),
            has=selectors.building_has_open_complaint,
            order=20,
        )
        search.register()
        register_viewable(Complaint, url="complaints:detail", visible=selectors.complaint_list)

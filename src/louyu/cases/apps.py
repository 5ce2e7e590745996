from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "louyu.cases"
    label = "cases"
    verbose_name = _("问题楼宇整治")

    def ready(self) -> None:
        from louyu.buildings.conditions import register_condition
        from louyu.cases import panels, search, selectors, signals
        from louyu.cases.models import Case
        from louyu.core.calendar import holiday_schedule_changed
        from louyu.core.panels import register_panel
        from louyu.core.visibility import register_viewable

        holiday_schedule_changed.connect(
            signals.holiday_schedule_changed, dispatch_uid="cases.deadlines"
        )
        register_condition(
            "open_case",
            label=_("有在办整治案件"),
            has=selectors.building_has_open_case,
            order=10,
        )
        register_panel(
            "building.detail",
            template=panels.TEMPLATE,
            context=panels.building_case_context,
            order=10,
        )
        register_panel(
            "complaint.detail",
            template=panels.TEMPLATE,
            context=panels.complaint_case_context,
            order=10,
        )
        search.register()
        register_viewable(Case, url="cases:detail", visible=selectors.case_list)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingsConfig(AppConfig):
    name = "louyu.buildings"
    label = "buildings"
    verbose_name = _("楼宇名录")

    def ready(self) -> None:
        from louyu.buildings import search

        search.register()
        from louyu.buildings.models import Building
        from louyu.buildings.selectors import building_list
        from louyu.core.visibility import register_viewable

        register_viewable(Building, url="buildings:detail", visible=building_list)

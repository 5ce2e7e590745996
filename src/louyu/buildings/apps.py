from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingsConfig(AppConfig):
    name = "louyu.buildings"
    label = "buildings"
    verbose_name = _("楼宇名录")

    def ready(self) -> None:
        from louyu.buildings import search

        search.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "louyu.reporting"
    label = "reporting"
    verbose_name = _("进展统计与通报")

    def ready(self) -> None:
        from louyu.reporting import search

        search.register()

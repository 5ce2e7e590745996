from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "louyu.library"
    label = "library"
    verbose_name = _("经验交流")

    def ready(self) -> None:
        from louyu.library import search

        search.register()

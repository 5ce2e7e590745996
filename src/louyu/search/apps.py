from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "louyu.search"
    label = "search"
    verbose_name = _("全局搜索")

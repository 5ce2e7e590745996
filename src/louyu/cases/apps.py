from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "louyu.cases"
    label = "cases"
    verbose_name = _("问题楼宇整治")

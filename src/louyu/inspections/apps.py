from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "louyu.inspections"
    label = "inspections"
    verbose_name = _("联合调研检查")

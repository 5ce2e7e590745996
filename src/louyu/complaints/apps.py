from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "louyu.complaints"
    label = "complaints"
    verbose_name = _("申诉处理")

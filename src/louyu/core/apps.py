from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "louyu.core"
    label = "core"
    verbose_name = _("基础数据与审计")

    def ready(self) -> None:
        from louyu.core import bulk, checks, lockout, roles, signals  # noqa: F401  (receivers)

        post_migrate.connect(roles.sync_roles_after_migrate)
        bulk.widen_psycopg_query_cache()

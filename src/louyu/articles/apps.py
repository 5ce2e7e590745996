from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "louyu.articles"
    label = "articles"
    verbose_name = _("参考文章")

    def ready(self) -> None:
        from louyu.articles import search

        search.register()

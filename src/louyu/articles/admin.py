from django.contrib import admin

from louyu.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Read-only: articles are written by the import (services), which audits every write."""

    list_display = ["title", "source_name", "published_on", "updated_at"]
    list_filter = ["published_on"]
    search_fields = ["title", "source_url"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

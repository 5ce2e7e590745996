from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from louyu.core.scope import scope_for
from louyu.core.selectors import notification_list


def navigation(request):
    """Navigation entries the current user may use, in display order, and the count of
    unread notifications for the top bar (evaluated only when a template shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_for(user)
    items = [
        {"url": reverse("web:home"), "label": _("工作台"), "key": "home", "icon": "house"},
        {"url": reverse("web:inbox"), "label": _("我的待办"), "key": "inbox", "icon": "inbox"},
        {
            "url": reverse("web:notifications"),
            "label": _("通知消息"),
            "key": "notifications",
            "icon": "bell",
        },
    ]
    if user.has_perm("buildings.view_building"):
        items.append(
            {
                "url": reverse("buildings:list"),
                "label": _("楼宇名录"),
                "key": "buildings",
                "icon": "buildings",
            }
        )
    if user.has_perm("complaints.view_complaint"):
        items.append(
            {
                "url": reverse("complaints:queue"),
                "label": _("申诉处理"),
                "key": "complaints",
                "icon": "chat-left-text",
            }
        )
    if user.has_perm("cases.view_case"):
        items.append(
            {
                "url": reverse("cases:queue"),
                "label": _("整治案件"),
                "key": "cases",
                "icon": "tools",
            }
        )
    if user.has_perm("workplans.view_workplan"):
        items.append(
            {
                "url": reverse("workplans:list"),
                "label": _("一楼一策"),
                "key": "workplans",
                "icon": "signpost-split",
            }
        )
    if user.has_perm("inspections.view_inspectionplan"):
        items.append(
            {
                "url": reverse("inspections:list"),
                "label": _("联合检查"),
                "key": "inspections",
                "icon": "clipboard-check",
            }
        )
    if user.has_perm("reporting.view_figure") and scope.by_jurisdiction:
        items.append(
            {
                "url": reverse("reporting:dashboard"),
                "label": _("进展统计"),
                "key": "reporting",
                "icon": "bar-chart-line",
            }
        )
    if user.has_perm("articles.view_article"):
        items.append(
            {
                "url": reverse("articles:list"),
                "label": _("参考文章"),
                "key": "articles",
                "icon": "newspaper",
            }
        )
    if user.has_perm("library.view_practice"):
        items.append(
            {
                "url": reverse("library:practice_list"),
                "label": _("经验交流"),
                "key": "library",
                "icon": "lightbulb",
            }
        )
    if user.has_perm("core.view_auditevent") and scope.by_jurisdiction:
        items.append(
            {
                "url": reverse("web:audit"),
                "label": _("审计日志"),
                "key": "audit",
                "icon": "journal-text",
            }
        )
    items.append(
        {
            "url": reverse("web:calendar"),
            "label": _("工作日历"),
            "key": "calendar",
            "icon": "calendar3",
        }
    )
    return {
        "nav_items": items,
        "user_scope": scope,
        "unread_notifications": SimpleLazyObject(
            lambda: notification_list(user=user, unread_only=True).count()
        ),
    }

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from louyu.core.scope import scope_for


def navigation(request):
    """Navigation entries the current user may use, in display order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_for(user)
    items = [
        {"url": reverse("web:home"), "label": _("工作台"), "key": "home"},
        {"url": reverse("web:inbox"), "label": _("待办"), "key": "inbox"},
        {"url": reverse("web:notifications"), "label": _("通知"), "key": "notifications"},
    ]
    if user.has_perm("core.view_auditevent") and scope.kind in ("national", "jurisdiction"):
        items.append({"url": reverse("web:audit"), "label": _("审计日志"), "key": "audit"})
    items.append({"url": reverse("web:calendar"), "label": _("工作日历"), "key": "calendar"})
    return {"nav_items": items, "user_scope": scope}

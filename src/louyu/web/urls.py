from django.contrib.auth import views as auth_views
from django.urls import path

from louyu.web.views import account, audit, calendar, health, home, inbox, notifications

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/done/", inbox.work_item_complete, name="work_item_complete"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.notifications_mark_read, name="notifications_read"),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export.xlsx", audit.audit_export, name="audit_export"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("account/token/", account.api_token, name="api_token"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", health.metrics, name="metrics"),
]

auth_urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # django.contrib.admin ships registration/password_change_*.html and comes first in
    # INSTALLED_APPS, so the staff shell's own templates live under web/.
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="web/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
]

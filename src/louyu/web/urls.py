from django.contrib.auth import views as auth_views
from django.urls import path

from louyu.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/done/", views.work_item_complete, name="work_item_complete"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("healthz", views.healthz, name="healthz"),
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

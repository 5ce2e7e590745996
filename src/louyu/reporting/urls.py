from django.urls import path

from louyu.reporting.views import bulletins, dashboard, metrics, reports

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("metrics/", metrics.metric_help, name="metrics"),
    path("metrics/<slug:code>/", metrics.metric_list, name="metric_list"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/transition/", reports.report_transition, name="report_transition"),
    path("reports/<int:pk>/files/", reports.report_files, name="report_files"),
    path("reports/<int:pk>/files/<int:file_pk>/", reports.report_file, name="report_file"),
    path("bulletins/", bulletins.bulletin_list, name="bulletins"),
    path("bulletins/<int:pk>/", bulletins.bulletin_detail, name="bulletin"),
    path(
        "bulletins/<int:pk>/transition/",
        bulletins.bulletin_transition,
        name="bulletin_transition",
    ),
    path(
        "bulletins/<int:pk>/bulletin.<str:fmt>",
        bulletins.bulletin_download,
        name="bulletin_download",
    ),
]

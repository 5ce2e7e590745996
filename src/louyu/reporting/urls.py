from django.urls import path

from louyu.reporting.views import dashboard, metrics

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("metrics/", metrics.metric_help, name="metrics"),
    path("metrics/<slug:code>/", metrics.metric_list, name="metric_list"),
]

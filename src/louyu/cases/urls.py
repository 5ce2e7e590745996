from django.urls import path

from louyu.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_queue, name="queue"),
    path("export/", views.case_export, name="export"),
    path("new/", views.case_new, name="new"),
    path("report/", views.case_report, name="report"),
    path("from-complaint/<int:complaint_pk>/", views.case_from_complaint, name="from_complaint"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/transition/", views.case_transition, name="transition"),
    path("<int:pk>/violations/", views.case_violation, name="violation"),
    path(
        "<int:pk>/violations/<int:violation_pk>/withdraw/",
        views.violation_withdraw,
        name="violation_withdraw",
    ),
    path("<int:pk>/severity/", views.case_severity, name="severity"),
    path("<int:pk>/info/", views.case_info, name="info"),
    path("<int:pk>/supervision/", views.case_supervision, name="supervision"),
    path("<int:pk>/measures/", views.measure_create, name="measure_create"),
    path("<int:pk>/measures/<int:measure_pk>/answer/", views.measure_answer, name="measure_answer"),
    path("<int:pk>/measures/<int:measure_pk>/cancel/", views.measure_cancel, name="measure_cancel"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/acceptance/", views.acceptance_add, name="acceptance_add"),
    path("<int:pk>/files/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/files/<int:file_pk>/", views.file_download, name="file_download"),
]

from django.urls import path

from louyu.workplans import views

app_name = "workplans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("export.xlsx", views.plan_export, name="export"),
    path("zero-operator/", views.zero_operator_list, name="zero_operator"),
    path("zero-operator/export.xlsx", views.zero_operator_export, name="zero_operator_export"),
    path("new/<int:building_pk>/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/transition/", views.plan_transition, name="transition"),
    path("<int:pk>/measures/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("progress/<int:pk>/evidence/", views.evidence_download, name="evidence"),
]

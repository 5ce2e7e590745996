from django.urls import path

from louyu.inspections import views

app_name = "inspections"

urlpatterns = [
    path("plans/", views.plan_list, name="list"),
    path("plans/new/", views.plan_create, name="create"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/sample.xlsx", views.sample_export, name="sample_export"),
    path("plans/<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="edit"),
    path("plans/<int:pk>/draw/", views.plan_draw, name="draw"),
    path("plans/<int:pk>/transition/", views.plan_transition, name="transition"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="revise"),
    path("plans/<int:pk>/teams/", views.team_add, name="team_add"),
    path("plans/<int:pk>/assignments/", views.assignment_add, name="assignment_add"),
    path("plans/<int:pk>/reinspections/", views.reinspection_add, name="reinspection_add"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/report.pdf", views.inspection_report_pdf, name="report_pdf"),
    path("assignments/<int:pk>/inspection/", views.inspection_submit, name="inspection_submit"),
]

from django.urls import path

from louyu.buildings import import_views, views

app_name = "buildings"

urlpatterns = [
    path("", views.building_list, name="list"),
    path("export.xlsx", views.building_export, name="export"),
    path("new/", views.building_create, name="create"),
    path("<int:pk>/", views.building_detail, name="detail"),
    path("<int:pk>/edit/", views.building_edit, name="edit"),
    path("<int:pk>/presence/", views.presence_set, name="presence_set"),
    path("imports/", import_views.import_upload, name="imports"),
    path("imports/template.xlsx", import_views.import_template, name="import_template"),
    path("imports/<uuid:public_id>/", import_views.import_detail, name="import_detail"),
    path(
        "imports/<uuid:public_id>/progress/",
        import_views.import_progress,
        name="import_progress",
    ),
    path("imports/<uuid:public_id>/mapping/", import_views.import_remap, name="import_remap"),
    path("imports/<uuid:public_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path(
        "imports/<uuid:public_id>/rejected.xlsx",
        import_views.import_rejected,
        name="import_rejected",
    ),
]

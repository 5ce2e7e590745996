from django.urls import path

from louyu.buildings import views

app_name = "buildings"

urlpatterns = [
    path("", views.building_list, name="list"),
    path("export.xlsx", views.building_export, name="export"),
    path("new/", views.building_create, name="create"),
    path("<int:pk>/", views.building_detail, name="detail"),
    path("<int:pk>/edit/", views.building_edit, name="edit"),
    path("<int:pk>/presence/", views.presence_set, name="presence_set"),
]

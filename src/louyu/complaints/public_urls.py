from django.urls import path

from louyu.complaints import public_views

app_name = "public"

urlpatterns = [
    path("complaints/new/", public_views.complaint_new, name="complaint_new"),
    path("buildings/search/", public_views.building_search, name="building_search"),
    path("track/", public_views.track, name="track"),
    path("track/<uuid:public_id>/", public_views.track_status, name="track_status"),
    path("track/<uuid:public_id>/rate/", public_views.track_rate, name="track_rate"),
]

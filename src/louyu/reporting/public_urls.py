from django.urls import path

from louyu.reporting.views import public

app_name = "public_progress"

urlpatterns = [
    path("bulletins/", public.bulletins, name="bulletins"),
    path("bulletins/feed.atom", public.BulletinFeed(), name="bulletin_feed"),
    path("bulletins/<int:pk>/", public.bulletin, name="bulletin"),
    path("bulletins/<int:pk>/bulletin.pdf", public.bulletin_pdf, name="bulletin_pdf"),
    path("statistics/", public.statistics, name="statistics"),
    path("friendly-buildings/", public.friendly_buildings, name="friendly_buildings"),
]

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from louyu.web.urls import auth_urlpatterns

urlpatterns = [
    path("api/", include("louyu.api.urls")),  # first: the busiest routes
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *auth_urlpatterns,
    path("buildings/", include("louyu.buildings.urls")),
    path("complaints/", include("louyu.complaints.urls")),
    path("cases/", include("louyu.cases.urls")),
    path("work-plans/", include("louyu.workplans.urls")),
    path("inspections/", include("louyu.inspections.urls")),
    path("reporting/", include("louyu.reporting.urls")),
    path("articles/", include("louyu.articles.urls")),
    path("library/", include("louyu.library.urls")),
    path("search/", include("louyu.search.urls")),
    path("public/", include("louyu.complaints.public_urls")),
    path("public/", include("louyu.reporting.public_urls")),
    path("open311/v2/", include("louyu.complaints.open311_urls")),
    path("", include("louyu.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

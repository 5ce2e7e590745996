from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from louyu.articles import api as articles_api
from louyu.buildings import api as buildings_api
from louyu.buildings import import_api as building_import_api
from louyu.cases import api as cases_api
from louyu.complaints import api as complaints_api
from louyu.core import api as core_api
from louyu.inspections import api as inspections_api
from louyu.library import api as library_api
from louyu.reporting import api as reporting_api
from louyu.search import api as search_api
from louyu.workplans import api as workplans_api

router = DefaultRouter()
# Complaints first: URL resolution tries the routes in order, and complaint intake is the
# busiest API route (docs/performance.md).
router.register("complaints", complaints_api.ComplaintViewSet, basename="complaint")
router.register("jurisdictions", core_api.JurisdictionViewSet, basename="jurisdiction")
router.register("organizations", core_api.OrganizationViewSet, basename="organization")
router.register("work-items", core_api.WorkItemViewSet, basename="work-item")
router.register("notifications", core_api.NotificationViewSet, basename="notification")
router.register("audit-events", core_api.AuditEventViewSet, basename="audit-event")
router.register("buildings", buildings_api.BuildingViewSet, basename="building")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register(
    "zero-operator-buildings",
    workplans_api.ZeroOperatorBuildingViewSet,
    basename="zero-operator-building",
)
router.register("work-plans", workplans_api.WorkPlanViewSet, basename="work-plan")
router.register(
    "work-plan-measures", workplans_api.PlanMeasureViewSet, basename="work-plan-measure"
)
router.register(
    "inspection-plans", inspections_api.InspectionPlanViewSet, basename="inspection-plan"
)
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")
router.register(
    "building-imports", building_import_api.BuildingImportViewSet, basename="building-import"
)
router.register("reports", reporting_api.ReportViewSet, basename="report")
router.register("bulletins", reporting_api.BulletinViewSet, basename="bulletin")
router.register("articles", articles_api.ArticleViewSet, basename="article")
router.register("practices", library_api.PracticeViewSet, basename="practice")
router.register("meetings", library_api.MeetingViewSet, basename="meeting")
router.register("action-items", library_api.ActionItemViewSet, basename="action-item")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/regions/resolve/", core_api.RegionResolveView.as_view(), name="region-resolve"),
    path("v1/calendar/deadline/", core_api.DeadlineView.as_view(), name="calendar-deadline"),
    path("v1/me/", core_api.MeView.as_view(), name="me"),
    path("v1/metrics/", reporting_api.MetricView.as_view(), name="metrics"),
    path("v1/search/", search_api.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

from rest_framework import viewsets
from rest_framework.views import APIView


class _Pending(viewsets.ViewSet):
    def list(self, request):
        pass


JurisdictionViewSet = OrganizationViewSet = WorkItemViewSet = _Pending
NotificationViewSet = AuditEventViewSet = _Pending
RegionResolveView = DeadlineView = MeView = APIView

import datetime

import pytest
from django.utils import timezone

from louyu.buildings.demo import generate_buildings
from louyu.complaints.generate import generate_complaints
from louyu.complaints.models import Complaint, StatusChange

pytestmark = pytest.mark.django_db


def test_generates_complaints_with_the_status_history_of_their_state(cenv):
    generate_buildings(count=50, seed=3)
    assert generate_complaints(count=120, seed=5, batch_size=50) == 120
    assert Complaint.objects.count() == 120
    assert StatusChange.objects.count() > 120
    for complaint in Complaint.objects.select_related("building", "handler")[:40]:
        assert complaint.jurisdiction_id == complaint.building.jurisdiction_id
        assert complaint.handler.jurisdiction_id == complaint.jurisdiction_id
        path = list(complaint.status_changes.order_by("created_at", "id"))
        assert path[0].to_state == "submitted" and path[0].from_state == ""
        assert path[-1].to_state == complaint.state
        assert all(a.to_state == b.from_state for a, b in zip(path, path[1:], strict=False))
        assert [c.created_at for c in path] == sorted(c.created_at for c in path)
        if complaint.state == "closed":
            assert path[-1].details["satisfaction"] == complaint.satisfaction
    states = set(Complaint.objects.values_list("state", flat=True))
    assert {"closed", "submitted", "handling"} <= states


def test_received_since_keeps_complaints_and_their_histories_after_it(cenv):
    generate_buildings(count=10, seed=3)
    since = timezone.now() - datetime.timedelta(hours=3)
    generate_complaints(count=60, seed=9, received_since=since)
    assert Complaint.objects.filter(received_at__lt=since).count() == 0
    assert StatusChange.objects.filter(created_at__lt=since).count() == 0
    assert Complaint.objects.filter(received_at__gte=since).count() == 60


def test_without_buildings_it_says_so(cenv):
    with pytest.raises(ValueError, match="楼宇"):
        generate_complaints(count=1)

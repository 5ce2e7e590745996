import pytest

from louyu.buildings.demo import generate_buildings
from louyu.complaints.generate import generate_complaints
from louyu.complaints.models import Complaint, StatusChange

pytestmark = pytest.mark.django_db


def test_generates_complaints_with_a_status_row_each(cenv):
    generate_buildings(count=50, seed=3)
    assert generate_complaints(count=120, seed=5, batch_size=50) == 120
    assert Complaint.objects.count() == 120
    assert StatusChange.objects.count() == 120
    for complaint in Complaint.objects.select_related("building", "handler")[:20]:
        assert complaint.jurisdiction_id == complaint.building.jurisdiction_id
        assert complaint.handler.jurisdiction_id == complaint.jurisdiction_id
        assert complaint.status_changes.get().to_state == complaint.state
    states = set(Complaint.objects.values_list("state", flat=True))
    assert {"closed", "submitted", "handling"} <= states


def test_without_buildings_it_says_so(cenv):
    with pytest.raises(ValueError, match="楼宇"):
        generate_complaints(count=1)

import pytest

from louyu.buildings.demo import generate_buildings
from louyu.complaints.demo import create_demo_complaints
from louyu.complaints.models import Category, Channel, Complaint, StatusChange
from louyu.complaints.workflow import State
from louyu.core.demo import create_demo_users

pytestmark = pytest.mark.django_db


def test_demo_complaints_cover_every_state_channel_and_category_and_run_once():
    create_demo_users()
    generate_buildings(count=60, seed=1)
    assert create_demo_complaints(count=120, seed=1) == 120
    complaints = Complaint.objects.all()
    assert set(complaints.values_list("state", flat=True)) == set(State.values)
    assert set(complaints.values_list("channel", flat=True)) == set(Channel.values)
    assert set(complaints.values_list("category_id", flat=True)) == set(
        Category.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    merged = complaints.filter(state=State.MERGED)
    assert merged.exists() and all(c.merged_into.building_id == c.building_id for c in merged)
    assert complaints.filter(state=State.REOPENED).count() == 1
    # History is real: every step is a status row; the acceptance clock runs.
    closed = complaints.filter(state=State.CLOSED).first()
    assert list(
        StatusChange.objects.filter(complaint=closed).values_list("to_state", flat=True)
    ) == ["submitted", "accepted", "verifying", "handling", "replied", "closed"]
    from django.utils import timezone

    waiting = complaints.filter(state=State.SUBMITTED)
    assert waiting.filter(accept_due_at__lt=timezone.now()).exists()  # overdue
    assert waiting.filter(accept_due_at__gte=timezone.now()).exists()  # still running
    assert create_demo_complaints(count=120, seed=1) == 0
    assert Complaint.objects.count() == 120

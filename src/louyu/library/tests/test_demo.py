import pytest

from louyu.core.demo import create_demo_users
from louyu.core.models import WorkItem
from louyu.library.demo import PRACTICES, create_demo_library
from louyu.library.models import ActionItem, Adoption, Meeting, Practice
from louyu.search.indexing import reindex

pytestmark = pytest.mark.django_db


def test_demo_meeting_with_eleven_administrations_runs_once():
    create_demo_users()
    assert create_demo_library() == 11
    assert set(Practice.objects.values_list("jurisdiction__code", flat=True)) == set(PRACTICES)
    assert not Practice.objects.exclude(state="published").exists()
    meeting = Meeting.objects.get()
    kinds = list(meeting.agenda.values_list("kind", flat=True))
    assert kinds[0] == "bulletin" and kinds.count("practice") == 11 and kinds[-1] == "plan"
    assert meeting.agenda.get(kind="plan").presenter.code == "caict"
    assert ActionItem.objects.count() == 11 and ActionItem.objects.filter(state="done").count() == 3
    assert WorkItem.objects.filter(kind="meeting_action", state="open").count() == 8
    assert Adoption.objects.count() == 2
    assert create_demo_library() == 0


def test_the_demo_reindex_covers_the_library():
    """``seed_demo`` ends with ``reindex()`` of every kind: the demo's practices and
    meeting are searchable."""
    create_demo_users()
    create_demo_library()
    counts = reindex()
    assert counts["practice"] == Practice.objects.count() == 11
    assert counts["meeting"] == 1

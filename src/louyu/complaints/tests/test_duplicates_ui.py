"""The likely-duplicates panel of the staff detail page: scored candidates, merge, dismiss,
and who may see and use it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from louyu.buildings import services as building_services
from louyu.complaints import duplicate_services
from louyu.complaints.models import DuplicateDismissal
from louyu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(cenv):
    building = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号", building_type="office_tower"
    )
    first, _ = cenv["file"](building=building, complainant_name="李四")
    second, _ = cenv["file"](building=building, complainant_phone="13700137000")
    return first, second


def detail(complaint):
    return reverse("complaints:detail", args=[complaint.pk])


def merge_url(complaint, candidate_pk):
    return reverse("complaints:duplicate_merge", args=[complaint.pk, candidate_pk])


def dismiss_url(complaint, candidate_pk):
    return reverse("complaints:duplicate_dismiss", args=[complaint.pk, candidate_pk])


def test_panel_lists_scored_candidates_without_personal_data(client, cenv, pair):
    first, second = pair
    client.force_login(cenv["bj"])
    response = client.get(detail(second))
    content = response.content.decode()
    assert 'data-testid="duplicates-panel"' in content
    [item] = response.context["duplicates"]
    assert item["complaint"].pk == first.pk and item["score"] >= 80
    assert f'data-code="{first.tracking_code}"' in content
    assert "国贸大厦" in content and "合并到此件" in content and "不是重复" in content
    assert "李四" not in content  # the candidate's complainant is never shown


def test_merge_button_merges_into_the_candidate(client, cenv, pair):
    first, second = pair
    client.force_login(cenv["bj"])
    response = client.post(merge_url(second, first.pk), {"expected_version": second.version})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == "merged" and second.merged_into_id == first.pk
    # A merged complaint is no longer open: no panel.
    assert 'data-testid="duplicates-panel"' not in client.get(detail(second)).content.decode()


def test_merge_with_a_stale_version_changes_nothing(client, cenv, pair):
    first, second = pair
    client.force_login(cenv["bj"])
    response = client.post(
        merge_url(second, first.pk), {"expected_version": second.version + 5}, follow=True
    )
    assert any("已被他人更新" in str(m) for m in response.context["messages"])
    second.refresh_from_db()
    assert second.state == "submitted"


def test_no_merge_button_when_merging_is_not_allowed(client, cenv, pair):
    from louyu.complaints import services

    first, second = pair
    services.complaint_transition(actor=cenv["bj"], complaint=second, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=second, to="verifying")
    client.force_login(cenv["bj"])
    content = client.get(detail(second)).content.decode()
    assert 'data-testid="duplicates-panel"' in content
    assert "合并到此件" not in content and "不是重复" in content


def test_dismiss_hides_the_candidate_is_audited_and_idempotent(client, cenv, pair):
    first, second = pair
    client.force_login(cenv["bj"])
    assert client.post(dismiss_url(second, first.pk)).status_code == 302
    assert client.post(dismiss_url(second, first.pk)).status_code == 302
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.complaint_id, dismissal.candidate_id) == (second.pk, first.pk)
    assert dismissal.dismissed_by == cenv["bj"]
    events = AuditEvent.objects.filter(action="complaint.duplicate_dismiss")
    assert events.count() == 1 and events.get().object_id == str(second.pk)
    response = client.get(detail(second))
    assert response.context["duplicates"] == []
    assert 'data-testid="duplicates-panel"' not in response.content.decode()
    # Only for this complaint: the other one still lists it.
    assert [i["complaint"].pk for i in client.get(detail(first)).context["duplicates"]] == [
        second.pk
    ]


def test_non_handlers_see_no_panel_and_cannot_post(client, cenv, pair):
    from louyu.complaints import services

    first, second = pair
    client.force_login(cenv["dl"])  # another jurisdiction: cannot even see it
    assert client.post(dismiss_url(second, first.pk)).status_code == 404
    assert client.post(merge_url(second, first.pk), {"expected_version": 1}).status_code == 404
    # A joint department it was referred to sees the complaint but does not handle it.
    services.complaint_transition(actor=cenv["bj"], complaint=second, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=second, to="handling")
    services.complaint_refer(
        actor=cenv["bj"], complaint=second, to_organization=cenv["samr_org"], kind="co_handle"
    )
    client.force_login(cenv["samr"])
    response = client.get(detail(second))
    assert response.status_code == 200 and response.context["duplicates"] == []
    assert 'data-testid="duplicates-panel"' not in response.content.decode()
    assert client.post(dismiss_url(second, first.pk)).status_code == 403
    assert client.post(merge_url(second, first.pk), {"expected_version": 9}).status_code == 403
    assert not DuplicateDismissal.objects.exists()
    assert not AuditEvent.objects.filter(action="complaint.duplicate_dismiss").exists()
    second.refresh_from_db()
    assert second.state == "handling"


def test_forged_candidate_of_another_jurisdiction_is_404(client, cenv, pair):
    _first, second = pair
    dalian, _ = cenv["file"](address="辽宁省大连市中山区人民路1号")
    client.force_login(cenv["bj"])
    assert client.post(dismiss_url(second, dalian.pk)).status_code == 404
    response = client.post(merge_url(second, dalian.pk), {"expected_version": second.version})
    assert response.status_code == 404
    assert client.post(dismiss_url(second, second.pk)).status_code == 404  # itself
    assert client.post(dismiss_url(second, 999999)).status_code == 404
    assert not DuplicateDismissal.objects.exists()
    second.refresh_from_db()
    assert second.state == "submitted"


def test_service_refuses_non_handlers_and_invisible_candidates(cenv, pair):
    from django.core.exceptions import ValidationError

    first, second = pair
    dalian, _ = cenv["file"](address="辽宁省大连市中山区人民路1号")
    with pytest.raises(PermissionDenied):
        duplicate_services.duplicate_dismiss(actor=cenv["dl"], complaint=second, candidate=first)
    with pytest.raises(ValidationError):
        duplicate_services.duplicate_dismiss(actor=cenv["bj"], complaint=second, candidate=dalian)
    assert not DuplicateDismissal.objects.exists()

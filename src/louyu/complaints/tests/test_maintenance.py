import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from louyu.complaints import maintenance, personal_data, services
from louyu.complaints.models import Attachment, Complaint
from louyu.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_a_published_2027_schedule_moves_provisional_deadlines(
    cenv, django_capture_on_commit_callbacks
):
    with freeze_time("2026-12-28 09:30:00+08:00"):
        complaint, _ = cenv["file"](received_at=timezone.now())
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    complaint.refresh_from_db()
    assert complaint.deadline_provisional
    assert complaint.reply_due_at == datetime.datetime(2027, 1, 28, tzinfo=SHANGHAI)
    # Hypothetical 2027 data for the test: 2027-01-27 declared a holiday, year published.
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=datetime.date(2027, 1, 27), kind="holiday", name="测试")
        CalendarYear.objects.create(year=2027, published=True, source="测试数据")
    complaint.refresh_from_db()
    assert complaint.deadline_provisional is False
    assert complaint.reply_due_at == datetime.datetime(2027, 1, 29, tzinfo=SHANGHAI)
    assert AuditEvent.objects.filter(action="complaint.deadline_recompute").exists()
    assert maintenance.complaint_deadlines_recompute() == 0  # nothing left to change


def test_recompute_keeps_pauses_and_skips_finished_complaints(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(
        actor=cenv["bj"], complaint=complaint, to="rejected", refusal_reason="out_of_scope"
    )
    assert maintenance.complaint_deadlines_recompute() == 0


def test_personal_data_is_erased_after_retention(cenv, settings):
    from django.core.files.base import ContentFile

    settings.LOUYU_COMPLAINT_RETENTION_DAYS = 30
    old, _ = cenv["file"]()
    for to, details in [
        ("accepted", {}),
        ("handling", {}),
        ("replied", {"result": "not", "reply_text": "经核查不属实。"}),
        ("closed", {"satisfaction": 3, "resolved": False}),
    ]:
        services.complaint_transition(actor=cenv["bj"], complaint=old, to=to, **details)
    attachment = Attachment(
        complaint=old, original_name="a.png", content_type="image/png", size=3, sha256="x"
    )
    attachment.file.save("a.png", ContentFile(b"png"), save=True)
    recent, _ = cenv["file"](complainant_phone="13911112222")
    later = timezone.now() + datetime.timedelta(days=31)
    assert maintenance.complaints_erase_personal_data(now=later) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.complainant_phone == "" and old.complainant_name == ""
    assert old.personal_data_erased_at is not None
    assert not Attachment.objects.filter(complaint=old).exists()
    assert recent.complainant_phone == "13911112222"
    data = personal_data.complaint_personal_data(user=cenv["bj"], complaint=old)
    assert data["full"] is False and data["phone"] == ""
    assert maintenance.complaints_erase_personal_data(now=later) == 0
    assert Complaint.objects.get(pk=old.pk).status_changes.count() == 5  # history kept

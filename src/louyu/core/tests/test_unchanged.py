import pytest

from louyu.core.models import AuditEvent, AuthorizationVersion, Jurisdiction, User
from louyu.core.tests.factories import JurisdictionFactory, UserFactory
from louyu.core.tests.unchanged import assert_unchanged, louyu_models

pytestmark = pytest.mark.django_db


def test_passes_when_nothing_changes():
    user = UserFactory(username="calm")
    with assert_unchanged():
        User.objects.get(pk=user.pk)
    with assert_unchanged(User, Jurisdiction.objects.filter(code="970001")):
        list(User.objects.all())


def test_names_the_table_row_and_field_of_a_change():
    user = UserFactory(username="changed", first_name="甲")
    with pytest.raises(AssertionError) as failure:
        with assert_unchanged():
            User.objects.filter(pk=user.pk).update(first_name="乙")
    message = str(failure.value)
    assert f"core.User pk={user.pk}: first_name '甲' -> '乙'" in message


def test_fails_on_an_insert_and_on_a_delete():
    doomed = JurisdictionFactory(code="970009")
    with pytest.raises(AssertionError, match=r"core\.AuditEvent pk=\d+: inserted"):
        with assert_unchanged():
            AuditEvent.objects.create(action="test.refused")
    with pytest.raises(AssertionError, match=rf"core\.Jurisdiction pk={doomed.pk}: deleted"):
        with assert_unchanged(Jurisdiction):
            doomed.delete()


def test_a_queryset_watches_only_its_rows():
    user = UserFactory(username="watched")
    other = UserFactory(username="unwatched")
    with assert_unchanged(User.objects.filter(pk=user.pk)):
        User.objects.filter(pk=other.pk).update(first_name="丙")
    with pytest.raises(AssertionError, match=r"core\.User \(queryset 1\)"):
        with assert_unchanged(User.objects.filter(pk=user.pk)):
            User.objects.filter(pk=user.pk).update(first_name="丙")


def test_covers_every_louyu_app_and_its_many_to_many_tables_but_not_the_version_row():
    labels = {model._meta.label for model in louyu_models()}
    assert {"core.User", "buildings.Building", "complaints.Complaint", "cases.Case"} <= labels
    assert {"workplans.WorkPlan", "reporting.MonthlyReport", "core.AuditEvent"} <= labels
    assert "core.User_groups" in labels
    assert AuthorizationVersion._meta.label not in labels
    assert not any(label.startswith(("sessions.", "authtoken.", "auth.")) for label in labels)

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from louyu.cases.services.violations import violation_add, violation_withdraw
from louyu.core.errors import ConcurrentEdit, InvalidTransition
from louyu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_violation_recorded_by_mistake_is_withdrawn_not_deleted(kenv):
    from louyu.cases.models import Violation

    case = kenv["rectifying"]()
    violation = case.violations.get()
    case.refresh_from_db()
    version = case.version
    with pytest.raises(ValidationError):
        violation_withdraw(actor=kenv["bj"], case=case, violation=violation, reason=" ")
    with pytest.raises(ConcurrentEdit):
        violation_withdraw(
            actor=kenv["bj"],
            case=case,
            violation=violation,
            reason="登记错了",
            expected_version=version - 1,
        )
    with pytest.raises(PermissionDenied):
        violation_withdraw(actor=kenv["pm_user"], case=case, violation=violation, reason="物业想撤")
    other = kenv["open_case"](building=kenv["dl_building"], actor=kenv["dl"])
    with pytest.raises(ValidationError):  # another case's violation, forged
        violation_withdraw(
            actor=kenv["bj"], case=case, violation=other.violations.get(), reason="伪造"
        )
    case.refresh_from_db()
    assert case.version == version and violation.withdrawn_at is None
    withdrawn = violation_withdraw(
        actor=kenv["bj"], case=case, violation=violation, reason="登记错了，应为未公示"
    )
    assert withdrawn.withdrawn_at and withdrawn.withdrawn_by == kenv["bj"]
    assert Violation.objects.filter(pk=violation.pk).exists()  # still on the case
    case.refresh_from_db()
    assert case.version == version + 1
    assert case.status_changes.filter(details__event="violation_withdrawn").exists()
    assert AuditEvent.objects.filter(action="case.violation_withdraw").count() == 1
    with pytest.raises(InvalidTransition):
        violation_withdraw(actor=kenv["bj"], case=case, violation=violation, reason="再撤")
    # The same category and party may be recorded again once withdrawn.
    again = violation_add(
        actor=kenv["bj"],
        case=case,
        category=kenv["category"],
        responsible_party="property_company",
    )
    assert again.pk != violation.pk

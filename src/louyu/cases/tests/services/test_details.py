import pytest
from django.core.exceptions import PermissionDenied

from louyu.cases.services.details import case_set_supervision, case_update
from louyu.cases.workflow import Severity
from louyu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_changing_severity_while_rectifying_recomputes_the_deadline(kenv):
    case = kenv["rectifying"]()
    before = case.rectify_due_at
    case = case_update(actor=kenv["bj"], case=case, severity=Severity.MAJOR)
    assert case.rectify_due_at < before
    assert AuditEvent.objects.filter(action="case.update", object_id=str(case.pk)).exists()


def test_supervision_levels_by_who_sets_them(kenv):
    case = kenv["open_case"]()
    with pytest.raises(PermissionDenied):
        case_set_supervision(actor=kenv["bj"], case=case, level="ministry")
    case_set_supervision(actor=kenv["bj"], case=case, level="administration")
    case.refresh_from_db()
    assert case.key_case and case.supervisor.code == "ca-110000"
    case_set_supervision(actor=kenv["ministry"], case=case, level="ministry")
    case.refresh_from_db()
    assert case.supervision_level == "ministry" and case.supervisor.code == "ministry"
    with pytest.raises(PermissionDenied):
        case_set_supervision(actor=kenv["bj"], case=case, level="")
    assert AuditEvent.objects.filter(action="case.supervision", object_id=str(case.pk)).count() == 2

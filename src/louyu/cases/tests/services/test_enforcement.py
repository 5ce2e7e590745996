from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from louyu.cases.models import CaseFile
from louyu.cases.services.enforcement import enforcement_action_add
from louyu.cases.tests.conftest import checked_png
from louyu.cases.workflow import ActionKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (
            {"kind": ActionKind.PENALTY, "amount": Decimal("0"), "decision_number": "京通罚1号"},
            "amount",
        ),
        ({"kind": ActionKind.PENALTY, "amount": Decimal("5000")}, "decision_number"),
        ({"kind": ActionKind.REFERRAL}, "target_organization"),
        ({"kind": "fine"}, "kind"),
    ],
)
def test_enforcement_actions_reject_incomplete_records(kenv, kwargs, field):
    case = kenv["open_case"]()
    with pytest.raises(ValidationError) as exc:
        enforcement_action_add(
            actor=kenv["bj"], case=case, action_date=timezone.localdate(), **kwargs
        )
    assert field in exc.value.message_dict
    assert not case.actions.exists()


def test_every_kind_of_enforcement_action_is_recorded_and_referral_shows_the_case(kenv):
    from louyu.cases.selectors import case_list

    case = kenv["open_case"]()
    today = timezone.localdate()
    extra = {
        ActionKind.PENALTY: {"amount": Decimal("20000"), "decision_number": "京通管罚〔2026〕1号"},
        ActionKind.REFERRAL: {"target_organization": kenv["samr_org"]},
    }
    assert not case_list(user=kenv["samr"]).exists()
    for kind in ActionKind.values:
        enforcement_action_add(
            actor=kenv["bj"],
            case=case,
            kind=kind,
            action_date=today,
            files=checked_png(f"{kind}.png"),
            **extra.get(kind, {}),
        )
    assert case.actions.count() == len(ActionKind.values)
    assert CaseFile.objects.filter(kind=CaseFile.Kind.ACTION).count() == len(ActionKind.values)
    assert list(case_list(user=kenv["samr"])) == [case]

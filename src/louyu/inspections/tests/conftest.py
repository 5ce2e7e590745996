import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.buildings.tests.factories import BuildingFactory
from louyu.core import roles
from louyu.core.models import Jurisdiction, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.core.tests.unchanged import assert_unchanged, louyu_models
from louyu.inspections import services
from louyu.inspections.models import ChecklistVersion
from louyu.inspections.sampling import StratumSpec


class Env(dict):
    __getattr__ = dict.__getitem__


def nothing_changes():
    """``assert_unchanged`` over Louyu's tables and this app's."""
    own = apps.get_app_config("inspections").get_models(include_auto_created=True)
    return assert_unchanged(*louyu_models(), *own)


def building(address: str, *, operators: int = 2, **extra) -> Building:
    made = BuildingFactory(address=address, **extra)
    Building.objects.filter(pk=made.pk).update(operator_count=operators)
    made.operator_count = operators
    return made


@pytest.fixture
def ins(db):
    """北京 (110000) and 大连 (210200) with their administrations, the ministry, the
    institute and market regulation in 北京; users of each; a helper that creates a plan
    with a simple specification."""
    beijing = Jurisdiction.objects.get(code="110000")
    dalian = Jurisdiction.objects.get(code="210200")
    orgs = {
        "ministry": OrganizationFactory(
            code="ministry", type=OrganizationType.MINISTRY, jurisdiction=None
        ),
        "caict": OrganizationFactory(
            code="caict", type=OrganizationType.RESEARCH_INSTITUTE, jurisdiction=None
        ),
        "ca-110000": OrganizationFactory(code="ca-110000", jurisdiction=beijing),
        "ca-210200": OrganizationFactory(code="ca-210200", jurisdiction=dalian),
        "samr-110000": OrganizationFactory(
            code="samr-110000", type=OrganizationType.MARKET_REGULATION, jurisdiction=beijing
        ),
    }
    role_of = {
        "ministry": roles.MINISTRY_ADMIN,
        "caict": roles.INSTITUTE_ANALYST,
        "ca-110000": roles.ADMINISTRATION_STAFF,
        "ca-210200": roles.ADMINISTRATION_STAFF,
        "samr-110000": roles.JOINT_DEPARTMENT_STAFF,
    }
    users = {
        key: UserFactory(username=f"i-{code}", organization=org, roles=[role_of[code]])
        for key, code, org in (
            ("ministry", "ministry", orgs["ministry"]),
            ("caict", "caict", orgs["caict"]),
            ("bj", "ca-110000", orgs["ca-110000"]),
            ("dl", "ca-210200", orgs["ca-210200"]),
            ("samr", "samr-110000", orgs["samr-110000"]),
        )
    }
    today = timezone.localdate()
    env = Env(beijing=beijing, dalian=dalian, today=today, orgs=orgs, **users)
    env["checklist"] = ChecklistVersion.objects.get(code="2026-v1")

    def plan(actor=None, jurisdictions=None, strata=None, **overrides):
        actor = actor or env.bj
        data = {
            "name": "2026 年北京联合检查",
            "period_start": today,
            "period_end": today + datetime.timedelta(days=30),
            "jurisdictions": jurisdictions or [beijing],
            "checklist": env.checklist,
            "strata": [StratumSpec(kind="zero_operator", size=1), StratumSpec(kind="random_rest")]
            if strata is None
            else strata,
            "sample_size": 3,
            "seed": 42,
        }
        data.update(overrides)
        return services.inspection_plan_create(actor=actor, **data)

    env["plan"] = plan
    return env

import datetime

import pytest
from django.utils import timezone

from louyu.buildings.tests.factories import BuildingFactory
from louyu.core import roles
from louyu.core.models import Jurisdiction, Organization, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.workplans import services
from louyu.workplans.models import MeasureKind
from louyu.workplans.tests.factories import WorkPlanFactory

BEIJING = "北京市朝阳区建国路{n}号"
DALIAN = "辽宁省大连市中山区人民路{n}号"


class Env(dict):
    __getattr__ = dict.__getitem__


def _organizations() -> None:
    """The reference organisations these tests use, as ``load_reference_organizations``
    names them (only these: loading all of them costs most of a test's time)."""
    beijing = Jurisdiction.objects.get(code="110000")
    dalian = Jurisdiction.objects.get(code="210200")
    OrganizationFactory(code="ministry", type=OrganizationType.MINISTRY, jurisdiction=None)
    OrganizationFactory(code="caict", type=OrganizationType.RESEARCH_INSTITUTE, jurisdiction=None)
    OrganizationFactory(code="ca-110000", name="北京市通信管理局", jurisdiction=beijing)
    OrganizationFactory(code="ca-210200", name="大连市通信管理局", jurisdiction=dalian)
    OrganizationFactory(
        code="samr-110000", type=OrganizationType.MARKET_REGULATION, jurisdiction=beijing
    )
    for key, name in (("telecom", "中国电信"), ("mobile", "中国移动")):
        operator = OrganizationFactory(
            code=f"op-{key}",
            name=f"{name}集团有限公司",
            short_name=name,
            type=OrganizationType.OPERATOR,
            operator_key=key,
            is_basic_operator=True,
            jurisdiction=None,
        )
        OrganizationFactory(
            code=f"op-{key}-110000",
            name=f"{name}北京市分公司",
            type=OrganizationType.OPERATOR_BRANCH,
            parent=operator,
            jurisdiction=beijing,
        )


@pytest.fixture
def wp(db):
    """Real jurisdictions 北京 110000 and 大连 210200, their administrations, operators'
    branches and headquarters, a joint department, the ministry and the institute; two
    zero-operator buildings in 北京 and one in 大连; helpers to make plans and measures."""
    _organizations()
    org = Organization.objects.get

    def user(username, code, role):
        return UserFactory(username=username, organization=org(code=code), roles=[role])

    env = Env(
        bj=user("w-ca-110000", "ca-110000", roles.ADMINISTRATION_STAFF),
        dl=user("w-ca-210200", "ca-210200", roles.ADMINISTRATION_STAFF),
        ministry=user("w-ministry", "ministry", roles.MINISTRY_ADMIN),
        caict=user("w-caict", "caict", roles.INSTITUTE_ANALYST),
        telecom_bj=user("w-op-telecom-110000", "op-telecom-110000", roles.OPERATOR_STAFF),
        mobile_bj=user("w-op-mobile-110000", "op-mobile-110000", roles.OPERATOR_STAFF),
        telecom_hq=user("w-op-telecom", "op-telecom", roles.OPERATOR_STAFF),
        samr=user("w-samr-110000", "samr-110000", roles.JOINT_DEPARTMENT_STAFF),
        ca_bj=org(code="ca-110000"),
        telecom=org(code="op-telecom"),
        telecom_branch=org(code="op-telecom-110000"),
        mobile_branch=org(code="op-mobile-110000"),
        samr_org=org(code="samr-110000"),
        talk=MeasureKind.objects.get(code="talk_property"),
        commitment_kind=MeasureKind.objects.get(code="operator_commitment"),
        today=timezone.localdate(),
    )
    env["building_bj"] = BuildingFactory(name="望京测试大厦", address=BEIJING.format(n=1))
    env["building_bj2"] = BuildingFactory(name="国贸测试中心", address=BEIJING.format(n=2))
    env["building_dl"] = BuildingFactory(name="星海测试广场", address=DALIAN.format(n=3))

    def plan(building=None, actor=None, **overrides):
        overrides.setdefault("target_date", env.today + datetime.timedelta(days=90))
        return WorkPlanFactory(
            actor=actor or env.bj, building=building or env.building_bj, **overrides
        )

    def measure(plan, actor=None, **overrides):
        data = {
            "kind": env.talk,
            "title": "约谈物业公司",
            "owner": env.ca_bj,
            "due_date": env.today + datetime.timedelta(days=10),
        }
        data.update(overrides)
        return services.measure_add(actor=actor or env.bj, plan=plan, **data)

    def commitment(plan, owner=None, **overrides):
        data = {
            "kind": env.commitment_kind,
            "title": "电信承诺入驻",
            "owner": owner or env.telecom_branch,
            "committed_entry_date": env.today + datetime.timedelta(days=30),
        }
        data.update(overrides)
        return measure(plan, **data)

    env["plan"], env["measure"], env["commitment"] = plan, measure, commitment
    return env

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from louyu.buildings.tests.factories import BuildingFactory
from louyu.cases.services.measures import measure_create
from louyu.cases.services.transitions import case_transition
from louyu.cases.tests.factories import CaseFactory
from louyu.complaints.models import Category
from louyu.core import roles
from louyu.core.models import Organization, OrganizationType
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.core.uploads import check_uploads


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def checked_png(name: str = "photo.png"):
    return check_uploads([png_upload(name)])


@pytest.fixture
def kenv(db, settings, tmp_path):
    """北京 and 大连 administrations, the ministry, a property company of 北京 with a user,
    北京 telecom and mobile branches, 北京 market regulation; one building in each
    jurisdiction; a helper to open a case ready for rectification."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_reference_organizations()
    org = Organization.objects.get
    pm = OrganizationFactory(
        code="pm-test-110000",
        name="测试物业公司",
        type=OrganizationType.PROPERTY_COMPANY,
        jurisdiction=org(code="ca-110000").jurisdiction,
    )

    def user(username, organization, role):
        return UserFactory(username=username, organization=organization, roles=[role])

    env = {
        "bj": user("k-ca-110000", org(code="ca-110000"), roles.ADMINISTRATION_STAFF),
        "bj_admin": user("k-admin-110000", org(code="ca-110000"), roles.ADMINISTRATION_ADMIN),
        "dl": user("k-ca-210200", org(code="ca-210200"), roles.ADMINISTRATION_STAFF),
        "ministry": user("k-ministry", org(code="ministry"), roles.MINISTRY_ADMIN),
        "caict": user("k-caict", org(code="caict"), roles.INSTITUTE_ANALYST),
        "pm_user": user("k-pm", pm, roles.PROPERTY_STAFF),
        "telecom": user("k-op-telecom-110000", org(code="op-telecom-110000"), roles.OPERATOR_STAFF),
        "mobile": user("k-op-mobile-110000", org(code="op-mobile-110000"), roles.OPERATOR_STAFF),
        "samr": user("k-samr-110000", org(code="samr-110000"), roles.JOINT_DEPARTMENT_STAFF),
        "pm": pm,
        "samr_org": org(code="samr-110000"),
        "telecom_org": org(code="op-telecom-110000"),
        "category": Category.objects.get(code="entry_blocked"),
    }
    env["building"] = BuildingFactory(
        name="国贸测试大厦", address="北京市朝阳区建国路88号", property_company=pm
    )
    env["dl_building"] = BuildingFactory(name="大连测试中心", address="辽宁省大连市中山区人民路1号")

    def open_case(building=None, actor=None, **kwargs):
        building = building or env["building"]
        kwargs.setdefault(
            "violations",
            [
                {
                    "category": env["category"],
                    "responsible_party": "property_company",
                    "responsible_organization": building.property_company,
                }
            ],
        )
        return CaseFactory(actor=actor or env["bj"], building=building, **kwargs)

    def rectifying(**kwargs):
        case = open_case(**kwargs)
        return case_transition(actor=env["bj"], case=case, to="rectifying")

    def measure(case, owner=None, days=10):
        return measure_create(
            actor=env["bj"],
            case=case,
            title="开放弱电间供运营商进场",
            owner=owner or pm,
            due_date=timezone.localdate() + datetime.timedelta(days=days),
        )

    env.update(open_case=open_case, rectifying=rectifying, measure=measure)
    return env

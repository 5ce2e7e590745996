"""A running plan with one assignment to a mixed team (北京 administration + market
regulation), two basic operators, and helpers to make photos and answers."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient

from louyu.buildings.models import PresenceSource, PresenceStatus
from louyu.buildings.services import presence_set
from louyu.core.models import OrganizationType
from louyu.core.tests.factories import OrganizationFactory
from louyu.inspections import services
from louyu.inspections.tests.conftest import building

# The items of the 2026 checklist that may ask for a photo (the fibre item does not apply
# to the fixtures' buildings).
EVIDENCE_CODES = (
    "operators_serving",
    "exclusive_deal",
    "fee_to_operators",
    "fee_to_tenants",
    "monthly_price",
    "notice_posted",
    "facilities_open",
)
PASSING = {
    "operators_serving": ["telecom"],
    "exclusive_deal": "no",
    "fee_to_operators": "no",
    "fee_to_tenants": "no",
    "forced_contractor": "no",
    "monthly_price": "300",
    "notice_posted": "全部公示",
    "facilities_open": "yes",
    "complaints_known": "",
}


def jpeg(*, taken: str | None = None, name: str = "photo.jpg") -> SimpleUploadedFile:
    """A small JPEG, with ``taken`` as its EXIF DateTimeOriginal when given."""
    image = Image.new("RGB", (8, 8), "red")
    out = io.BytesIO()
    if taken:
        exif = Image.Exif()
        exif.get_ifd(0x8769)[36867] = taken
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def running(ins):
    telecom = OrganizationFactory(
        code="telecom",
        name="中国电信",
        type=OrganizationType.OPERATOR,
        operator_key="telecom",
        is_basic_operator=True,
        jurisdiction=None,
    )
    mobile = OrganizationFactory(
        code="mobile",
        name="中国移动",
        type=OrganizationType.OPERATOR,
        operator_key="mobile",
        is_basic_operator=True,
        jurisdiction=None,
    )
    target = building("北京市朝阳区建国路1号", operators=0)
    building("北京市朝阳区建国路2号")
    for operator in (telecom, mobile):
        presence_set(
            actor=None,
            building=target,
            operator=operator,
            status=PresenceStatus.SERVING,
            source=PresenceSource.MANUAL,
        )
    plan = ins.plan(sample_size=2)
    plan = services.inspection_plan_draw(actor=ins.bj, plan=plan)
    plan.organizations.add(ins.orgs["samr-110000"])
    services.inspection_plan_transition(actor=ins.bj, plan=plan, to="approved")
    team = services.team_create(actor=ins.bj, plan=plan, name="第一组", members=[ins.bj, ins.samr])
    assignment = services.assignment_create(
        actor=ins.bj,
        team=team,
        sampled=plan.sample.get(building=target),
        scheduled_on=ins.today,
    )
    services.inspection_plan_transition(actor=ins.bj, plan=plan, to="running")
    ins.update(telecom=telecom, mobile=mobile, target=target, plan_obj=plan, assignment=assignment)
    return ins


def evidence(assignment) -> list[tuple[str, SimpleUploadedFile]]:
    """A photo for every checklist item of ``assignment`` that may ask for one."""
    return [
        (item.code, jpeg(name=f"{item.code}.jpg"))
        for item in services.applicable_items(assignment)
        if item.evidence != "none"
    ]


def submit(env, *, actor=None, answers=None, key=None, assignment=None, **extra):
    """Submit a record; unless ``evidence=False``, with the photos its items ask for
    after any ``photos`` given."""
    assignment = assignment or env.assignment
    photos = list(extra.pop("photos", []))
    if extra.pop("evidence", True) and extra.get("outcome", "inspected") == "inspected":
        photos = photos + evidence(assignment)
    return services.inspection_submit(
        actor=actor or env.samr,
        assignment=assignment,
        answers=PASSING if answers is None else answers,
        submission_key=key or uuid.uuid4(),
        photos=photos,
        **extra,
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client

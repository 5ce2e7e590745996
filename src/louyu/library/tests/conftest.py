import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from louyu.core import roles
from louyu.core.models import Jurisdiction, Organization, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.library.services import meetings, practices
from louyu.library.workflow import PracticeState


class Env(dict):
    __getattr__ = dict.__getitem__


def docx_bytes(*, macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr("word/document.xml", "<w:document/>")
        if macros:
            package.writestr("word/vbaProject.bin", b"\x00")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def lib(db):
    """北京 110000 and 大连 210200 with their administrations (a staff user and an admin
    user each), the ministry, the institute; helpers to write a practice, move it along
    and record a meeting with action items."""
    beijing = Jurisdiction.objects.get(code="110000")
    dalian = Jurisdiction.objects.get(code="210200")
    OrganizationFactory(code="ministry", name="工业和信息化部", type=OrganizationType.MINISTRY,
                        jurisdiction=None)  # fmt: skip
    OrganizationFactory(code="caict", name="中国信息通信研究院",
                        type=OrganizationType.RESEARCH_INSTITUTE, jurisdiction=None)  # fmt: skip
    OrganizationFactory(code="ca-110000", name="北京市通信管理局", jurisdiction=beijing)
    OrganizationFactory(code="ca-210200", name="大连市通信管理局", jurisdiction=dalian)
    org = Organization.objects.get

    def user(username, code, role):
        return UserFactory(username=username, organization=org(code=code), roles=[role])

    env = Env(
        bj=user("l-ca-110000", "ca-110000", roles.ADMINISTRATION_STAFF),
        bj_admin=user("l-ca-110000-admin", "ca-110000", roles.ADMINISTRATION_ADMIN),
        dl=user("l-ca-210200", "ca-210200", roles.ADMINISTRATION_STAFF),
        dl_admin=user("l-ca-210200-admin", "ca-210200", roles.ADMINISTRATION_ADMIN),
        ministry=user("l-ministry", "ministry", roles.MINISTRY_ADMIN),
        caict=user("l-caict", "caict", roles.INSTITUTE_ANALYST),
        beijing=beijing,
        dalian=dalian,
        ca_bj=org(code="ca-110000"),
        ca_dl=org(code="ca-210200"),
        caict_org=org(code="caict"),
        today=timezone.localdate(),
    )

    def practice(actor=None, state=PracticeState.DRAFT, **overrides):
        actor = actor or env.bj
        data = {
            "jurisdiction": actor.organization.jurisdiction or beijing,
            "title": "楼宇宽带“一楼一档”管理",
            "summary": "建立楼宇宽带接入档案，按月核查。",
            "body": "## 做法\n\n1. 建档\n2. 核查",
            "tags": ["建档", "核查"],
            "metrics": ["multi_operator_share"],
            "started_on": env.today - datetime.timedelta(days=60),
        }
        data.update(overrides)
        made = practices.practice_create(actor=actor, **data)
        if state in (PracticeState.REVIEWED, PracticeState.PUBLISHED):
            reviewer = env.bj_admin if made.jurisdiction_id == beijing.pk else env.dl_admin
            practices.practice_transition(actor=reviewer, practice=made, to=PracticeState.REVIEWED)
        if state == PracticeState.PUBLISHED:
            practices.practice_transition(
                actor=env.ministry, practice=made, to=PracticeState.PUBLISHED
            )
        made.refresh_from_db()
        return made

    def meeting(**overrides):
        data = {
            "organizer": org(code="ministry"),
            "title": "商务楼宇宽带接入联合整治经验交流会",
            "date": env.today,
            "kind": "video",
            "participants": [env.ca_bj, env.ca_dl, env.caict_org],
            "minutes": "会议要求各管理局对照先进做法查找差距。",
        }
        data.update(overrides)
        return meetings.meeting_create(actor=env.ministry, **data)

    def action(meeting_obj, assignee=None, **overrides):
        data = {
            "requirement": "对照北京做法建立楼宇宽带档案",
            "assignee": assignee or env.ca_dl,
            "due_date": env.today + datetime.timedelta(days=30),
        }
        data.update(overrides)
        return meetings.action_item_add(actor=env.ministry, meeting=meeting_obj, **data)

    env["practice"], env["meeting"], env["action"] = practice, meeting, action
    return env

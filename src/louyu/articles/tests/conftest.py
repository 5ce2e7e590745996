import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from louyu.articles import services
from louyu.articles.tests import samples
from louyu.core import roles
from louyu.core.models import Jurisdiction, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory


class Env(dict):
    __getattr__ = dict.__getitem__


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def art(db):
    """The administrations of 北京, 天津, 河北, 辽宁 and 大连, a market-regulation department,
    an operator's branch, and users: the ministry, 大连's administration staff (importers),
    an operator's staff and a market-regulation clerk (readers only)."""
    orgs = {}
    for code in ("110000", "120000", "130000", "210000", "210200"):
        jurisdiction = Jurisdiction.objects.get(code=code)
        orgs[code] = OrganizationFactory(
            code=f"ca-{code}", name=jurisdiction.name, jurisdiction=jurisdiction
        )
    dalian = Jurisdiction.objects.get(code="210200")
    ministry = OrganizationFactory(
        code="ministry", name="工业和信息化部信息通信发展司", short_name="工信部",
        type=OrganizationType.MINISTRY, jurisdiction=None,
    )  # fmt: skip
    samr = OrganizationFactory(
        code="samr-210200", name="大连市市场监督管理局",
        type=OrganizationType.MARKET_REGULATION, jurisdiction=dalian,
    )  # fmt: skip
    branch = OrganizationFactory(
        code="op-telecom-210200", name="中国电信大连市分公司",
        type=OrganizationType.OPERATOR_BRANCH, jurisdiction=dalian,
    )  # fmt: skip
    return Env(
        orgs=orgs,
        ministry=UserFactory(username="m", organization=ministry, roles=[roles.MINISTRY_ADMIN]),
        dalian=UserFactory(
            username="dl", organization=orgs["210200"], roles=[roles.ADMINISTRATION_STAFF]
        ),
        operator=UserFactory(username="op", organization=branch, roles=[roles.OPERATOR_STAFF]),
        samr=UserFactory(username="samr", organization=samr, roles=[roles.JOINT_DEPARTMENT_STAFF]),
    )


@pytest.fixture
def article(art):
    """The sample news page, imported by the ministry."""
    [result] = services.article_import_files(
        actor=art.ministry, uploads=[upload("news.html", samples.NEWS_PAGE)]
    )
    return result.article

import pytest

from louyu.complaints.models import Category
from louyu.complaints.tests.factories import ComplaintFactory
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory


@pytest.fixture
def cenv(db):
    """Real jurisdictions (北京 110000, 大连 210200), their administrations' staff, a joint
    department, an operator branch and the ministry; plus a helper to file complaints."""
    load_reference_organizations()
    org = Organization.objects.get

    def user(username, code, role):
        return UserFactory(username=username, organization=org(code=code), roles=[role])

    env = {
        "bj": user("c-ca-110000", "ca-110000", roles.ADMINISTRATION_STAFF),
        "bj2": user("c2-ca-110000", "ca-110000", roles.ADMINISTRATION_STAFF),
        "dl": user("c-ca-210200", "ca-210200", roles.ADMINISTRATION_STAFF),
        "samr": user("c-samr-110000", "samr-110000", roles.JOINT_DEPARTMENT_STAFF),
        "operator": user("c-op-telecom-110000", "op-telecom-110000", roles.OPERATOR_STAFF),
        "ministry": user("c-ministry", "ministry", roles.MINISTRY_ADMIN),
        "samr_org": org(code="samr-110000"),
        "telecom": org(code="op-telecom"),
        "category": Category.objects.get(code="entry_blocked"),
    }

    def file(**overrides):
        """A complaint filed by 北京's staff unless ``actor`` says otherwise, and its secret."""
        overrides.setdefault("actor", env["bj"])
        overrides.setdefault("category", env["category"])
        complaint = ComplaintFactory(**overrides)
        return complaint, complaint.secret

    env["file"] = file
    return env

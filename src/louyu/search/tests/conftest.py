import pytest
from django.db.models import Q

from louyu.core.models import Organization
from louyu.core.scope import scope_for
from louyu.search import registry
from louyu.search.registry import EVERYTHING, NOTHING, Entry, Reach

KIND = "test_org"


def _entries(organizations):
    for org in organizations:
        yield Entry(
            object_id=org.pk,
            title=org.name,
            body=f"{org.name}负责商务楼宇宽带接入的独家协议整治",
            extra=org.code,
            date=None,
            jurisdiction_id=org.jurisdiction_id,
        )


def _reach(user):
    scope = scope_for(user)
    if scope.is_national:
        return EVERYTHING
    if scope.jurisdiction_ids:
        return Reach(jurisdiction_ids=scope.jurisdiction_ids)
    return NOTHING


def _exact(user, text):
    found = Organization.objects.filter(code=text).first()
    if (
        found is None
        or not _reach(user).everything
        and (found.jurisdiction_id not in _reach(user).jurisdiction_ids)
    ):
        return None
    return found.pk


@pytest.fixture
def test_kind(monkeypatch, two_jurisdictions):
    """A kind over organisations, scoped like an administration's data, registered only
    for the test; ``two_jurisdictions`` gives 甲 and 乙 with their admins and the ministry."""
    monkeypatch.setattr(registry, "_kinds", {})
    registry.register_kind(
        KIND,
        label="测试机构",
        objects=lambda: Organization.objects.filter(~Q(jurisdiction=None)),
        documents=_entries,
        reach=_reach,
        url=lambda pk: f"/organizations/{pk}/",
        exact=_exact,
    )
    return two_jurisdictions

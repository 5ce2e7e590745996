"""Presence visibility (``selectors.presence_operator_ids`` and the reads built on it): an
operator's staff see only their own operator's presence rows and history; everyone else
sees every operator's."""

import pytest
from django.contrib.auth.models import AnonymousUser

from louyu.buildings import selectors
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _keys(rows) -> set[str]:
    return {row.operator.operator_key for row in rows}


def test_an_operator_branch_sees_only_its_own_operator(rivals):
    user = rivals["telecom_user"]
    assert selectors.presence_operator_ids(user) == {rivals["telecom"].pk}
    assert [o.operator_key for o in selectors.presence_operators(user=user)] == ["telecom"]
    assert _keys(selectors.visible_presences(user=user)) == {"telecom"}
    history = selectors.presence_history(user=user, building=rivals["shared"])
    assert _keys(history) == {"telecom"}
    assert selectors.operator_filter_refusal(user=user)


def test_an_operator_headquarters_sees_only_its_own_operator(rivals):
    hq = UserFactory(
        username="op-mobile", organization=rivals["mobile"], roles=[roles.OPERATOR_STAFF]
    )
    assert _keys(selectors.visible_presences(user=hq)) == {"mobile"}
    history = selectors.presence_history(user=hq, building=rivals["shared"])
    assert _keys(history) == {"mobile"} and history.count() == 2


def test_an_administration_sees_every_operator(rivals):
    user = rivals["ca"]
    assert selectors.presence_operator_ids(user) is None
    assert selectors.operator_filter_refusal(user=user) == ""
    assert _keys(selectors.visible_presences(user=user)) == {"telecom", "mobile"}
    assert selectors.presence_history(user=user, building=rivals["shared"]).count() == 3
    assert selectors.presence_operators(user=user).count() == 4


def test_a_property_company_still_sees_every_operator(rivals):
    company = Organization.objects.create(code="pm-test", name="某物业", type="property_company")
    user = UserFactory(username="pm", organization=company, roles=[roles.PROPERTY_STAFF])
    assert _keys(selectors.visible_presences(user=user)) == {"telecom", "mobile"}


def test_nobody_else_sees_presence(rivals):
    assert not selectors.visible_presences(user=AnonymousUser()).exists()
    assert not selectors.presence_history(user=None, building=rivals["shared"]).exists()


def test_with_presence_prefetches_only_visible_rows_and_keeps_the_count(rivals):
    qs = selectors.building_list(user=rivals["telecom_user"])
    buildings = {b.name: b for b in selectors.with_presence(qs, user=rivals["telecom_user"])}
    assert _keys(buildings["国贸大厦"].presences.all()) == {"telecom"}
    assert buildings["国贸大厦"].operator_count == 2
    assert list(buildings["光华大厦"].presences.all()) == []
    assert buildings["光华大厦"].operator_count == 1
    assert buildings["建外大厦"].is_zero_operator

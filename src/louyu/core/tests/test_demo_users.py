"""Demo accounts are people: the greeting and the audit log name a person (issue 15, 11)."""

import pytest
from django.urls import reverse

from louyu.core.demo import create_demo_users, demo_person_name

pytestmark = pytest.mark.django_db


def test_demo_accounts_carry_a_person_name_and_the_greeting_uses_it(client):
    users = {u.username: u for u in create_demo_users()}
    beijing = users["ca-110000"]
    assert (beijing.last_name, beijing.first_name) in {demo_person_name(i) for i in range(999)}
    assert beijing.display_name != beijing.organization.short_name
    client.force_login(beijing)
    html = client.get(reverse("web:home")).content.decode()
    assert f"，{beijing.display_name}</h1>" in html
    again = {u.username: u.display_name for u in create_demo_users()}
    assert again["ca-110000"] == beijing.display_name

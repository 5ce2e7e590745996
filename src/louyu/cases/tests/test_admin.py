"""The admin cannot change a case: an edit there bypassed the services, so it wrote no audit
event and did not bump the case's version (issue 14, item 6)."""

from django.urls import reverse

from louyu.core.tests.factories import UserFactory
from louyu.core.tests.unchanged import assert_unchanged


def test_an_admin_edit_of_a_case_title_is_refused_and_writes_nothing(kenv, client):
    case = kenv["open_case"]()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:cases_case_change", args=[case.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()

    with assert_unchanged():
        response = client.post(url, {"title": "在后台改的标题", "description": "x"})
    assert response.status_code == 403

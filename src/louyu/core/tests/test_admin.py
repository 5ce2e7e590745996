"""Every admin that can write goes through an audited path; the rest are read-only."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from louyu.core.admin import AuditedAdmin
from louyu.core.tests.factories import UserFactory

# Admins that audit their writes themselves (users; login unlocks through login_unlock).
AUDITED_ELSEWHERE = {"core.User", "axes.AccessAttempt"}
# Django's, DRF's and django-rq's own (groups are the role definitions, tokens credentials).
NOT_LOUYU = {"auth.Group", "authtoken.Token", "authtoken.TokenProxy", "django_rq.Dashboard"}


@pytest.mark.django_db
def test_every_admin_is_audited_or_read_only():
    request = RequestFactory().get("/")
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)
    unaudited_writers = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if isinstance(model_admin, AuditedAdmin) or label in AUDITED_ELSEWHERE | NOT_LOUYU:
            continue
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        ):
            unaudited_writers.append(label)
    assert unaudited_writers == []

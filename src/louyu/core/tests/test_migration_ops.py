"""The data step that reopens workflow-step items ticked off by hand (issue 15, item 1)."""

import pytest
from django.apps import apps

from louyu.core import services
from louyu.core.migration_ops import reopen_steps_closed_by_hand
from louyu.core.models import AuditEvent, WorkItem, WorkItemState
from louyu.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _closed_by_hand(env, target, title):
    item = services.work_item_create(
        actor=None, title=title, assignee_organization=env["org_a"], target=target, kind="probe"
    )
    services.work_item_complete(actor=env["user_a"], item=item)
    return item


def test_reopens_only_hand_closed_items_whose_object_still_waits(two_jurisdictions):
    env = two_jurisdictions
    waiting, moved_on, finished = (OrganizationFactory() for _ in range(3))
    finished.is_active = False
    finished.save(update_fields=["is_active"])
    reopen = _closed_by_hand(env, waiting, "仍在等待")
    superseded = _closed_by_hand(env, moved_on, "已被后续环节取代")
    services.work_item_create(
        actor=None,
        title="后续环节",
        assignee_organization=env["org_a"],
        target=moved_on,
        kind="probe",
    )
    done_object = _closed_by_hand(env, finished, "对象已办完")
    by_step = services.work_item_create(
        actor=None, title="由环节办结", assignee_organization=env["org_a"], target=waiting, kind="x"
    )
    services.work_items_close_for(actor=None, target=waiting, state=WorkItemState.DONE)

    count = reopen_steps_closed_by_hand(
        apps, kind="probe", target="core.Organization", waiting={"is_active": True}
    )

    assert count == 1
    states = dict(WorkItem.objects.values_list("pk", "state"))
    assert states[reopen.pk] == WorkItemState.OPEN
    assert states[superseded.pk] == states[done_object.pk] == WorkItemState.DONE
    assert states[by_step.pk] == WorkItemState.DONE
    assert not WorkItem.objects.filter(kind="probe", step=False).exists()
    assert AuditEvent.objects.filter(action="work_item.reopen", object_id=str(reopen.pk)).exists()
    assert (
        reopen_steps_closed_by_hand(
            apps, kind="probe", target="core.Organization", waiting={"is_active": True}
        )
        == 0
    )

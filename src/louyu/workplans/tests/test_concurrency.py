"""Concurrent writes on PostgreSQL: row locks and versions let exactly one of two racing
requests win; the other gets a clear refusal and nothing half-written remains."""

import threading

import pytest
from django.db import connection

from louyu.workplans import services
from louyu.workplans.models import PlanStatusChange, WorkPlan

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls):
    """Run the calls at the same moment, each in its own thread and connection; returns
    what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL only")


def test_two_creates_for_one_building(postgres_only, wp):
    results = _race(lambda: wp.plan(), lambda: wp.plan(actor=wp.ministry))
    assert sum(isinstance(r, WorkPlan) for r in results) == 1
    assert sum(isinstance(r, services.DuplicatePlan) for r in results) == 1
    assert WorkPlan.objects.count() == 1


def test_two_closes_with_the_same_version(postgres_only, wp):
    plan = wp.plan()
    version = plan.version

    def close(reason):
        return lambda: services.work_plan_transition(
            actor=wp.bj,
            plan=WorkPlan.objects.get(pk=plan.pk),
            to="closed",
            expected_version=version,
            outcome="abandoned",
            reason=reason,
        )

    results = _race(close("第一人关闭"), close("第二人关闭"))
    assert sum(isinstance(r, WorkPlan) for r in results) == 1
    assert sum(isinstance(r, services.ConcurrentEdit) for r in results) == 1
    assert PlanStatusChange.objects.filter(plan=plan, to_state="closed").count() == 1

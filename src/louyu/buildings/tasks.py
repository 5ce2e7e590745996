"""Background jobs of the building registry."""

from __future__ import annotations

from django_tasks import task

from louyu.buildings.import_jobs import building_import_run, import_fail_dead_jobs


@task()
def run_building_import(import_id: int) -> str:
    """Run one queued building import job (see ``import_jobs.building_import_run``)."""
    return building_import_run(import_id=import_id)


@task()
def fail_dead_imports() -> int:
    """Fail the import jobs whose worker died (periodic, ``LOUYU_PERIODIC_TASKS``)."""
    return import_fail_dead_jobs()

"""Background jobs of the building registry."""

from __future__ import annotations

from django_tasks import task

from louyu.buildings.import_jobs import building_import_run


@task()
def run_building_import(import_id: int) -> str:
    """Run one queued building import job (see ``import_jobs.building_import_run``)."""
    return building_import_run(import_id=import_id)

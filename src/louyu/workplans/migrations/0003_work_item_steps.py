"""Mark this app's work items as workflow steps and reopen those ticked off by hand in the
inbox while their object still waits for the step (issue 15, item 1)."""

from django.db import migrations

from louyu.core.migration_ops import reopen_steps_closed_by_hand


def forwards(apps, schema_editor):
    reopen_steps_closed_by_hand(
        apps,
        kind="work_plan_measure",
        target="workplans.PlanMeasure",
        waiting={"status__in": ["planned", "in_progress"]},
    )
    reopen_steps_closed_by_hand(
        apps, kind="work_plan_closable", target="workplans.WorkPlan", waiting={"state": "active"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workplans", "0002_measure_kinds"),
        ("core", "0007_work_item_step"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

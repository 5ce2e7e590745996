"""Mark this app's work items as workflow steps and reopen those ticked off by hand in the
inbox while their object still waits for the step (issue 15, item 1)."""

from django.db import migrations

from louyu.core.migration_ops import reopen_steps_closed_by_hand


def forwards(apps, schema_editor):
    reopen_steps_closed_by_hand(
        apps, kind="case_measure", target="cases.Measure", waiting={"status": "open"}
    )
    reopen_steps_closed_by_hand(
        apps, kind="case_acceptance", target="cases.Case", waiting={"state": "awaiting_acceptance"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_violation_withdrawal"),
        ("core", "0007_work_item_step"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

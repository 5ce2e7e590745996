"""Mark this app's work items as workflow steps and reopen those ticked off by hand in the
inbox while their object still waits for the step (issue 15, item 1)."""

from django.db import migrations

from louyu.core.migration_ops import reopen_steps_closed_by_hand


def forwards(apps, schema_editor):
    reopen_steps_closed_by_hand(
        apps,
        kind="complaint",
        target="complaints.Complaint",
        waiting={
            "state__in": ["submitted", "accepted", "verifying", "handling", "reopened", "replied"]
        },
    )
    reopen_steps_closed_by_hand(
        apps,
        kind="complaint_referral",
        target="complaints.Referral",
        waiting={"answered_at__isnull": True},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_drop_indexes_composites_cover"),
        ("core", "0007_work_item_step"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

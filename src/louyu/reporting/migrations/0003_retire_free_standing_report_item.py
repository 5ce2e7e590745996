"""The demo used to give every administration a free-standing "报送本月专项整治进展" work item
that could only be ticked off; monthly reports now have their own work items, completed by
submitting. Cancel the old open ones."""

from django.db import migrations


def cancel(apps, schema_editor):
    WorkItem = apps.get_model("core", "WorkItem")
    WorkItem.objects.filter(kind="demo", title="报送本月专项整治进展", state="open").update(
        state="cancelled"
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_report_policy"), ("core", "0005_drop_indexes_composites_cover")]
    operations = [migrations.RunPython(cancel, migrations.RunPython.noop)]

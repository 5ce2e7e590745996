"""The default report policy: the monthly report is due on the 5th working day of the
next month, with a reminder two days before (editable in the admin)."""

from django.db import migrations


def load(apps, schema_editor):
    ReportPolicy = apps.get_model("reporting", "ReportPolicy")
    if not ReportPolicy.objects.exists():
        ReportPolicy.objects.create(
            name="月度进展报送", due_working_day=5, remind_days_before=2, is_active=True
        )


def unload(apps, schema_editor):
    apps.get_model("reporting", "ReportPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

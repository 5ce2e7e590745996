"""The default rectification periods per severity (editable in the admin): general 30
days, serious 20 days, major 15 days, warning three days before."""

from django.db import migrations

POLICIES = [
    ("general", 30, False, 3),
    ("serious", 20, False, 3),
    ("major", 15, False, 3),
]


def load(apps, schema_editor):
    RectificationPolicy = apps.get_model("cases", "RectificationPolicy")
    for severity, period, working_days, warn in POLICIES:
        RectificationPolicy.objects.get_or_create(
            severity=severity,
            defaults={"period": period, "working_days": working_days, "warn_before_days": warn},
        )


def unload(apps, schema_editor):
    apps.get_model("cases", "RectificationPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

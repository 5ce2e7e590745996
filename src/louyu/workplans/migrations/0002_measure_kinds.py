"""The kinds of measure a work plan (一楼一策) uses; editable in the admin afterwards."""

from django.db import migrations

KINDS = [
    ("talk_property", "与物业约谈协商", False),
    ("joint_site_visit", "联合现场查看", False),
    ("shared_riser", "共建共享竖井管道", False),
    ("operator_commitment", "运营商入驻承诺", True),
    ("other", "其他", False),
]


def load(apps, schema_editor):
    MeasureKind = apps.get_model("workplans", "MeasureKind")
    for order, (code, name, commitment) in enumerate(KINDS, start=1):
        MeasureKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "is_commitment": commitment, "sort_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("workplans", "MeasureKind").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workplans", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

"""English labels of the measure kinds shipped in 0002."""

from django.db import migrations, models

from louyu.core.labels import english_label_loader

load = english_label_loader(
    "workplans.MeasureKind",
    [
        ({"code": "talk_property"}, "Talks with the property company"),
        ({"code": "joint_site_visit"}, "Joint site visit"),
        ({"code": "shared_riser"}, "Shared risers and ducts"),
        ({"code": "operator_commitment"}, "Operator entry commitment"),
        ({"code": "other"}, "Other"),
    ],
)


class Migration(migrations.Migration):
    dependencies = [("workplans", "0003_work_item_steps")]
    operations = [
        migrations.AddField(
            model_name="measurekind",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="界面切换为英文时显示；为空时显示中文名称。",
                max_length=300,
                verbose_name="英文名称",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

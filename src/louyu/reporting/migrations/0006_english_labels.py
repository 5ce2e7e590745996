"""English label of the report policy shipped in 0002."""

from django.db import migrations, models

from louyu.core.labels import english_label_loader

load = english_label_loader(
    "reporting.ReportPolicy", [({"name": "月度进展报送"}, "Monthly progress report")]
)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_work_item_steps")]
    operations = [
        migrations.AddField(
            model_name="reportpolicy",
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

"""English labels of the answer choices of the checklist items shipped in 0002, kept beside
the Chinese choices (answers stay stored as the Chinese choice)."""

from django.db import migrations, models

CHOICES_EN = {("2026-v1", "notice_posted"): ["All posted", "Partly posted", "Not posted"]}


def load(apps, schema_editor):
    Item = apps.get_model("inspections", "ChecklistItem")
    for (version, code), english in CHOICES_EN.items():
        Item.objects.filter(version__code=version, code=code, choices_en=[]).update(
            choices_en=english
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_english_labels")]
    operations = [
        migrations.AddField(
            model_name="checklistitem",
            name="choices_en",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="与选项一一对应，界面切换为英文时显示；答案始终按中文选项保存。",
                verbose_name="英文选项",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

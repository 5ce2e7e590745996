"""Plans record how their sample is drawn. Plans that exist already were drawn by reading
every candidate id (``ids``) and keep that method; new plans draw by positions (ADR 0015)."""

from django.db import migrations, models

CHOICES = [("ids", "读取全部候选楼宇后抽取"), ("positions", "按位置抽取")]
HELP = "方案始终按创建时的方法抽样，同一规格、数据和种子抽出同一样本。"


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_reinspections"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionplan",
            name="sampling_method",
            field=models.CharField(
                choices=CHOICES, default="ids", help_text=HELP, max_length=16, verbose_name="抽样方法"
            ),
        ),
        migrations.AlterField(
            model_name="inspectionplan",
            name="sampling_method",
            field=models.CharField(
                choices=CHOICES,
                default="positions",
                help_text=HELP,
                max_length=16,
                verbose_name="抽样方法",
            ),
        ),
    ]

"""English labels of the problem categories shipped in 0002."""

from django.db import migrations, models

from louyu.core.labels import english_label_loader

load = english_label_loader(
    "complaints.Category",
    [
        ({"code": "exclusive_deal"}, "Exclusive deal"),
        ({"code": "forced_service"}, "Forced service"),
        ({"code": "entry_blocked"}, "Entry blocked"),
        ({"code": "facility_restricted"}, "Facilities restricted"),
        ({"code": "unreasonable_fee"}, "Unreasonable fees"),
        ({"code": "forced_contractor"}, "Designated contractor"),
        ({"code": "resale_markup"}, "Resale mark-up"),
        ({"code": "no_public_notice"}, "No public notice"),
        ({"code": "new_building_standard"}, "New building below standard"),
        ({"code": "service_quality"}, "Service quality"),
        ({"code": "other"}, "Other"),
    ],
)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_letter")]
    operations = [
        migrations.AddField(
            model_name="category",
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

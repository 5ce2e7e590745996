"""English labels of the checklist version and items shipped in 0002."""

from django.db import migrations, models

from louyu.core.labels import english_label_loader

ITEMS = [
    ("operators_serving", "Basic telecom operators actually serving the building"),
    (
        "exclusive_deal",
        "Does the property or an agent have an exclusive agreement or arrangement with a "
        "single operator or agent?",
    ),
    (
        "fee_to_operators",
        "Are operators charged entry, duct occupation, supervision or similar fees?",
    ),
    ("fee_to_tenants", "Are tenants charged compulsory access or ancillary fees?"),
    ("forced_contractor", "Can rewiring only be done by a contractor the property names?"),
    ("monthly_price", "Usual monthly business broadband price in the building (CNY, 100M)"),
    (
        "notice_posted",
        "Are service items, prices, the service hotline and the 12315 complaint number "
        "posted in the building?",
    ),
    (
        "facilities_open",
        "Are ducts, risers and equipment rooms open to all operators on fair terms?",
    ),
    ("fibre_to_unit", "Is fibre built to each tenant unit as the national standard requires?"),
    (
        "complaints_known",
        "Tenants' broadband complaints known to the property and how they were handled",
    ),
]

load_version = english_label_loader(
    "inspections.ChecklistVersion",
    [({"code": "2026-v1"}, "Joint inspection checklist (2026 edition)")],
)
load_items = english_label_loader(
    "inspections.ChecklistItem",
    [({"version__code": "2026-v1", "code": code}, english) for code, english in ITEMS],
)


def load(apps, schema_editor):
    load_version(apps, schema_editor)
    load_items(apps, schema_editor)


FIELD = dict(
    blank=True,
    help_text="界面切换为英文时显示；为空时显示中文名称。",
    max_length=300,
    verbose_name="英文名称",
)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0006_plan_sampling_method")]
    operations = [
        migrations.AddField(
            model_name="checklistitem", name="name_en", field=models.CharField(**FIELD)
        ),
        migrations.AddField(
            model_name="checklistversion", name="name_en", field=models.CharField(**FIELD)
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

"""The first published on-site checklist (2026 版), after the campaign's joint inspection
programme: operators actually serving, exclusive deals, fees, posted prices and hotlines,
facilities open to all operators, fibre to each unit where GB 50311-2016 ch. 4 applies,
complaints known to the property."""

from django.db import migrations

ITEMS = [
    # code, text, answer type, choices, passing answer, category, evidence, fibre only, presence
    ("operators_serving", "实际在楼内提供服务的基础电信企业", "operators", [], None, "entry_blocked", "photo", False, True),
    ("exclusive_deal", "物业或代理商是否与单一运营商/代理商存在排他协议或安排", "yes_no", [], False, "exclusive_deal", "photo_on_fail", False, False),
    ("fee_to_operators", "是否向运营商收取进场费、管道占用费、监管费等费用", "yes_no", [], False, "unreasonable_fee", "photo_on_fail", False, False),
    ("fee_to_tenants", "是否向租户收取强制性的接入或配套费用", "yes_no", [], False, "forced_service", "photo_on_fail", False, False),
    ("forced_contractor", "布线改造是否只能由物业指定施工单位实施", "yes_no", [], False, "forced_contractor", "none", False, False),
    ("monthly_price", "楼内主流商务宽带月资费（元，100M）", "number", [], None, "resale_markup", "document", False, False),
    ("notice_posted", "楼内是否公示服务项目、资费标准、服务热线和12315投诉电话", "choice", ["全部公示", "部分公示", "未公示"], "全部公示", "no_public_notice", "photo", False, False),
    ("facilities_open", "楼内管道、竖井、设备间是否向所有运营商公平开放", "yes_no", [], True, "facility_restricted", "photo", False, False),
    ("fibre_to_unit", "是否按国标建设光纤到每个用户单元", "yes_no", [], True, "new_building_standard", "photo", True, False),
    ("complaints_known", "物业知悉的租户宽带投诉及处理情况", "text", [], None, None, "none", False, False),
]


def seed(apps, schema_editor):
    Version = apps.get_model("inspections", "ChecklistVersion")
    Item = apps.get_model("inspections", "ChecklistItem")
    Category = apps.get_model("complaints", "Category")
    categories = {c.code: c for c in Category.objects.all()}
    version, _ = Version.objects.get_or_create(code="2026-v1", defaults={"name": "联合检查表（2026 版）"})
    for order, (code, text, kind, choices, passing, category, evidence, fibre, presence) in enumerate(
        ITEMS, start=1
    ):
        Item.objects.update_or_create(
            version=version,
            code=code,
            defaults={
                "text": text,
                "answer_type": kind,
                "choices": choices,
                "passing_answer": passing,
                "category": categories.get(category) if category else None,
                "evidence": evidence,
                "applies_to_fibre_rule_only": fibre,
                "updates_presence": presence,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("complaints", "0002_reference_categories"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""The problem categories of DESIGN.md and the default deadline policy (5 working days to
accept, 30 days to reply, after 电信用户申诉处理办法)."""

from django.db import migrations

CATEGORIES = [
    ("exclusive_deal", "排他协议", "与单一运营商或代理商签订排他协议或作出排他安排", "comm_admin", False),
    ("forced_service", "强制服务", "强制租户接受并付费使用指定服务", "market_regulation", True),
    ("entry_blocked", "阻碍进场", "租户要求的运营商被阻挡在楼外", "comm_admin", False),
    ("facility_restricted", "设施受限", "公平使用楼内管道、竖井、机房等设施受阻", "comm_admin", False),
    ("unreasonable_fee", "不合理收费", "进场费、竖井占用费、“监管费”等收费", "market_regulation", True),
    ("forced_contractor", "指定施工", "只能通过物业指定的施工单位布线", "market_regulation", False),
    ("resale_markup", "加价转售", "代理商或转售方加价或转售接入服务", "comm_admin", True),
    ("no_public_notice", "未公示", "楼内未公示服务项目、资费、服务电话和市场监管投诉电话", "comm_admin", False),
    ("new_building_standard", "新建楼宇不达标", "新建楼宇未按 GB 50311-2016 第 4 章光纤到用户单元", "housing", False),
    ("service_quality", "服务质量", "网速、中断、装机延误", "comm_admin", False),
    ("other", "其他", "其他问题", "comm_admin", False),
]


def load(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    DeadlinePolicy = apps.get_model("complaints", "DeadlinePolicy")
    for order, (code, name, description, lead, fee) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "lead_department": lead,
                "is_fee_dispute": fee,
                "sort_order": order,
            },
        )
    if not DeadlinePolicy.objects.filter(category__isnull=True).exists():
        DeadlinePolicy.objects.create(category=None, accept_working_days=5, reply_days=30)


def unload(apps, schema_editor):
    apps.get_model("complaints", "DeadlinePolicy").objects.all().delete()
    apps.get_model("complaints", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

"""Complaints for tests, registered through ``complaint_create`` as on any channel: placed,
routed, given their deadline, status row, work item and audit events. The secret query code
(shown once, only its digest is stored) is left on the instance as ``secret``."""

import datetime

import factory
from django.utils import timezone

from louyu.complaints import services
from louyu.complaints.models import Category, Complaint
from louyu.complaints.services import Intake


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    actor = None
    channel = "phone"
    category = factory.LazyFunction(lambda: Category.objects.get(code="entry_blocked"))
    description = "物业不让电信进场施工，只能用指定代理商的宽带。"
    complainant_name = "张三"
    complainant_phone = "13800138000"
    address = "北京市朝阳区建国路88号"
    received_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        complaint, secret = services.complaint_create(actor=actor, intake=Intake(**kwargs))
        complaint.secret = secret
        return complaint

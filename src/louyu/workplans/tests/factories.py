"""Work plans for tests, opened through ``work_plan_create`` (active, with their status row
and audit event) for a building no basic operator serves."""

import datetime

import factory
from django.utils import timezone

from louyu.buildings.tests.factories import BuildingFactory
from louyu.workplans import services
from louyu.workplans.models import WorkPlan


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan

    actor = None
    building = factory.SubFactory(BuildingFactory)
    goal = "推动至少一家基础电信企业入驻"
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.work_plan_create(actor=actor, **kwargs)

"""Cases for tests, opened through ``case_open`` (in ``identified``, with their status row,
violations and audit event). ``actor`` must be someone who may open a case there."""

import factory

from louyu.buildings.tests.factories import BuildingFactory
from louyu.cases.models import Case
from louyu.cases.services.opening import case_open


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    actor = None
    building = factory.SubFactory(BuildingFactory)
    violations = ()

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        case, _created = case_open(actor=actor, **kwargs)
        return case

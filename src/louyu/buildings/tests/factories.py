"""Buildings for tests, registered through ``building_create`` as real ones are: the code,
region and jurisdiction come from the address, the names are normalised, and a building
outside the actor's jurisdiction is refused. ``actor`` defaults to None (the system)."""

import factory

from louyu.buildings import services
from louyu.buildings.models import Building


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    actor = None
    name = factory.Sequence(lambda n: f"测试楼宇{n}")
    address = factory.Sequence(lambda n: f"北京市朝阳区测试路{n + 1}号")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.building_create(actor=actor, **kwargs)

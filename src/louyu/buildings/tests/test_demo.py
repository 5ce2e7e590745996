import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q

from louyu.buildings.demo import demo_code, generate_buildings
from louyu.buildings.models import Building, Presence, PresenceEvent
from louyu.core.models import AuditEvent, Jurisdiction

pytestmark = pytest.mark.django_db

COUNT = 300


def snapshot():
    return list(
        Building.objects.order_by("code").values_list(
            "code", "name", "address", "region_id", "floors", "year_completed", "operator_count"
        )
    ), sorted(
        Presence.objects.values_list("building__code", "operator__operator_key", "status", "since")
    )


def test_same_seed_gives_the_same_registry():
    assert generate_buildings(count=COUNT, seed=7, batch_size=128) == COUNT
    first = snapshot()
    Building.objects.all().delete()
    generate_buildings(count=COUNT, seed=7, batch_size=50)
    assert snapshot() == first
    assert len(first[0]) == COUNT
    Building.objects.all().delete()
    generate_buildings(count=COUNT, seed=8)
    assert snapshot()[0] != first[0]


def test_generated_registry_is_consistent():
    generate_buildings(count=COUNT, seed=3, batch_size=100)
    buildings = Building.objects.annotate(
        serving=Count("presences", filter=Q(presences__status="serving"))
    )
    assert buildings.count() == COUNT
    assert not buildings.exclude(serving=F("operator_count")).exists()
    assert not Building.objects.exclude(jurisdiction_id=F("region__jurisdiction_id")).exists()
    assert not Building.objects.exclude(region__level=3).exists()
    zero = Building.objects.filter(operator_count=0).count()
    single = Building.objects.filter(operator_count=1).count()
    assert 0.03 * COUNT < zero < 0.15 * COUNT
    assert 0.1 * COUNT < single < 0.3 * COUNT
    assert Presence.objects.exclude(status="serving").exists()
    assert PresenceEvent.objects.count() == Presence.objects.count()
    assert set(PresenceEvent.objects.values_list("source", flat=True)) == {"import"}
    assert Building.objects.values("jurisdiction").distinct().count() > 10
    with_coords = Building.objects.filter(latitude__isnull=False)
    assert 0 < with_coords.count() < 0.3 * COUNT
    assert not with_coords.filter(Q(latitude__lt=3) | Q(longitude__gt=136)).exists()
    assert not Building.objects.filter(year_completed__gte=2017, fibre_rule_applies=False).exists()
    assert not Building.objects.filter(year_completed__lt=2017, fibre_rule_applies=True).exists()
    event = AuditEvent.objects.get(action="building.generate")
    assert event.changes["count"] == COUNT and event.changes["seed"] == 3
    assert AuditEvent.objects.filter(action__startswith="building.").count() == 1


def test_bigger_jurisdictions_get_more_buildings():
    generate_buildings(count=2000, seed=5)
    by_code = dict(Jurisdiction.objects.annotate(n=Count("buildings")).values_list("code", "n"))
    assert by_code["440000"] > by_code["640000"]
    assert by_code["110000"] > by_code["540000"]


def test_codes_are_unique_and_stable():
    assert demo_code("110105", seed=1, index=0) == "110105-D322222"
    codes = {demo_code("110105", seed=s, index=i) for s in range(40) for i in range(50)}
    assert len(codes) == 40 * 50


def test_the_same_seed_twice_is_refused_and_the_command_reports_progress(capsys):
    call_command("generate_buildings", "--count", "120", "--seed", "9", "--batch-size", "50")
    out = capsys.readouterr().out
    assert "已生成 50/120" in out and "已生成 120/120" in out and "完成" in out
    with pytest.raises(CommandError, match="已经生成过"):
        call_command("generate_buildings", "--count", "10", "--seed", "9")
    assert Building.objects.count() == 120

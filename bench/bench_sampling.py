"""Stratified sample for an inspection plan at scale (issue 16 target: 2,000 buildings drawn
from 1,000,000 on PostgreSQL in under 2 s).

Times ``inspections.sampling.sample`` with the ``positions`` method (ADR 0015) — the whole
draw of a national plan over every jurisdiction that has buildings, five strata
(zero-operator 30 %, open case 20 %, complaint hot spots 20 % (≥ 2 in 180 days),
single-operator 10 %, random rest), a minimum of 10 per jurisdiction, and the exclusion of
buildings inspected in the last 12 months (inspection records) or with a case closed in the
last 6 months — ``--repeat`` times. Baseline in the same run: reading the candidate
buildings' ids of the same strata alone (one plain ``values_list`` per jurisdiction and
stratum), timed the same number of times. Prints both and their ratio, and checks that the
draws with the same seed are identical and that another seed draws another sample (exit 1
if not). ``--ids`` also times the earlier ``ids`` method once.

Data: reuses the database in ``DATABASE_URL`` (default louyu_inspections_bench); generates
buildings up to ``--buildings`` (the demo generator, or with ``--lean`` only the columns
sampling reads, drawn with the demo's weights) and complaints up to ``--complaints`` when
it holds fewer,
adds rectification cases (open on every 97th building, closed last month on every 89th)
and inspection records (every 211th building, in the last 6 months) when it has none,
then runs VACUUM ANALYZE.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_inspections_bench \\
        .venv/bin/python bench/bench_sampling.py --buildings 1000000 --repeat 5
"""

import argparse
import dataclasses
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/louyu_inspections_bench")
os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")
os.environ.setdefault("LOUYU_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from louyu.buildings.demo import SERVING_COUNT_WEIGHTS, _counties, generate_buildings  # noqa: E402
from louyu.buildings.models import Building  # noqa: E402
from louyu.cases.models import Case  # noqa: E402
from louyu.cases.workflow import OPEN_STATES  # noqa: E402
from louyu.cases.workflow import Source as CaseSource  # noqa: E402
from louyu.cases.workflow import State as CaseState  # noqa: E402
from louyu.complaints.generate import generate_complaints  # noqa: E402
from louyu.complaints.models import Complaint  # noqa: E402
from louyu.core.bulk import bulk_insert  # noqa: E402
from louyu.core.models import Jurisdiction, Organization  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402
from louyu.inspections.models import (  # noqa: E402
    Assignment,
    ChecklistVersion,
    Inspection,
    InspectionPlan,
    SampledBuilding,
    Team,
)
from louyu.inspections.sampling import Spec, StratumSpec, sample  # noqa: E402
from louyu.inspections.workflow import NotInspectedReason, Outcome, SamplingMethod  # noqa: E402
from louyu.inspections.workflow import State as PlanState  # noqa: E402

SPEC = Spec(
    sample_size=2000,
    minimum_per_jurisdiction=10,
    seed=20260401,
    exclude_inspected_months=12,
    exclude_case_closed_months=6,
    strata=(
        StratumSpec(kind="zero_operator", share=30),
        StratumSpec(kind="open_case", share=20),
        StratumSpec(kind="complaint_hotspot", share=20, min_complaints=2, complaint_days=180),
        StratumSpec(kind="single_operator", share=10),
        StratumSpec(kind="random_rest"),
    ),
)


def ensure_cases() -> None:
    """Open cases on every 97th building, cases closed last month on every 89th."""
    if Case.objects.filter(code__startswith="BENCH-").exists():
        return
    started = time.perf_counter()
    now = timezone.now()
    rows = Building.objects.order_by("id").values_list("id", "jurisdiction_id")
    cases = []
    for bid, jid in rows.iterator(chunk_size=20_000):
        if bid % 97 == 0:
            state, closed_at = (CaseState.IDENTIFIED, CaseState.RECTIFYING)[bid % 2], None
        elif bid % 89 == 0:
            state, closed_at = CaseState.RECTIFIED, now - datetime.timedelta(days=30)
        else:
            continue
        cases.append(
            Case(
                code=f"BENCH-{bid}",
                building_id=bid,
                jurisdiction_id=jid,
                state=state,
                source=CaseSource.MANUAL,
                title="基准测试案件",
                closed_at=closed_at,
            )
        )
    Case.objects.bulk_create(cases, batch_size=5000)
    print(f"added {len(cases):,} cases in {time.perf_counter() - started:.0f} s")


@transaction.atomic
def ensure_inspections() -> None:
    """One closed plan holding an inspection record of every 211th building, submitted over
    the last 6 months (every third one "could not be inspected")."""
    if InspectionPlan.objects.filter(name="基准测试检查记录").exists():
        return
    started = time.perf_counter()
    today = timezone.localdate()
    plan = InspectionPlan.objects.create(
        name="基准测试检查记录",
        period_start=today - datetime.timedelta(days=183),
        period_end=today,
        planner=Organization.objects.order_by("pk").first(),
        checklist=ChecklistVersion.objects.order_by("pk").first(),
        state=PlanState.CLOSED,
        sample_size=1,
        seed=1,
    )
    team = Team.objects.create(plan=plan, name="基准测试组")
    rows = Building.objects.filter(id__gte=211).order_by("id")
    targets = [
        (bid, jid) for bid, jid in rows.values_list("id", "jurisdiction_id") if bid % 211 == 0
    ]
    sampled = SampledBuilding.objects.bulk_create(
        (
            SampledBuilding(
                plan=plan,
                building_id=bid,
                jurisdiction_id=jid,
                stratum="random_rest",
                reason="基准测试",
                position=n,
            )
            for n, (bid, jid) in enumerate(targets, start=1)
        ),
        batch_size=5000,
    )
    assignments = Assignment.objects.bulk_create(
        (Assignment(team=team, sampled=s, scheduled_on=today) for s in sampled), batch_size=5000
    )
    now = timezone.now()
    Inspection.objects.bulk_create(
        (
            Inspection(
                assignment=a,
                building_id=a.sampled.building_id,
                submission_key=uuid.UUID(int=a.sampled.building_id),
                outcome=Outcome.COULD_NOT_INSPECT if n % 3 == 0 else Outcome.INSPECTED,
                not_inspected_reason=NotInspectedReason.ENTRY_REFUSED if n % 3 == 0 else "",
                submitted_at=now - datetime.timedelta(days=n % 183),
            )
            for n, a in enumerate(assignments)
        ),
        batch_size=5000,
    )
    print(f"added {len(targets):,} inspection records in {time.perf_counter() - started:.0f} s")


def generate_lean(count: int, seed: int) -> None:
    """``count`` buildings with only what sampling reads drawn like the demo data
    (jurisdiction and county by the demo weights, operator count by the demo's serving
    weights, 1 % inactive), no presences or search rows: minutes instead of an hour."""
    rng = random.Random(seed)
    groups, group_weights = _counties()
    serving = list(range(len(SERVING_COUNT_WEIGHTS)))
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, count, 10_000):
            batch = []
            for index in range(start, min(start + 10_000, count)):
                jid, counties, county_weights = rng.choices(groups, cum_weights=group_weights)[0]
                county = rng.choices(counties, cum_weights=county_weights)[0]
                name = f"基准楼宇{seed}-{index}"
                batch.append(
                    Building(
                        code=f"L{seed}-{index}",
                        name=name,
                        normalized_name=name,
                        address=f"{county.full_name}{name}",
                        normalized_address=f"{county.full_name}{name}",
                        region_id=county.code,
                        jurisdiction_id=jid,
                        operator_count=rng.choices(serving, weights=SERVING_COUNT_WEIGHTS)[0],
                        is_active=rng.random() >= 0.01,
                        created_at=now,
                    )
                )
            bulk_insert(Building, batch, batch_size=10_000)


def ensure_data(buildings: int, complaints: int, *, lean: bool) -> None:
    call_command("migrate", verbosity=0)
    load_reference_organizations()
    have, seed = Building.objects.count(), 1
    if lean and have < buildings:
        started = time.perf_counter()
        generate_lean(buildings - have, seed=have + 1)
        print(
            f"generated {buildings - have:,} lean buildings "
            f"in {time.perf_counter() - started:.0f} s"
        )
        have = buildings
    while have < buildings:
        started = time.perf_counter()
        try:
            generate_buildings(count=buildings - have, seed=seed, batch_size=10_000)
        except ValueError as exc:
            if "已经生成过" not in str(exc):
                raise
            seed += 1
            continue
        print(f"generated {buildings - have:,} buildings in {time.perf_counter() - started:.0f} s")
        have = buildings
    have = Complaint.objects.count()
    if have < complaints:
        started = time.perf_counter()
        generate_complaints(count=complaints - have, seed=have + 1, building_limit=buildings // 20)
        print(
            f"generated {complaints - have:,} complaints in {time.perf_counter() - started:.0f} s"
        )
    ensure_cases()
    ensure_inspections()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def baseline(jurisdictions, today) -> int:
    """The candidate ids of the same strata, read the plain way, nothing else."""
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=180), datetime.time.min)
    )
    total = 0
    for j in jurisdictions:
        active = Building.objects.filter(jurisdiction=j, is_active=True)
        reads = [
            active.filter(operator_count=0).values_list("id", flat=True),
            Case.objects.filter(state__in=OPEN_STATES, building__jurisdiction=j).values_list(
                "building_id", flat=True
            ),
            Complaint.objects.filter(building__jurisdiction=j, received_at__gte=since)
            .values("building_id")
            .annotate(n=Count("id"))
            .filter(n__gte=2)
            .values_list("building_id", "n"),
            active.filter(operator_count=1).values_list("id", flat=True),
            active.values_list("id", flat=True),
        ]
        total += sum(len(list(read)) for read in reads)
    return total


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buildings", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ids", action="store_true", help="also time the ids method once")
    parser.add_argument(
        "--lean",
        action="store_true",
        help="generate missing buildings with only the columns sampling reads (fast)",
    )
    args = parser.parse_args()
    ensure_data(args.buildings, args.complaints, lean=args.lean)
    today = timezone.localdate()
    with_buildings = Building.objects.values("jurisdiction_id").distinct()
    jurisdictions = list(Jurisdiction.objects.filter(pk__in=with_buildings).order_by("pk"))
    print(
        f"{Building.objects.count():,} buildings, {Complaint.objects.count():,} complaints, "
        f"{Case.objects.filter(state__in=OPEN_STATES).count():,} open cases, "
        f"{Inspection.objects.count():,} inspection records, "
        f"{len(jurisdictions)} jurisdictions, {connection.vendor}"
    )
    ours, base, draws = [], [], []
    for _ in range(args.repeat):
        rows, ms = timed(lambda: baseline(jurisdictions, today))
        base.append(ms)
        result, ms = timed(lambda: sample(SPEC, jurisdictions, today=today))
        ours.append(ms)
        draws.append([(d.building_id, d.stratum) for d in result.buildings])
    same = all(d == draws[0] for d in draws)
    other = sample(dataclasses.replace(SPEC, seed=SPEC.seed + 1), jurisdictions, today=today)
    differs = [(d.building_id, d.stratum) for d in other.buildings] != draws[0]
    by_stratum: dict[str, int] = {}
    for _, stratum in draws[0]:
        by_stratum[stratum] = by_stratum.get(stratum, 0) + 1
    median_ours, median_base = statistics.median(ours), statistics.median(base)
    print(f"baseline: read {rows:,} candidate ids        median {median_base:8.1f} ms")
    print(f"draw:     {len(draws[0]):,} buildings drawn          median {median_ours:8.1f} ms")
    print(f"  by stratum: {by_stratum}")
    if args.ids:
        ids_spec = dataclasses.replace(SPEC, method=SamplingMethod.IDS)
        _, ms = timed(lambda: sample(ids_spec, jurisdictions, today=today))
        print(f"ids method (earlier plans), once:              {ms:8.1f} ms")
    print(
        f"ratio draw / baseline: {median_ours / median_base:.2f}; target < 2000 ms: "
        f"{'met' if median_ours < 2000 else 'NOT met'}; same seed same sample: {same}; "
        f"other seed other sample: {differs}"
    )
    for note in result.notes[:5]:
        print(f"  note: {note}")
    return 0 if same and differs else 1


if __name__ == "__main__":
    sys.exit(main())

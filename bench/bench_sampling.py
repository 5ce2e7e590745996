"""Stratified sample for an inspection plan at scale (issue 16 target: 2,000 buildings drawn
from 1,000,000 on PostgreSQL in under 2 s).

Times ``inspections.sampling.read_pools`` + ``draw`` — the whole draw of a national plan
over every jurisdiction that has buildings, five strata (zero-operator 30 %, open case
20 %, complaint hot spots 20 % (≥ 2 in 180 days), single-operator 10 %, random rest), a
minimum of 10 per jurisdiction and the exclusion of buildings with a case closed in the
last 6 months — ``--repeat`` times. Baseline in the same run: reading the candidate
buildings' ids of the same strata alone (one plain ``values_list`` per jurisdiction and
stratum), timed the same number of times. Prints both and their ratio, and checks that
two draws with the same seed are identical (exit 1 if not).

Data: reuses the database in ``DATABASE_URL`` (default louyu_inspections_bench); generates
buildings up to ``--buildings`` and complaints up to ``--complaints`` when it holds fewer,
then runs ANALYZE.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_inspections_bench \\
        .venv/bin/python bench/bench_sampling.py --buildings 1000000 --repeat 5
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/louyu_inspections_bench")
os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")
os.environ.setdefault("LOUYU_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from louyu.buildings.demo import generate_buildings  # noqa: E402
from louyu.buildings.models import Building  # noqa: E402
from louyu.cases.models import Case  # noqa: E402
from louyu.cases.workflow import OPEN_STATES  # noqa: E402
from louyu.complaints.generate import generate_complaints  # noqa: E402
from louyu.complaints.models import Complaint  # noqa: E402
from louyu.core.models import Jurisdiction  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402
from louyu.inspections.sampling import Spec, StratumSpec, draw, read_pools  # noqa: E402

SPEC = Spec(
    sample_size=2000,
    minimum_per_jurisdiction=10,
    seed=20260401,
    exclude_case_closed_months=6,
    strata=(
        StratumSpec(kind="zero_operator", share=30),
        StratumSpec(kind="open_case", share=20),
        StratumSpec(kind="complaint_hotspot", share=20, min_complaints=2, complaint_days=180),
        StratumSpec(kind="single_operator", share=10),
        StratumSpec(kind="random_rest"),
    ),
)


def ensure_data(buildings: int, complaints: int) -> None:
    call_command("migrate", verbosity=0)
    load_reference_organizations()
    have, seed = Building.objects.count(), 1
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buildings", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ensure_data(args.buildings, args.complaints)
    today = timezone.localdate()
    with_buildings = Building.objects.values("jurisdiction_id").distinct()
    jurisdictions = list(Jurisdiction.objects.filter(pk__in=with_buildings).order_by("pk"))
    print(
        f"{Building.objects.count():,} buildings, {Complaint.objects.count():,} complaints, "
        f"{len(jurisdictions)} jurisdictions, {connection.vendor}"
    )
    ours, base, draws = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        rows = baseline(jurisdictions, today)
        base.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = draw(SPEC, read_pools(SPEC, jurisdictions, today=today))
        ours.append((time.perf_counter() - started) * 1000)
        draws.append([(d.building_id, d.stratum) for d in result.buildings])
    same = all(d == draws[0] for d in draws)
    median_ours, median_base = statistics.median(ours), statistics.median(base)
    print(f"baseline: read {rows:,} candidate ids        median {median_base:8.1f} ms")
    print(f"draw:     {len(draws[0]):,} buildings drawn          median {median_ours:8.1f} ms")
    print(
        f"ratio draw / baseline: {median_ours / median_base:.2f}; target < 2000 ms: "
        f"{'met' if median_ours < 2000 else 'NOT met'}; same seed same sample: {same}"
    )
    for note in result.notes[:5]:
        print(f"  note: {note}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""National dashboard at scale (issue 13 target: p95 < 300 ms for the whole page's figures
with 1,000,000 buildings and 5,000,000 complaints and their histories, on PostgreSQL).

Times ``reporting.board.board_figures`` — every figure the dashboard shows: the headline
values of the period and of the period before, the chosen metric's trends by month and by
week, every jurisdiction's values for the ranking and the map — as the ministry, for this
month and cumulatively, ``--repeat`` times; and the whole page through Django's test
client. Baseline in the same run: the same figures computed the straightforward way, ORM
aggregation over the base tables (``bench/dashboard_baseline.py``), timed once. The bench
checks that both give identical numbers (also cumulatively, timed apart) and exits 1 if
they do not. It also times an incremental refresh after 200 complaints received today
arrive (the figures must be at most a minute behind), and checks the figures again.

Data: reuses the database in ``DATABASE_URL`` (default louyu_bench, the building list's):
generates buildings up to ``--buildings``, complaints with their status histories up to
``--complaints`` and cases up to ``--cases`` when it holds fewer, then runs ANALYZE and a
full rollup rebuild if there is none yet.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_bench \\
        .venv/bin/python bench/bench_dashboard.py --complaints 5000000 --repeat 20
"""

import argparse
import datetime
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/louyu_bench")
os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")
os.environ.setdefault("LOUYU_DEBUG", "false")

import django  # noqa: E402

django.setup()

import dashboard_baseline  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from louyu.buildings.demo import generate_buildings  # noqa: E402
from louyu.buildings.models import Building  # noqa: E402
from louyu.cases.models import Case, CaseStatusChange  # noqa: E402
from louyu.complaints.generate import generate_complaints  # noqa: E402
from louyu.complaints.models import Complaint  # noqa: E402
from louyu.core import roles  # noqa: E402
from louyu.core.bulk import bulk_insert  # noqa: E402
from louyu.core.models import Organization, User  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402
from louyu.reporting import figures, selectors  # noqa: E402
from louyu.reporting.board import board_figures, previous_period  # noqa: E402
from louyu.reporting.figures import Period  # noqa: E402
from louyu.reporting.metrics import BY_CODE, METRICS  # noqa: E402
from louyu.reporting.models import RollupState  # noqa: E402
from louyu.reporting.rollup import refresh  # noqa: E402
from louyu.reporting.rollup.query import Area  # noqa: E402

METRIC = "zero_operator_buildings"


def _summary(times) -> str:
    return f"p50 {statistics.median(times):7.1f} ms  p95 {_p(times, 0.95):7.1f} ms"


def _p(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def ensure_cases(count: int, seed: int = 5) -> None:
    """Cases with their status rows (identified → rectifying → … some rectified, some key),
    written directly like the complaints, for buildings without one."""
    have = Case.objects.count()
    if have >= count:
        return
    rng = random.Random(seed)
    now = timezone.now()
    buildings = list(
        Building.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "jurisdiction_id")[have : have + (count - have)]
    )
    cases, rows = [], []
    for index, (building, jurisdiction) in enumerate(buildings, start=have):
        opened = now - datetime.timedelta(days=rng.randint(5, 700))
        case = Case(
            code=f"ZB{index:010d}",
            building_id=building,
            jurisdiction_id=jurisdiction,
            state="identified",
            severity="general",
            source="manual",
            title="基准测试案件",
            created_at=opened,
            key_case=False,
        )
        path = ["rectifying", "awaiting_acceptance", "rectified"][: rng.randint(0, 3)]
        if rng.random() < 0.1 and path != ["rectifying", "awaiting_acceptance", "rectified"]:
            path.append("closed_unresolved")
        times, moment = [], opened
        for to in path:
            moment = min(now, moment + datetime.timedelta(days=rng.randint(1, 40)))
            times.append((to, moment))
        case.state = path[-1] if path else "identified"
        case.key_case = rng.random() < 0.05
        cases.append((case, times))
    bulk_insert(Case, [c for c, _t in cases])
    for case, times in cases:
        previous = ""
        rows.append(
            CaseStatusChange(
                case_id=case.pk, from_state="", to_state="identified", created_at=case.created_at
            )
        )
        previous = "identified"
        for to, moment in times:
            rows.append(
                CaseStatusChange(
                    case_id=case.pk, from_state=previous, to_state=to, created_at=moment
                )
            )
            previous = to
    bulk_insert(CaseStatusChange, rows)


def prepare(args) -> User:
    call_command("migrate", verbosity=0)
    load_reference_organizations()
    buildings = Building.objects.count()
    if buildings < args.buildings:
        print(f"generating {args.buildings - buildings:,} buildings …", flush=True)
        generate_buildings(count=args.buildings - buildings, seed=args.seed + buildings)
    complaints = Complaint.objects.count()
    if complaints < args.complaints:
        print(
            f"generating {args.complaints - complaints:,} complaints with histories …", flush=True
        )
        started = time.perf_counter()
        generate_complaints(count=args.complaints - complaints, seed=args.seed + complaints // 1000)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    ensure_cases(args.cases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if RollupState.objects.filter(as_of__isnull=False).first() is None or args.rebuild:
        print("rolling up the figures (full rebuild) …", flush=True)
        started = time.perf_counter()
        result = refresh.rebuild()
        print(f"  {time.perf_counter() - started:.0f} s, {result.days:,} days", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reporting_figure")
    user, _ = User.objects.get_or_create(
        username="bench-ministry",
        defaults={"organization": Organization.objects.get(code="ministry")},
    )
    user.groups.set([Group.objects.get(name=roles.MINISTRY_ADMIN)])
    return user


def time_board(user, period: Period, repeat: int) -> list[float]:
    where = selectors.resolve_area(user=user)
    metric = BY_CODE[METRIC]
    board_figures(user=user, where=where, period=period, metric=metric)  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        board_figures(user=user, where=where, period=period, metric=metric)
        times.append((time.perf_counter() - started) * 1000)
    return times


def time_page(user, query: str, repeat: int) -> list[float]:
    setup_test_environment()
    client = Client()
    client.force_login(user)
    client.get(f"/reporting/?{query}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(f"/reporting/?{query}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def compare(rollup: dict, baseline: dict, label: str) -> int:
    mismatches = 0
    for key in baseline:
        for metric in METRICS:
            a = rollup.get(key, {}).get(metric.code)
            b = baseline[key][metric.code]
            left = a.value if a is not None else (0 if metric.kind in ("level", "flow") else None)
            if left != b.value and not (
                left in (None, 0) and b.value in (None, 0) and metric.kind in ("level", "flow")
            ):
                mismatches += 1
                if mismatches <= 10:
                    print(
                        f"  MISMATCH {label} {key} {metric.code}: rollup {left} baseline {b.value}"
                    )
    return mismatches


def check(period: Period, label: str) -> int:
    """Mismatches between the rollup's figures (national and by jurisdiction) and the
    baseline's for the period."""
    baseline = dashboard_baseline.figures_by_jurisdiction(period)
    ids = frozenset(k for k in baseline if k is not None)
    rolled = figures.evaluate_by_jurisdiction(Area(ids), period)
    rolled[None] = figures.evaluate(Area(), period)
    return compare(rolled, baseline, label)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buildings", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=5_000_000)
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the rollup first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("PostgreSQL only (DATABASE_URL).")
        return 2
    user = prepare(args)
    today = timezone.localdate()
    month = Period(today.replace(day=1), today)
    print(
        f"database: {connection.vendor}; buildings {Building.objects.count():,}; "
        f"complaints {Complaint.objects.count():,}; cases {Case.objects.count():,}; "
        f"figure rows {refresh.Figure.objects.count():,}"
    )

    results = {}
    for label, period in (("this month", month), ("cumulative", Period(None, today))):
        times = time_board(user, period, args.repeat)
        results[label] = times
        print(f"board figures, {label:10}: {_summary(times)}")
    page = time_page(user, "preset=month", args.repeat)
    print(f"whole page (HTTP), this month: {_summary(page)}")

    print("baseline: the same figures by ORM aggregation over the base tables …", flush=True)
    started = time.perf_counter()
    mismatches = 0
    for label, period in (("this month", month), ("previous", previous_period(month))):
        mismatches += check(period, label)
    metric = BY_CODE[METRIC]
    for day, value in figures.trend(Area(), metric, months=12, end=today):
        point_end = min(
            today,
            (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            - datetime.timedelta(days=1),
        )
        expected = dashboard_baseline.figures_by_jurisdiction(Period(day, point_end))[None][METRIC]
        if expected.value != value.value:
            mismatches += 1
            print(
                f"  MISMATCH trend {day} {METRIC}: rollup {value.value} baseline {expected.value}"
            )
    baseline_ms = (time.perf_counter() - started) * 1000
    board_p95 = _p(results["this month"], 0.95)
    print(f"baseline: {baseline_ms:,.0f} ms (this month, previous period, 12 trend points)")
    print(f"ratio baseline / board p95: {baseline_ms / board_p95:,.0f}×; mismatches: {mismatches}")
    started = time.perf_counter()
    mismatches += check(Period(None, today), "cumulative")
    cumulative_ms = (time.perf_counter() - started) * 1000
    print(
        f"baseline, cumulative: {cumulative_ms:,.0f} ms; ratio baseline / board p95 "
        f"(cumulative): {cumulative_ms / _p(results['cumulative'], 0.95):,.0f}×; "
        f"mismatches so far: {mismatches}"
    )

    # Catch up first with what was recorded since the last refresh (generated status rows
    # capped at the generation's "now"), so the step below times only the new complaints.
    started = time.perf_counter()
    result = refresh.refresh()
    seconds = time.perf_counter() - started
    print(f"catch-up refresh: {seconds:.1f} s, {result.days} days")
    # New complaints arrive as they do: received today (so they touch one day), recorded now.
    before = Complaint.objects.count()
    midnight = datetime.datetime.combine(
        today, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    generate_complaints(  # a seed of its own per run: tracking codes come from it
        count=200, seed=100 + before % 900, building_limit=5000, received_since=midnight
    )
    Complaint.objects.filter(
        pk__gt=Complaint.objects.order_by("pk").values_list("pk", flat=True)[before - 1]
    ).update(created_at=timezone.now())
    started = time.perf_counter()
    result = refresh.refresh()
    seconds = time.perf_counter() - started
    print(f"incremental refresh after 200 new complaints: {seconds:.1f} s, {result.days} days")
    mismatches += check(Period(today.replace(day=1), today), "after the refresh")
    print(f"mismatches: {mismatches}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())

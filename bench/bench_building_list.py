"""Building list latency with filters over a large registry (issue target: p95 < 150 ms on
PostgreSQL at 1,000,000 buildings).

Requests the web list ``/buildings/`` and the API ``/api/v1/buildings/`` through Django's
test client, logged in as three realistic users (the ministry: national scope; ``ca-440000``
广东: a large jurisdiction; ``op-telecom-110000``: an operator branch), with the usual filter
combinations, each ``--repeat`` times after one warm-up request. Prints p50/p95 per
scenario, the overall p95, and the ratio of each p95 to a baseline measured in the same run:
the same client fetching one building by primary key from the API (``/api/v1/buildings/<pk>/``).

Data: reuses the database in ``DATABASE_URL`` (SQLite by default); generates demo buildings
(``generate_buildings``, seed ``--seed``) only when it holds fewer than ``--count``, then runs
ANALYZE (PostgreSQL). Run, e.g.::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_bench \\
        .venv/bin/python bench/bench_building_list.py --count 1000000 --repeat 30

Environment equivalents of the flags: ``LOUYU_BENCH_COUNT``, ``LOUYU_BENCH_SEED``,
``LOUYU_BENCH_REPEAT``. ``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of each scenario's
page query as the ministry (PostgreSQL only).
"""

import argparse
import math
import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("LOUYU_VAR_DIR", "/tmp/louyu-bench")
os.environ.setdefault("LOUYU_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from louyu.buildings.demo import generate_buildings  # noqa: E402
from louyu.buildings.models import Building  # noqa: E402
from louyu.core import roles  # noqa: E402
from louyu.core.models import Organization, User  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402

USERS = {
    "ministry": ("ministry", roles.MINISTRY_ADMIN),
    "ca-440000": ("ca-440000", roles.ADMINISTRATION_ADMIN),
    "op-telecom-110000": ("op-telecom-110000", roles.OPERATOR_STAFF),
}
# (user, label, query string); each is requested from the web list and from the API.
SCENARIOS = [
    ("ministry", "no filter", ""),
    ("ministry", "jurisdiction=440000", "jurisdiction=440000"),
    ("ministry", "operators=0", "operators=0"),
    ("ministry", "type=office_tower operators=2+", "building_type=office_tower&operators=2%2B"),
    ("ministry", "q=name fragment 金茂", "q=金茂"),
    ("ministry", "q=address fragment 解放大道", "q=解放大道"),
    ("ministry", "flags exclusive+fee", "exclusive_deal_known=true&entry_fee_charged=true"),
    ("ministry", "operator=broadnet", "operator=broadnet"),
    ("ministry", "sort=-operators", "sort=-operators"),
    ("ministry", "page=2", "page=2"),
    ("ministry", "page=200", "page=200"),
    ("ca-440000", "no filter", ""),
    ("ca-440000", "operators=0", "operators=0"),
    ("ca-440000", "q=name fragment 金茂", "q=金茂"),
    ("ca-440000", "sort=-operators page=200", "sort=-operators&page=200"),
    ("op-telecom-110000", "no filter", ""),
    ("op-telecom-110000", "operators=1", "operators=1"),
    ("op-telecom-110000", "operator=telecom", "operator=telecom"),
]


def options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument("--count", type=int, default=int(env("LOUYU_BENCH_COUNT", 1_000_000)))
    parser.add_argument("--seed", type=int, default=int(env("LOUYU_BENCH_SEED", 7)))
    parser.add_argument("--repeat", type=int, default=int(env("LOUYU_BENCH_REPEAT", 30)))
    parser.add_argument("--explain", action="store_true")
    return parser.parse_args()


def ensure_data(count: int, seed: int) -> None:
    call_command("migrate", verbosity=0)
    load_reference_organizations()
    have = Building.objects.count()
    while have < count:
        started = time.perf_counter()
        try:
            generate_buildings(count=count - have, seed=seed, batch_size=10_000)
        except ValueError as exc:  # this seed's buildings exist: top up with the next seed
            if "已经生成过" not in str(exc):
                raise
            seed += 1
            continue
        print(
            f"generated {count - have:,} buildings (seed {seed}) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        have = count
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def user(key: str) -> User:
    org_code, role = USERS[key]
    org = Organization.objects.get(code=org_code)
    account, _created = User.objects.get_or_create(
        username=f"bench-{key}", defaults={"organization": org}
    )
    account.groups.add(Group.objects.get(name=role))
    return account


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def timed(client: Client, url: str, repeat: int) -> list[float] | None:
    response = client.get(url)  # warm-up, and a check that the page works
    if response.status_code != 200:
        print(f"  {url}: HTTP {response.status_code}, skipped")
        return None
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times


def explain(client_user: User) -> None:
    from django.http import QueryDict

    from louyu.buildings import selectors
    from louyu.buildings.serializers import BuildingFilterSerializer

    for key, label, query in SCENARIOS:
        if key != "ministry":
            continue
        params = QueryDict(query)
        parsed = BuildingFilterSerializer(data=params)
        parsed.is_valid(raise_exception=True)
        qs = selectors.building_filter(
            selectors.building_list(user=client_user), parsed.to_filters()
        )
        page = int(params.get("page", 1))
        print(f"\n== {label}")
        print(qs[(page - 1) * 25 : page * 25].explain(analyze=True, buffers=True))


def main() -> None:
    args = options()
    setup_test_environment(debug=False)
    ensure_data(args.count, args.seed)
    total = Building.objects.count()
    clients = {}
    for key in USERS:
        clients[key] = Client()
        clients[key].force_login(user(key))
    if args.explain and connection.vendor == "postgresql":
        explain(user("ministry"))
    pk = Building.objects.order_by("pk").values_list("pk", flat=True)[total // 2]
    baseline = timed(clients["ministry"], f"/api/v1/buildings/{pk}/", args.repeat * 2)
    base_p95 = percentile(baseline, 0.95)
    print(f"database: {connection.vendor}; buildings: {total:,}; repeat: {args.repeat}")
    print(
        f"baseline API detail by pk: p50 {statistics.median(baseline):6.1f} ms  "
        f"p95 {base_p95:6.1f} ms"
    )
    print(f"{'user':<18} {'scenario':<32} {'kind':<4} {'p50 ms':>7} {'p95 ms':>7} {'×base':>6}")
    everything = []
    for key, label, query in SCENARIOS:
        for kind, path in (("web", "/buildings/"), ("api", "/api/v1/buildings/")):
            url = f"{path}?{query}" if query else path
            times = timed(clients[key], url, args.repeat)
            if times is None:
                continue
            everything += times
            p95 = percentile(times, 0.95)
            print(
                f"{key:<18} {pad(label, 32)} {kind:<4} {statistics.median(times):7.1f} "
                f"{p95:7.1f} {p95 / base_p95:6.1f}"
            )
    overall = percentile(everything, 0.95)
    print(
        f"overall p95: {overall:.1f} ms over {len(everything)} requests; "
        f"ratio overall p95 / baseline p95: {overall / base_p95:.1f}"
    )


if __name__ == "__main__":
    main()

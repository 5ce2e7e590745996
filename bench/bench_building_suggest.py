"""Building picker suggestions for two typed characters (issue 15 target: p95 < 50 ms over
1,000,000 buildings, national and scoped, on PostgreSQL).

Requests, through Django's test client, the picker's light endpoint
``/api/v1/buildings/suggest/?q=<fragment>`` (the caller's buildings: the ministry nationally,
``ca-440000`` 广东 and ``ca-110000`` 北京 scoped) and intake's ``/complaints/buildings/suggest/``
(the whole registry), for several two-character fragments from common (大厦) to absent, each
``--repeat`` times after one warm-up. The baseline, measured in the same run, is the building
list API with the same fragment (``/api/v1/buildings/?q=<fragment>``), which is what a picker
served by the list would cost: trigram indexes cannot serve fragments under three characters.
Prints p50/p95 per scenario, and the ratio of each suggestion p95 to its baseline p95.

Data: reuses the database in ``DATABASE_URL``; when it holds fewer than ``--count`` buildings
it adds them on PostgreSQL with two ``INSERT … SELECT`` statements (names from the demo
generator's vocabulary, e.g. 朝阳金茂大厦A座, spread over every county of a jurisdiction;
then their bigrams, as ``suggest.bigrams_of`` forms them), which takes minutes where
``generate_buildings`` takes an hour on a busy machine; then runs ANALYZE. Run, e.g.::

    createdb -h 127.0.0.1 -U postgres louyu_bench_suggest
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_bench_suggest \\
        PYTHONPATH=src .venv/bin/python bench/bench_building_suggest.py --count 1000000
    dropdb -h 127.0.0.1 -U postgres louyu_bench_suggest
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_building_list as shared  # noqa: E402  (sets up Django)
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from louyu.buildings.demo import NAME_KINDS, NAME_WORDS, ROADS, TOWERS  # noqa: E402
from louyu.buildings.models import Building, BuildingBigram  # noqa: E402
from louyu.core import roles  # noqa: E402
from louyu.core.models import RegionLevel  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402

shared.USERS.update({"ca-110000": ("ca-110000", roles.ADMINISTRATION_ADMIN)})
FRAGMENTS = ["金茂", "大厦", "科技", "东塔", "鼎盛", "光谷", "不存"]
SCOPES = ["ministry", "ca-440000", "ca-110000"]


def options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument("--count", type=int, default=int(env("LOUYU_BENCH_COUNT", 1_000_000)))
    parser.add_argument("--repeat", type=int, default=int(env("LOUYU_BENCH_REPEAT", 30)))
    parser.add_argument("--explain", action="store_true")
    return parser.parse_args()


KINDS = sorted({kind for kinds in NAME_KINDS.values() for kind in kinds})
# i-th building: a county (by a multiplicative hash of i), a word, a kind and a tower.
INSERT_BUILDINGS = """
WITH counties AS (
    SELECT code, left(name, 2) AS short_name, full_name, jurisdiction_id,
           row_number() OVER (ORDER BY code) - 1 AS n, count(*) OVER () AS total
    FROM core_region WHERE level = %(county)s::int AND jurisdiction_id IS NOT NULL
), numbered AS (
    SELECT i, c.code AS region, c.jurisdiction_id,
           c.short_name || (%(words)s::text[])[1 + i %% %(nwords)s]
             || (%(kinds)s::text[])[1 + (i / %(nwords)s) %% %(nkinds)s]
             || (%(towers)s::text[])[1 + (i / 7) %% %(ntowers)s] AS name,
           c.full_name || (%(roads)s::text[])[1 + (i / 3) %% %(nroads)s] || '路'
             || (1 + i %% 999)::text || '号' AS address
    FROM generate_series(%(start)s::int, %(stop)s::int) AS i
    JOIN counties c ON c.n = (i::bigint * 2654435761) %% c.total
)
INSERT INTO buildings_building (code, name, aliases, address, normalized_address,
    normalized_name, alias_text, region_id, jurisdiction_id, building_type,
    fibre_rule_applies, exclusive_deal_known, entry_fee_charged, notice_posted,
    friendly_pledge, operator_count, is_active, created_at, updated_at, facility_notes)
SELECT 'BENCH-' || i, name, '[]', address, address, lower(name), '', region,
       jurisdiction_id, 'office_tower', false, false, false, false, false, i %% 4, true,
       now(), now(), ''
FROM numbered
"""
INSERT_BIGRAMS = """
INSERT INTO buildings_buildingbigram (building_id, jurisdiction_id, bigram)
SELECT DISTINCT b.id, b.jurisdiction_id, substr(b.normalized_name, g, 2)
FROM buildings_building b
CROSS JOIN LATERAL generate_series(1, char_length(b.normalized_name) - 1) AS g
WHERE b.code LIKE 'BENCH-%%'
"""


def ensure_data(count: int) -> None:
    call_command("migrate", verbosity=0)
    load_reference_organizations()
    have = Building.objects.count()
    if have < count:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                INSERT_BUILDINGS,
                {
                    "county": RegionLevel.COUNTY,
                    "words": NAME_WORDS,
                    "nwords": len(NAME_WORDS),
                    "kinds": KINDS,
                    "nkinds": len(KINDS),
                    "towers": TOWERS,
                    "ntowers": len(TOWERS),
                    "roads": ROADS,
                    "nroads": len(ROADS),
                    "start": have + 1,
                    "stop": count,
                },
            )
            BuildingBigram.objects.filter(building__code__startswith="BENCH-").delete()
            cursor.execute(INSERT_BIGRAMS)
        print(f"generated {count - have:,} buildings in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def row(label: str, times: list[float], base: list[float] | None = None) -> float:
    p95 = shared.percentile(times, 0.95)
    ratio = f"{shared.percentile(base, 0.95) / p95:8.1f}" if base else " " * 8
    print(f"{shared.pad(label, 46)} {statistics.median(times):7.1f} {p95:7.1f} {ratio}")
    return p95


def main() -> None:
    args = options()
    setup_test_environment(debug=False)
    if connection.vendor != "postgresql":
        sys.exit("This bench needs PostgreSQL (DATABASE_URL=postgres://…).")
    ensure_data(args.count)
    print(
        f"database: {connection.vendor}; buildings: {Building.objects.count():,}; "
        f"bigram rows: {BuildingBigram.objects.count():,}; repeat: {args.repeat}"
    )
    clients = {}
    for key in SCOPES:
        clients[key] = Client()
        clients[key].force_login(shared.user(key))
    if args.explain and connection.vendor == "postgresql":
        from louyu.buildings.selectors import building_list

        qs = building_list(user=shared.user("ca-440000"))
        print(qs.filter(bigrams__bigram="大厦").order_by()[:10].explain(analyze=True))
    header = "scenario (ms; ×faster = baseline p95 / suggest p95)"
    print(f"{shared.pad(header, 46)} {'p50':>7} {'p95':>7} {'×faster':>8}")
    suggest_p95s = []
    for key in SCOPES:
        for fragment in FRAGMENTS:
            q = quote(fragment)
            base = shared.timed(clients[key], f"/api/v1/buildings/?q={q}", args.repeat)
            times = shared.timed(clients[key], f"/api/v1/buildings/suggest/?q={q}", args.repeat)
            if base is None or times is None:
                continue
            row(f"{key} list ?q={fragment} (baseline)", base)
            suggest_p95s.append(row(f"{key} suggest ?q={fragment}", times, base))
    for fragment in FRAGMENTS:
        url = f"/complaints/buildings/suggest/?q={quote(fragment)}"
        times = shared.timed(clients["ca-110000"], url, args.repeat)
        if times is not None:
            suggest_p95s.append(row(f"intake suggest (national) ?q={fragment}", times))
    print(f"worst suggestion p95: {max(suggest_p95s):.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()

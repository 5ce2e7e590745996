"""Duplicate suggestion at intake with 1,000,000 complaints stored (target: p95 < 20 ms).

Reuses the PostgreSQL bench database of the building list (1,000,000 buildings), fills it up
to ``--count`` complaints with ``generate_complaints`` when it holds fewer, then times
``duplicate_candidates`` (candidate query through the indexes + rapidfuzz scoring) for
``--samples`` complaints picked at random. Baseline in the same run: reading the same
complaints by primary key. Prints p50/p95 and the ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_bench \\
        .venv/bin/python bench/bench_duplicates.py --count 1000000
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/louyu_bench")
os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from louyu.complaints.duplicates import duplicate_candidates  # noqa: E402
from louyu.complaints.generate import generate_complaints  # noqa: E402
from louyu.complaints.models import Complaint  # noqa: E402


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--hot-buildings",
        type=int,
        default=20_000,
        help="complaints are spread over this many buildings (≈ 50 each at 1,000,000)",
    )
    parser.add_argument("--fresh", action="store_true", help="delete existing complaints first")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.fresh:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE complaints_complaint CASCADE")
    have = Complaint.objects.count()
    if have < args.count:
        print(f"generating {args.count - have:,} complaints (setup, not measured)…")
        started = time.perf_counter()
        generate_complaints(
            count=args.count - have,
            seed=args.seed + have % 97,
            building_limit=args.hot_buildings,
        )
        print(f"  {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE complaints_complaint")
    total = Complaint.objects.count()
    max_id = Complaint.objects.order_by("-id").values_list("id", flat=True).first()
    rng = random.Random(args.seed)
    ids = []
    while len(ids) < args.samples:
        pk = rng.randrange(1, max_id + 1)
        if Complaint.objects.filter(pk=pk).exists():
            ids.append(pk)
    for pk in ids[:20]:  # warm-up
        duplicate_candidates(Complaint.objects.get(pk=pk))
    base, dup, found = [], [], []
    for pk in ids:
        started = time.perf_counter()
        complaint = Complaint.objects.get(pk=pk)
        base.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = duplicate_candidates(complaint)
        dup.append((time.perf_counter() - started) * 1000)
        found.append(len(result))
    print(f"database: {connection.vendor}; complaints: {total:,}; samples: {len(ids)}")
    print(f"baseline read by pk: p50 {p(base, 0.5):.2f} ms, p95 {p(base, 0.95):.2f} ms")
    print(
        f"duplicate_candidates: p50 {p(dup, 0.5):.2f} ms, p95 {p(dup, 0.95):.2f} ms, "
        f"max {max(dup):.2f} ms; candidates shown: mean {statistics.mean(found):.1f}"
    )
    print(f"ratio p95 duplicates / p95 baseline: {p(dup, 0.95) / p(base, 0.95):.1f}")


if __name__ == "__main__":
    main()

"""What one complaint intake costs in the web process, next to the two baseline endpoints of
``bench_complaint_intake.py``, measured in the same run without a server or load
generator, so that it is steady on a busy machine (the other bench is not):

- SQL statements Django sends per request (``BEGIN``/``COMMIT`` not included);
- Python function calls per request (cProfile; deterministic, independent of load);
- CPU milliseconds per request (process time; best of 7 rounds, still load-sensitive).

Requests go through the full WSGI stack (middleware, URL routing, DRF) with the same token
and bodies as the wrk bench. Run::

    .venv/bin/python bench/profile_intake.py               # 700 requests per endpoint
    .venv/bin/python bench/profile_intake.py --profile     # and the top of a CPU profile

Uses the bench database (``DATABASE_URL``, default louyu_bench_intake; created, migrated).
"""

import argparse
import cProfile
import pstats
import time

import bench_complaint_intake as bench
from intake_side_by_side import wsgi_caller

PATHS = ("/bench/minimal/", "/bench/baseline/", "/api/v1/complaints/")
NAMES = ("minimal", "baseline", "intake")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=700)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    bench.ensure_database(bench.os.environ["DATABASE_URL"])
    token = bench.prepare()

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    call = wsgi_caller(WSGIHandler(), token, bench.HOST, bench.PORT)

    result = {}
    for path in PATHS:
        for _ in range(30):  # warm caches and the connection
            call(path)
        statements = []

        def record(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            call(path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(100):
            call(path)
        profiler.disable()
        result[path] = {
            "statements": statements,
            "calls": pstats.Stats(profiler).total_calls / 100,
            "cpu": [],
        }
    per_round = max(1, args.requests // 7)
    for _ in range(7):
        for path in PATHS:
            start = time.process_time()
            for _ in range(per_round):
                call(path)
            result[path]["cpu"].append((time.process_time() - start) / per_round * 1000)
    minimal, base, intake = (result[p] for p in PATHS)
    for name, r in zip(NAMES, (minimal, base, intake), strict=True):
        print(
            f"{name}: {len(r['statements'])} statements, {r['calls']:.0f} Python calls, "
            f"{min(r['cpu']):.2f} ms CPU per request"
        )
    for sql in intake["statements"]:
        print(f"    {sql[:110]}")
    for name, r in (("minimal", minimal), ("baseline", base)):
        print(
            f"ratio {name} / intake: Python calls {r['calls'] / intake['calls']:.2f}, "
            f"CPU {min(r['cpu']) / min(intake['cpu']):.2f}"
        )
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(per_round):
            call(PATHS[-1])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()

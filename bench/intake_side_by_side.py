"""CPU per complaint intake of two source trees measured side by side: this checkout and
``--other`` (say a worktree of an earlier commit), each in its own process at the same
time, so that both see the same machine. On a shared 2-core VM the speed drifts by ±25 %
between runs minutes apart, which hides changes of 5–10 % in one-after-the-other runs;
two processes running together are slowed alike.

Each process sends intakes through the full WSGI stack of its tree (middleware, URL
routing, DRF, the intake service; no server, no wrk), in rounds, and measures its own CPU
(Python) and the CPU of its PostgreSQL backend (from /proc) per intake. Each tree has its
own database (``louyu_bench_sbs_a`` / ``_b``, created and migrated by the tree's own
``bench_complaint_intake.prepare``), so trees whose migrations differ do not meet. Run::

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv
    .venv/bin/python bench/intake_side_by_side.py --other /tmp/before --pairs 3

The other tree needs ``bench/bench_complaint_intake.py`` with ``prepare()`` (round 3 on).
Prints, per pair, the median of each tree's rounds, then the medians over the pairs.
"""

import argparse
import io
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY = {
    "channel": "api",
    "category": "entry_blocked",
    "address": "北京市朝阳区建国路88号",
    "description": "物业不让电信进场施工，只能用指定代理商的宽带。",
    "complainant_name": "张三",
}


def wsgi_caller(app, token: str, host: str, port: int):
    """A function that POSTs one request through ``app`` as gunicorn would (same headers,
    token and body as the wrk bench; the intake's phone number changes per call) and
    fails unless the answer is 201."""
    counter = itertools.count()

    def call(path: str) -> None:
        n = next(counter)
        data = (
            {**BODY, "complainant_phone": f"137{n % 10**8:08d}"}
            if path.startswith("/api/")
            else {"a": n}
        )
        body = json.dumps(data, ensure_ascii=False).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Token {token}",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        response = app(environ, lambda s, headers: status.append(s))
        b"".join(response)
        response.close()
        if not status[0].startswith("201"):
            raise SystemExit(f"{path} answered {status[0]}")

    return call


def child(tree: Path, database: str, requests: int, rounds: int) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    sys.path[:0] = [str(tree / "src"), str(tree / "bench")]
    import bench_complaint_intake as bench

    bench.ensure_database(os.environ["DATABASE_URL"])
    token = bench.prepare()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    call = wsgi_caller(WSGIHandler(), token, bench.HOST, bench.PORT)
    for _ in range(50):  # warm caches and the connection
        call("/api/v1/complaints/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu() -> float:
        with open(f"/proc/{backend}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    python, postgres = [], []
    per_round = max(1, requests // rounds)
    for _ in range(rounds):
        pg0, py0 = backend_cpu(), time.process_time()
        for _ in range(per_round):
            call("/api/v1/complaints/")
        python.append((time.process_time() - py0) / per_round * 1000)
        postgres.append((backend_cpu() - pg0) / per_round * 1000)
    print("RESULT " + json.dumps({"python": python, "postgres": postgres}), flush=True)


def run_pair(trees: dict[str, Path], args) -> dict[str, dict]:
    procs = {}
    for (name, tree), database in zip(
        trees.items(), ("louyu_bench_sbs_a", "louyu_bench_sbs_b"), strict=True
    ):
        procs[name] = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                str(tree),
                "--database",
                database,
                "--requests",
                str(args.requests),
                "--rounds",
                str(args.rounds),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "LOUYU_VAR_DIR": "/tmp/louyu-bench", "LOUYU_DEBUG": "false"},
        )
    results = {}
    for name, proc in procs.items():
        out, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"{name} ({trees[name]}) failed with exit code {proc.returncode}")
        line = next(line for line in out.splitlines() if line.startswith("RESULT "))
        result = json.loads(line.removeprefix("RESULT "))
        results[name] = {key: statistics.median(values) for key, values in result.items()}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", type=Path, help="the source tree to compare with")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=3000, help="per tree and pair")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["LOUYU_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "intake_settings"
    if args.child:
        child(args.child, args.database, args.requests, args.rounds)
        return
    if args.other is None:
        parser.error("--other is required")
    trees = {"this": ROOT, "other": args.other.resolve()}
    print(f"this: {trees['this']}; other: {trees['other']}; medians of {args.rounds} rounds")
    pairs = []
    for n in range(args.pairs):
        pair = run_pair(trees, args)
        pairs.append(pair)
        print(
            f"pair {n + 1}: "
            + "; ".join(
                f"{name} Python {r['python']:.2f} ms, PostgreSQL {r['postgres']:.2f} ms"
                for name, r in pair.items()
            )
        )
    for key, label in (("python", "Python"), ("postgres", "PostgreSQL")):
        this = statistics.median(p["this"][key] for p in pairs)
        other = statistics.median(p["other"][key] for p in pairs)
        print(
            f"{label} CPU per intake: this {this:.2f} ms, other {other:.2f} ms, "
            f"this / other {this / other:.2f}"
        )


if __name__ == "__main__":
    main()

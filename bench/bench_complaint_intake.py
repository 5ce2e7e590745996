"""Complaint intake throughput through the REST API (target: ≥ 300 complaints/s and ≥ 0.3
of a minimal one-row-insert endpoint of the same server), on PostgreSQL behind gunicorn.

Starts gunicorn (4 workers on 127.0.0.1:8090, settings ``bench/intake_settings.py``; sync
workers by default, ``--worker-class gthread --threads-per-worker N`` for keep-alive), then
drives it with ``wrk`` (loopback only, bounded: ``--seconds`` per run, ``--connections``
connections), each of three endpoints on the same server in the same run, in ``--rounds``
rounds of all three (so that a stretch of slow machine slows them alike):

- minimal: ``POST /bench/minimal/`` (``bench/intake_urls.py``), a plain Django view that
  parses the JSON body and inserts one row: the baseline the issue names;
- baseline: ``POST /bench/baseline/``, the same insert behind DRF and the API's token
  authentication (what every API request pays before its own work);
- intake: ``POST /api/v1/complaints/`` with a token header and a JSON body whose phone
  number varies per request (so no complaint is a repeat of another by the same caller).

Prints complaints/s, p50/p99 latency, both baselines' req/s and the ratios; counts the rows
really written, and fails if any answer was not 201. Run::

    .venv/bin/python bench/bench_complaint_intake.py      # 3 rounds × 10 s, 16 connections

``DATABASE_URL`` defaults to postgres://postgres@127.0.0.1:5432/louyu_bench_intake (created
if missing, migrated, complaints of earlier runs kept). Needs ``wrk`` (``apt-get install -y
wrk``; a bench-only tool, the test suite does not need it). A change of worker settings
applies to all three endpoints.

Throughput swings with whatever else runs on the machine; ``bench/profile_intake.py`` gives
the steadier per-request figures (statements, Python calls, CPU) of the same endpoints.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/louyu_bench_intake"
os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
os.environ.setdefault("LOUYU_VAR_DIR", "/tmp/louyu-bench")
os.environ.setdefault("LOUYU_DEBUG", "false")
os.environ.setdefault("LOUYU_LOG_LEVEL", "WARNING")
os.environ["DJANGO_SETTINGS_MODULE"] = "intake_settings"
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

HOST, PORT = "127.0.0.1", 8090

LUA = r"""
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH")
local counter = 0
local statuses = {}
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function request()
  counter = counter + 1
  local phone = string.format("139%02d%06d", id, counter % 1000000)
  local body = string.format(
    '{"channel":"api","category":"entry_blocked","address":"北京市朝阳区建国路88号",' ..
    '"description":"物业不让电信进场施工，只能用指定代理商的宽带。","complainant_name":"张三",' ..
    '"complainant_phone":"%s"}', phone)
  return wrk.format("POST", path, {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
    ["Host"] = "127.0.0.1",
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do bad_total = bad_total + t:get("bad") end
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p99_ms":%.2f,"errors":%d,"bad":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout + summary.errors.status,
    bad_total))
end
"""


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare() -> str:
    """Migrate, load reference data, create the bench user and its token; returns the key."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from louyu.core import roles
    from louyu.core.models import Organization, User
    from louyu.core.reference import load_reference_organizations

    call_command("migrate", verbosity=0)
    load_reference_organizations()
    user, _ = User.objects.get_or_create(
        username="bench-intake",
        defaults={"organization": Organization.objects.get(code="ca-110000")},
    )
    user.groups.set([Group.objects.get(name=roles.ADMINISTRATION_STAFF)])
    token, _ = Token.objects.get_or_create(user=user)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline (id serial PRIMARY KEY, body text)"
        )
        # Fresh planner statistics. The repeat check now has partial indexes over closed
        # complaints only (migration complaints 0005); before them, with stale statistics it
        # walked every bench complaint (same address and category) through the
        # (normalized_address, category) index.
        cursor.execute("ANALYZE complaints_complaint")
    connection.close()
    return token.key


def count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        (n,) = cursor.fetchone()
    connection.close()
    return n


def start_server(workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn if gunicorn.exists() else "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--bind",
            f"{HOST}:{PORT}",
            "--pythonpath",
            f"{ROOT / 'src'},{ROOT / 'bench'}",
            "--log-level",
            "warning",
            "louyu.wsgi:application",
        ],
        env={**os.environ},
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/open311/v2/discovery.json", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited at start-up") from None
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) used so far by gunicorn and PostgreSQL processes,
    read from /proc (Linux), so that each run's CPU per request can be reported: unlike the
    rate, it hardly moves when the machine is slower or busier from one run to the next."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"gunicorn": 0.0, "postgres": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:  # the process ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # utime + stime, plus cutime + cstime: what ended children used (a PostgreSQL
        # backend that exits, say when Django closes an old connection, is counted by the
        # postmaster that reaps it).
        used = sum(int(fields[i]) for i in (11, 12, 13, 14)) / tick
        for key in totals:
            if name.startswith(key):
                totals[key] += used
    return totals


def run_wrk(path: str, token: str, *, seconds: int, connections: int, threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    before = cpu_seconds()
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://{HOST}:{PORT}{path}",
            ],
            env={**os.environ, "BENCH_TOKEN": token, "BENCH_PATH": path},
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rate"] = result["requests"] / result["seconds"]
    after = cpu_seconds()
    for key in before:
        result[f"{key}_ms"] = (after[key] - before[key]) * 1000 / max(result["requests"], 1)
    return result


def combine(rounds: list[dict]) -> dict:
    """One endpoint's rounds as one result: requests, time and CPU summed (so the rate and
    the CPU per request are over all rounds), the median round's p50, the worst p99."""
    total = {key: sum(r[key] for r in rounds) for key in ("requests", "seconds", "bad", "errors")}
    total["rate"] = total["requests"] / total["seconds"]
    for key in ("gunicorn_ms", "postgres_ms"):
        total[key] = sum(r[key] * r["requests"] for r in rounds) / max(total["requests"], 1)
    total["p50_ms"] = statistics.median(r["p50_ms"] for r in rounds)
    total["p99_ms"] = max(r["p99_ms"] for r in rounds)
    return total


def describe(name: str, result: dict, unit: str = "req/s") -> str:
    return (
        f"{name}: {result['rate']:.0f} {unit}, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, non-201 {result['bad']}; CPU per request: "
        f"gunicorn {result['gunicorn_ms']:.2f} ms, PostgreSQL {result['postgres_ms']:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads-per-worker", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("this bench runs on PostgreSQL (DATABASE_URL=postgres://…)")
    ensure_database(os.environ["DATABASE_URL"])
    token = prepare()
    before = {t: count(t) for t in ("bench_baseline", "complaints_complaint")}
    server = start_server(args.workers, args.worker_class, args.threads_per_worker)
    try:
        opts = {"seconds": args.seconds, "connections": args.connections, "threads": args.threads}
        # Warm every path (imports, connections, caches) before measuring.
        for path in ("/bench/minimal/", "/bench/baseline/", "/api/v1/complaints/"):
            run_wrk(path, token, seconds=2, connections=4, threads=2)
        # Rounds of the three endpoints one after the other, so that a machine that is
        # slower for a while slows all three alike instead of one of them.
        runs = {"minimal": [], "baseline": [], "intake": []}
        for _round in range(args.rounds):
            runs["minimal"].append(run_wrk("/bench/minimal/", token, **opts))
            runs["baseline"].append(run_wrk("/bench/baseline/", token, **opts))
            runs["intake"].append(run_wrk("/api/v1/complaints/", token, **opts))
    finally:
        stop_server(server)
    after = {t: count(t) for t in ("bench_baseline", "complaints_complaint")}
    written = after["complaints_complaint"] - before["complaints_complaint"]
    minimal, base, intake = (combine(runs[name]) for name in ("minimal", "baseline", "intake"))
    ratio = intake["rate"] / minimal["rate"]
    threads = f" × {args.threads_per_worker} threads" if args.worker_class == "gthread" else ""
    print(
        f"setup: gunicorn {args.workers} {args.worker_class} workers{threads}, "
        f"wrk {args.threads} threads × "
        f"{args.connections} connections, {args.rounds} rounds × {args.seconds} s per endpoint, "
        f"{os.environ['DATABASE_URL']}"
    )
    print(describe("minimal (plain Django view, 1 INSERT)", minimal))
    print(describe("baseline (DRF + token auth + 1 INSERT)", base))
    print(describe("intake (POST /api/v1/complaints/)", intake, "complaints/s"))
    print(f"socket errors during intake: {intake['errors']}")
    print(f"complaints written in total (incl. warm-up): {written}")
    print(f"ratio intake / minimal: {ratio:.2f} (target ≥ 0.30); complaints/s target ≥ 300")
    print(f"ratio intake / token baseline: {intake['rate'] / base['rate']:.2f}")
    rounds = list(zip(runs["minimal"], runs["intake"], strict=True))
    print(
        "per round: complaints/s "
        + ", ".join(f"{i['rate']:.0f}" for _m, i in rounds)
        + "; ratio intake / minimal "
        + ", ".join(f"{i['rate'] / m['rate']:.2f}" for m, i in rounds)
    )

    def server_ms(r: dict) -> float:
        return r["gunicorn_ms"] + r["postgres_ms"]

    print(
        "ratio of server CPU per request (gunicorn + PostgreSQL), minimal / intake: "
        f"{server_ms(minimal) / server_ms(intake):.2f}, token baseline / intake: "
        f"{server_ms(base) / server_ms(intake):.2f}"
    )
    if intake["bad"] or base["bad"] or minimal["bad"]:
        raise SystemExit("some requests were not answered 201")


if __name__ == "__main__":
    main()

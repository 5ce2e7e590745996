"""The production run of README "Production": ``louyu serve`` (static files collected, then
gunicorn, the Redis task worker and the scheduler) against PostgreSQL and Redis on loopback;
a clerk logs in and files a complaint, the worker drains the queue, and SIGTERM stops it all.

PostgreSQL only: on SQLite the test database lives in this process's memory, where the
child processes cannot reach it."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import redis
import requests
from django.db import connection

from louyu.complaints.models import Complaint
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory
from louyu.tests.processes import louyu_process_env, postgres_url

REDIS_URL = "redis://127.0.0.1:6379/7"
PASSWORD = "prod-run-secret-123"  # noqa: S105


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _until(condition, *, attempts: int, pause: float = 0.5):
    """The first truthy result of ``condition()`` within ``attempts`` tries, else None."""
    for _ in range(attempts):
        with contextlib.suppress(requests.ConnectionError, requests.Timeout):
            result = condition()
            if result:
                return result
        time.sleep(pause)
    return None


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    client.flushdb()
    yield
    client.flushdb()


@pytest.mark.django_db(transaction=True)
def test_the_production_run_logs_in_and_files_a_complaint(tmp_path, settings, redis_db):
    if connection.vendor != "postgresql":
        pytest.skip("the child processes need a database server (PostgreSQL)")
    # The child processes verify passwords with the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    load_reference_organizations()
    clerk = UserFactory(
        username="prod-run-clerk",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    clerk.set_password(PASSWORD)
    clerk.save()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = louyu_process_env(
        tmp_path,
        DATABASE_URL=postgres_url(connection.settings_dict),
        LOUYU_DEBUG="false",
        LOUYU_SECRET_KEY="production-run-test-" + "k" * 40,
        LOUYU_TASK_BACKEND="rq",
        LOUYU_REDIS_URL=REDIS_URL,
        LOUYU_MEDIA_ROOT=str(tmp_path / "media"),
    )
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "louyu.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    serve = subprocess.Popen(  # noqa: S603
        [*command, "--web-workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        health = _until(lambda: requests.get(f"{base}/healthz", timeout=30), attempts=120)
        assert health is not None, (tmp_path / "serve.log").read_text()
        body = health.json()
        assert body["checks"] == {"database": "ok", "cache": "ok", "queue": "ok"}
        assert body["queue"]["backend"] == "rq"
        assert requests.get(f"{base}/static/louyu/louyu.css", timeout=5).status_code == 200
        assert requests.get(f"{base}/metrics", timeout=5).status_code == 200

        session = requests.Session()
        session.get(f"{base}/accounts/login/", timeout=5)
        login = session.post(
            f"{base}/accounts/login/",
            data={
                "username": clerk.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        )
        assert login.status_code == 302, login.text[:500]
        filed = session.post(
            f"{base}/api/v1/complaints/",
            json={
                "channel": "phone",
                "category": "entry_blocked",
                "address": "北京市朝阳区建国路88号",
                "description": "物业不让电信进场施工，只能用指定代理商的宽带。",
                "complainant_name": "张三",
                "complainant_phone": "13800138000",
            },
            headers={"X-CSRFToken": session.cookies["csrftoken"]},
            timeout=30,
        )
        assert filed.status_code == 201, filed.text[:500]
        assert Complaint.objects.filter(tracking_code=filed.json()["tracking_code"]).exists()

        # The worker takes the notifications and the scheduler's jobs off the queue.
        drained = _until(
            lambda: requests.get(f"{base}/healthz", timeout=30).json()["queue"]["depth"] == 0,
            attempts=120,
        )
        assert drained, (tmp_path / "serve.log").read_text()

        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=90) == 0, (tmp_path / "serve.log").read_text()
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        log.close()

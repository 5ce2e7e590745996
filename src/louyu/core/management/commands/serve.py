import logging
import os
import shutil
import signal
import sys
import tempfile
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from louyu.core.processes import Supervisor

logger = logging.getLogger("louyu.serve")

# The task worker of each task backend (none for "immediate", which runs tasks in-process).
TASK_WORKERS = {
    "rq": ["rqworker", "default", "--job-class", "django_tasks_rq.backend.Job"],
    "database": ["db_worker", "--queue-name", "default"],
}


def louyu_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "louyu.cli", *args]


class Command(BaseCommand):
    help = (
        "The production run: collect static files, then run gunicorn, the task worker(s) and "
        "the scheduler as child processes until SIGTERM or SIGINT, which stops them all. If "
        "one child dies, the others are stopped and the command exits with an error."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=os.environ.get("LOUYU_BIND", "127.0.0.1:8000"), help="host:port"
        )
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("LOUYU_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--task-workers", type=int, default=int(os.environ.get("LOUYU_TASK_WORKERS", "1"))
        )
        parser.add_argument("--no-scheduler", action="store_true", help="run no scheduler")

    def handle(self, *args, bind, web_workers, task_workers, no_scheduler, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        metrics_dir = tempfile.mkdtemp(prefix="louyu-metrics-")
        web_env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
        children = {
            "web": (
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "louyu.wsgi",
                    "--bind",
                    bind,
                    "--workers",
                    str(web_workers),
                    "--access-logfile",
                    "-",
                ],
                web_env,
            )
        }
        worker = TASK_WORKERS.get(settings.TASK_BACKEND)
        for number in range(task_workers if worker else 0):
            children[f"worker-{number + 1}"] = (louyu_command(*worker), None)
        if not no_scheduler:
            children["scheduler"] = (louyu_command("scheduler"), None)

        supervisor = Supervisor(children)
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)
        self.stdout.write(f"louyu serve: {', '.join(children)} on http://{bind}/")
        self.stdout.flush()
        supervisor.start()
        while supervisor.running():
            time.sleep(0.5)
        failed = supervisor.stop()
        shutil.rmtree(metrics_dir, ignore_errors=True)
        if failed:
            self.stderr.write(f"louyu serve: stopped because {', '.join(failed)} exited")
            sys.exit(1)

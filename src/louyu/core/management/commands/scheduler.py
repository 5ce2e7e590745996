import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

logger = logging.getLogger("louyu.scheduler")


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs of LOUYU_PERIODIC_TASKS on the task queue at their "
        "intervals. The jobs are idempotent, so running two schedulers sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue every job once, exit")
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between checks")

    def handle(self, *args, once, tick, **options):
        jobs = {path: import_string(path) for path in settings.LOUYU_PERIODIC_TASKS}
        next_run = dict.fromkeys(jobs, 0.0)
        stopping = False

        def _stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stdout.write(f"scheduler: {len(jobs)} periodic job(s)")
        while not stopping:
            now = time.monotonic()
            for path, job in jobs.items():
                if now >= next_run[path]:
                    try:
                        result = job.enqueue()
                        logger.info("enqueued %s as %s", path, result.id)
                    except Exception:
                        logger.exception("could not enqueue %s", path)
                    next_run[path] = now + settings.LOUYU_PERIODIC_TASKS[path]
            if once:
                return
            time.sleep(tick)

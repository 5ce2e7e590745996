"""``louyu rollup``: bring the progress figures up to now (``--rebuild``: recompute them
all from the histories)."""

from django.core.management.base import BaseCommand

from louyu.reporting.rollup import refresh


class Command(BaseCommand):
    help = "Refresh the rolled-up progress figures (--rebuild recomputes every figure)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute everything")

    def handle(self, *args, rebuild: bool, **options):
        result = refresh.rebuild() if rebuild else refresh.refresh()
        self.stdout.write(
            f"figures as of {result.as_of:%Y-%m-%d %H:%M:%S}; days recomputed: {result.days}"
            + (" (full rebuild)" if result.rebuilt else "")
        )

import sys

from django.core.management.base import BaseCommand, CommandError

from louyu.complaints.generate import generate_complaints


class Command(BaseCommand):
    help = "Write N benchmark complaints over the existing buildings (deterministic by seed)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, count, seed, batch_size, **options):
        def progress(done, total):
            sys.stderr.write(f"\r{done:,}/{total:,}")
            sys.stderr.flush()

        try:
            made = generate_complaints(
                count=count, seed=seed, batch_size=batch_size, progress=progress
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        sys.stderr.write("\n")
        self.stdout.write(f"complaints written: {made:,}")

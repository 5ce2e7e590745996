from django.core.management.base import BaseCommand

from louyu.core.reference import load_reference_organizations
from louyu.core.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update roles and reference organisations (idempotent)."

    def handle(self, *args, **options):
        sync_roles()
        count = load_reference_organizations()
        self.stdout.write(f"organisations: {count}")

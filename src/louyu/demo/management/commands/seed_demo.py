"""``louyu seed_demo``: reference organisations, demo accounts and every app's demo data;
idempotent."""

from django.core.management.base import BaseCommand

from louyu.articles.demo import create_demo_articles
from louyu.buildings.demo import generate_buildings
from louyu.buildings.models import Building
from louyu.cases.demo import create_demo_cases
from louyu.complaints.demo import create_demo_complaints
from louyu.core.demo import DEMO_PASSWORD, create_demo_users, create_demo_work_items, demo_logins
from louyu.inspections.demo import create_demo_inspection_plans
from louyu.library.demo import create_demo_library
from louyu.reporting.demo import create_demo_history
from louyu.search.indexing import reindex
from louyu.workplans.demo import create_demo_work_plans


class Command(BaseCommand):
    help = "Create the reference organisations, the demo accounts and demo work items."

    def add_arguments(self, parser):
        parser.add_argument("--buildings", type=int, default=2000, help="demo buildings")
        parser.add_argument("--complaints", type=int, default=200, help="demo complaints")
        parser.add_argument("--cases", type=int, default=36, help="demo rectification cases")

    def handle(self, *args, **options):
        users = create_demo_users()
        items = create_demo_work_items()
        if not Building.objects.exists():
            made = generate_buildings(count=options["buildings"], seed=1)
            self.stdout.write(f"demo buildings: {made}")

        complaints = create_demo_complaints(count=options["complaints"], seed=1)
        self.stdout.write(f"new demo complaints: {complaints}")

        cases = create_demo_cases(count=options["cases"], seed=1)
        self.stdout.write(f"new demo cases: {cases}")

        plans = create_demo_work_plans()
        self.stdout.write(f"new demo work plans: {plans}")
        self.stdout.write(f"new demo articles: {create_demo_articles()}")
        self.stdout.write(f"new demo inspection plans: {create_demo_inspection_plans()}")
        if create_demo_history():
            self.stdout.write("demo history: twelve months, monthly reports and a bulletin")
        self.stdout.write(f"new demo practices: {create_demo_library()}")
        indexed = reindex()
        self.stdout.write(f"search index: {sum(indexed.values())} rows")
        self.stdout.write(f"demo accounts: {len(users)}; new demo work items: {items}")
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）/ demo logins:")
        for username, org in demo_logins():
            self.stdout.write(f"  {username:<20} {org}")
        self.stdout.write(
            "  … ca-<辖区代码>, samr-<代码>, housing-<代码>, "
            "op-<telecom|mobile|unicom|broadnet>-<代码>"
        )

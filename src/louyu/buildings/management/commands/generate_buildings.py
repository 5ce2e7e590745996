import time

from django.core.management.base import BaseCommand, CommandError

from louyu.buildings.demo import generate_buildings


class Command(BaseCommand):
    help = "生成演示用楼宇名录及入驻情况（同一种子生成相同数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="楼宇数量")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--batch-size", type=int, default=5000, help="每批写入数量")

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 1 or batch_size < 1:
            raise CommandError("数量和批大小须为正整数。")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"已生成 {done}/{total} 栋（{done / elapsed:,.0f} 栋/秒）")

        try:
            created = generate_buildings(
                count=count, seed=seed, batch_size=batch_size, progress=progress
            )
        except ValueError as exc:
            raise CommandError(str(exc))
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：生成 {created} 栋楼宇，用时 {elapsed:.1f} 秒"
                f"（{created / max(elapsed, 1e-6):,.0f} 栋/秒）。"
            )
        )

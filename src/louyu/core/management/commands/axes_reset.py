"""`louyu axes_reset`: axes' command of that name, audited. Clears every counted login
failure (and so every lockout), writing one ``auth.unlock`` audit event per username and
address. The other ``axes_reset_*`` commands here narrow it down."""

from django.core.management.base import BaseCommand

from louyu.core.lockout import login_attempts, login_unlock


def unlock(command: BaseCommand, attempts) -> None:
    count = login_unlock(actor=None, attempts=attempts, via="command")
    if count:
        command.stdout.write(f"{count} 个用户名与地址的登录失败记录已清除（已记入审计）。")
    else:
        command.stdout.write("没有登录失败记录。")


class Command(BaseCommand):
    help = "解除所有登录锁定（清除全部登录失败记录，记入审计）"

    def handle(self, *args, **options):
        unlock(self, login_attempts())

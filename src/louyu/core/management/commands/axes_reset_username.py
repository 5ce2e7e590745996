"""`louyu axes_reset_username USERNAME…`: unlock usernames from every address, audited."""

from django.core.management.base import BaseCommand

from louyu.core.lockout import login_attempts
from louyu.core.management.commands.axes_reset import unlock


class Command(BaseCommand):
    help = "解除用户名的登录锁定（所有地址，记入审计）"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="+", type=str)

    def handle(self, *args, **options):
        for username in options["username"]:
            unlock(self, login_attempts(username=username))

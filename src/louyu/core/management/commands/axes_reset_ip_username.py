"""`louyu axes_reset_ip_username IP USERNAME`: unlock one username at one address, audited."""

from django.core.management.base import BaseCommand

from louyu.core.lockout import login_attempts
from louyu.core.management.commands.axes_reset import unlock


class Command(BaseCommand):
    help = "解除某用户名在某地址的登录锁定（记入审计）"

    def add_arguments(self, parser):
        parser.add_argument("ip", type=str)
        parser.add_argument("username", type=str)

    def handle(self, *args, **options):
        unlock(self, login_attempts(ip_address=options["ip"], username=options["username"]))

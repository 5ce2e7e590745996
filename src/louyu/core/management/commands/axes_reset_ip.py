"""`louyu axes_reset_ip IP…`: unlock every username at these addresses, audited."""

from django.core.management.base import BaseCommand

from louyu.core.lockout import login_attempts
from louyu.core.management.commands.axes_reset import unlock


class Command(BaseCommand):
    help = "解除来自某地址的所有登录锁定（记入审计）"

    def add_arguments(self, parser):
        parser.add_argument("ip", nargs="+", type=str)

    def handle(self, *args, **options):
        for ip in options["ip"]:
            unlock(self, login_attempts(ip_address=ip))

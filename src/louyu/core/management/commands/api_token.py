from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from louyu.core.api_tokens import api_token_get, api_token_rotate
from louyu.core.models import User


class Command(BaseCommand):
    help = "Print the API token of USERNAME, creating it if needed (--rotate replaces it)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="replace the existing token")

    def handle(self, *args, username, rotate, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户 {username} 不存在。")
        if not user.is_active:
            raise CommandError(f"用户 {username} 已停用，不能签发令牌。")
        with transaction.atomic():
            token = None if rotate else api_token_get(user=user)
            if token is None:
                token = api_token_rotate(actor=None, user=user)
        self.stdout.write(token.key)

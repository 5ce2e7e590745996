"""Token authentication that reads the token, its user and the authorization version in
one query (DRF's reads the first two; the version keys the cached permissions, see
``louyu.core.authz``). The token and the user's ``is_active`` flag are read on every
request, so a deleted token or a deactivated user is refused on the next one."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as drf_message
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from louyu.core.authz import VERSION_PK, remember_version
from louyu.core.models import AuthorizationVersion


def _token_sql() -> str:
    from django.db import connection

    q = connection.ops.quote_name
    user = get_user_model()
    # Identifiers come from model metadata; the key is a parameter.
    return (
        f"SELECT u.*, t.{q('created')} AS louyu_token_created, "  # noqa: S608
        f"(SELECT v.{q('value')} FROM {q(AuthorizationVersion._meta.db_table)} v "
        f"WHERE v.{q('id')} = {VERSION_PK}) AS louyu_authz_version "
        f"FROM {q(Token._meta.db_table)} t JOIN {q(user._meta.db_table)} u "
        f"ON u.{q(user._meta.pk.column)} = t.{q('user_id')} WHERE t.{q('key')} = %s"
    )


def token_with_user(key: str) -> Token | None:
    """The token with this key, its user loaded and the authorization version attached to
    the user; None if there is no such token. One raw query (the ORM spends more time
    compiling this join than the database spends running it)."""
    user = next(iter(get_user_model().objects.raw(_token_sql(), [key])), None)
    if user is None:
        return None
    remember_version(user, user.louyu_authz_version)
    token = Token(key=key, user_id=user.pk, created=user.louyu_token_created)
    token._state.adding = False
    token.user = user
    return token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication with the one-query lookup; its messages are DRF's own
    (and DRF's translations), under a name makemessages does not extract."""

    def authenticate_credentials(self, key):
        token = token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(drf_message("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(drf_message("User inactive or deleted."))
        return (token.user, token)

"""Token authentication that reads the token, its user and the authorization version in
one query (DRF's reads the first two; the version keys the cached permissions, see
``louyu.core.authz``). The token and the user's ``is_active`` flag are read on every
request, so a deleted token or a deactivated user is refused on the next one."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_lazy as drf_message
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from louyu.core.api_tokens import token_expired
from louyu.core.authz import VERSION_PK, remember_version
from louyu.core.models import AuthorizationVersion
from louyu.core.rest.throttling import TokenFailureThrottle

EXPIRED_MESSAGE = _("API 令牌已过期，请在“API 令牌”页面生成新令牌。")


class _TokenQuery:
    """The SQL and the column converters of the token lookup, built once per database
    vendor: the user's columns in model order, then the token's creation time and the
    authorization version."""

    def __init__(self, connection) -> None:
        q = connection.ops.quote_name
        user = get_user_model()
        self.fields = list(user._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        created = Token._meta.get_field("created")
        # (position, column expression, its converters) for the columns that need any.
        self.converters = []
        for position, field in enumerate([*self.fields, created]):
            column = field.get_col(field.model._meta.db_table)
            # Backend converters first, then the field's, as the ORM's compiler applies them.
            converters = connection.ops.get_db_converters(column)
            converters += column.get_db_converters(connection)
            if converters:
                self.converters.append((position, column, converters))
        columns = ", ".join(f"u.{q(f.column)}" for f in self.fields)
        # Identifiers come from model metadata; the key is a parameter.
        self.sql = (
            f"SELECT {columns}, t.{q(created.column)}, "  # noqa: S608
            f"(SELECT v.{q('value')} FROM {q(AuthorizationVersion._meta.db_table)} v "
            f"WHERE v.{q('id')} = {VERSION_PK}) "
            f"FROM {q(Token._meta.db_table)} t JOIN {q(user._meta.db_table)} u "
            f"ON u.{q(user._meta.pk.column)} = t.{q('user_id')} WHERE t.{q('key')} = %s"
        )

    def convert(self, row, connection) -> list:
        values = list(row)
        for position, column, converters in self.converters:
            for converter in converters:
                values[position] = converter(values[position], column, connection)
        return values


_queries: dict[tuple[str, int], _TokenQuery] = {}


def token_with_user(key: str) -> Token | None:
    """The token with this key, its user loaded and the authorization version attached to
    the user; None if there is no such token. One hand-written query whose SQL is built
    once (the ORM, and even ``raw()``, spent more time preparing this join and its model
    than the database spends running it)."""
    from django.db import connection

    lookup_key = (connection.vendor, id(connection.ops))
    query = _queries.get(lookup_key)
    if query is None:
        query = _queries[lookup_key] = _TokenQuery(connection)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    values = query.convert(row, connection)
    n = len(query.attnames)
    user = get_user_model().from_db(connection.alias, query.attnames, values[:n])
    remember_version(user, row[n + 1])
    token = Token(key=key, user_id=user.pk, created=values[n])
    token._state.adding = False
    token._state.db = connection.alias
    token.user = user
    return token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication with the one-query lookup; its messages are DRF's own
        (and DRF's translations), under a name makemessages does not extract. Failures are
        counted per client address (an expired token too,
    ``LOUYU_API_TOKEN_MAX_AGE_DAYS``): past ``token_failure``'s rate the address gets 429 for
        every token, right or wrong, until the window ends (``TokenFailureThrottle``)."""

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        request = self._request
        TokenFailureThrottle.check(request)
        token = token_with_user(key)
        if token is None:
            TokenFailureThrottle.record_failure(request)
            raise exceptions.AuthenticationFailed(drf_message("Invalid token."))
        if not token.user.is_active:
            TokenFailureThrottle.record_failure(request)
            raise exceptions.AuthenticationFailed(drf_message("User inactive or deleted."))
        if token_expired(token.created):
            TokenFailureThrottle.record_failure(request)
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return (token.user, token)

"""Who may import into the registry, decided in one place for the upload pages, the API,
the command line and the import engine itself.

- the ministry and the communications administrations import buildings (the ministry
  everywhere, an administration in its jurisdiction) with ``buildings.add_building``;
- an operator's branch or headquarters imports its own presence list with
  ``buildings.change_presence``: only its own presence changes, and only in its area;
- the system (no actor: a command run without ``--user``) imports everywhere;
- nobody else imports."""

from __future__ import annotations

from dataclasses import dataclass

from louyu.core.models import Organization, User
from louyu.core.scope import scope_for

IMPORT_PERMISSION = "buildings.add_building"
PRESENCE_PERMISSION = "buildings.change_presence"


@dataclass(frozen=True)
class ImportRights:
    allowed: bool
    refusal: str = ""
    # Set when only this operator's presence may change (an operator's own list).
    own_operator: Organization | None = None
    # The jurisdictions whose buildings the import may touch; None for all.
    jurisdiction_ids: frozenset[int] | None = None

    @property
    def presence_only(self) -> bool:
        return self.own_operator is not None


def import_rights(actor: User | None) -> ImportRights:
    if actor is None:
        return ImportRights(allowed=True)
    if not actor.is_authenticated:
        return ImportRights(allowed=False, refusal="请先登录。")
    scope = scope_for(actor)
    if scope.is_operator:
        operator = actor.organization.operator if actor.organization else None
        if operator is None or not actor.has_perm(PRESENCE_PERMISSION):
            return ImportRights(allowed=False, refusal="您无权上报入驻情况。")
        area = actor.organization.jurisdiction_id
        return ImportRights(
            allowed=True,
            own_operator=operator,
            jurisdiction_ids=frozenset({area}) if area else None,
        )
    if scope.by_jurisdiction and actor.has_perm(IMPORT_PERMISSION):
        return ImportRights(
            allowed=True,
            jurisdiction_ids=None if scope.is_national else scope.jurisdiction_ids,
        )
    return ImportRights(allowed=False, refusal="只有通信管理局、部级用户和基础电信企业可以导入。")


def can_import(user: User | None) -> bool:
    """Whether the user may start an import (of buildings or of its own presence)."""
    return bool(user and user.is_authenticated) and import_rights(user).allowed


def can_upload_presence(user: User | None) -> bool:
    """Whether the user imports its own presence list (an operator), not buildings."""
    return can_import(user) and import_rights(user).presence_only

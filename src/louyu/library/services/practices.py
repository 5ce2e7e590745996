"""Writes of the practice library: writing and editing a draft, its attachments, the one
transition service (draft → reviewed → published, back to draft with a reason), comments
and adoptions by other jurisdictions.

Every write is one transaction that locks the row it changes, checks the rules, appends its
history row, writes the audit event and schedules notifications after commit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from louyu.core.audit import audit_record
from louyu.core.clean import FieldErrors, actor_or_none, clean_date, clean_text
from louyu.core.errors import ConcurrentEdit, Conflict, InvalidTransition
from louyu.core.labels import in_stored_language
from louyu.core.models import Jurisdiction, OrganizationType, User
from louyu.core.scope import scope_for
from louyu.core.services import notify, users_of_organization
from louyu.core.uploads import CheckedFile, max_files, storage_name
from louyu.library.models import (
    Adoption,
    Practice,
    PracticeAttachment,
    PracticeComment,
    PracticeStatusChange,
    Tag,
)
from louyu.library.workflow import (
    PRACTICE_PERMISSION,
    PRACTICE_REQUIRED,
    PracticeState,
    practice_targets,
)
from louyu.reporting.metrics import BY_CODE
from louyu.search.indexing import index_later

MAX_TAGS = 10


def practice_link(practice: Practice) -> str:
    return f"/library/practices/{practice.pk}/"


def can_edit_practice(user: User | None, practice: Practice) -> bool:
    """The practice's own administration (or the ministry) edits it while it is a draft."""
    if user is None:
        return True
    return (
        practice.state == PracticeState.DRAFT
        and user.has_perm("library.change_practice")
        and scope_for(user).can_see_jurisdiction(practice.jurisdiction_id)
    )


def can_transition(user: User | None, practice: Practice, to: str) -> bool:
    if user is None:
        return True
    permission = PRACTICE_PERMISSION.get(to)
    return (
        bool(permission)
        and user.has_perm(permission)
        and (scope_for(user).can_see_jurisdiction(practice.jurisdiction_id))
    )


def can_adopt(user: User | None, practice: Practice) -> bool:
    """A communications administration of another jurisdiction marks a published practice
    adopted."""
    if user is None or practice.state != PracticeState.PUBLISHED:
        return False
    org = user.organization
    return (
        user.has_perm("library.adopt_practice")
        and org is not None
        and org.type == OrganizationType.COMM_ADMIN
        and org.jurisdiction_id is not None
        and org.jurisdiction_id != practice.jurisdiction_id
    )


def _clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.replace("，", ",").split(",")
    names = []
    for raw in tags or []:
        name = str(raw).strip()
        if not name:
            continue
        if len(name) > 32:
            raise ValidationError({"tags": f"标签“{name[:32]}…”过长（最多 32 个字）。"})
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": f"最多 {MAX_TAGS} 个标签。"})
    return names


def _clean_metrics(metrics) -> list[str]:
    codes = []
    for code in metrics or []:
        if code not in BY_CODE:
            raise ValidationError({"metrics": f"未知的指标代码“{str(code)[:40]}”。"})
        if code not in codes:
            codes.append(code)
    return codes


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    checks = (
        ("title", lambda v: clean_text(v, "title", "请填写标题（至少 2 个字）。", limit=200)),
        ("summary", lambda v: clean_text(v, "summary", "请填写摘要（至少 2 个字）。")),
        ("body", lambda v: clean_text(v, "body", "", minimum=0, limit=50000)),
        ("tags", _clean_tags),
        ("metrics", _clean_metrics),
        (
            "started_on",
            lambda v: (
                None if v in (None, "") else clean_date(v, "started_on", label="开始实施日期")
            ),
        ),
    )
    cleaned = {field: errors.check(check, data[field]) for field, check in checks if field in data}
    errors.raise_any()
    return cleaned


def _store_attachments(actor, practice: Practice, files: Sequence[CheckedFile]) -> list[str]:
    if practice.attachments.count() + len(files) > max_files() * 2:
        raise ValidationError({"attachments": f"每条经验做法最多 {max_files() * 2} 个附件。"})
    stored = []
    for checked in files:
        attachment = PracticeAttachment(
            practice=practice,
            name=checked.name[:200],
            content_type=checked.content_type[:100],
            size=checked.size,
            uploaded_by=actor_or_none(actor),
        )
        attachment.file.save(storage_name(checked.name), ContentFile(checked.data), save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        stored.append(attachment.name)
    return stored


def _write_fields(practice: Practice, cleaned: dict[str, Any]) -> None:
    for field in ("title", "summary", "body", "metrics", "started_on"):
        if field in cleaned:
            setattr(practice, field, cleaned[field])


def _set_tags(practice: Practice, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    practice.tags.set(tags)


@transaction.atomic
def practice_create(
    *,
    actor: User | None,
    jurisdiction: Jurisdiction | None,
    title: str,
    summary: str,
    body: str = "",
    tags=(),
    metrics=(),
    started_on: datetime.date | None = None,
    attachments: Sequence[CheckedFile] = (),
) -> Practice:
    """Write a draft practice for ``jurisdiction`` (an administration writes for its own;
    the ministry for any). Attachments must already be checked by content
    (``core.uploads.check_upload(..., documents=True)``)."""
    if not isinstance(jurisdiction, Jurisdiction):
        raise ValidationError({"jurisdiction": "请选择管辖范围。"})
    if actor is not None and not (
        actor.has_perm("library.add_practice")
        and scope_for(actor).can_see_jurisdiction(jurisdiction.pk)
    ):
        raise PermissionDenied("只有本辖区通信管理局（或部）可以撰写经验做法。")
    cleaned = _clean(
        {
            "title": title,
            "summary": summary,
            "body": body,
            "tags": tags,
            "metrics": metrics,
            "started_on": started_on,
        }
    )
    practice = Practice(jurisdiction=jurisdiction, created_by=actor_or_none(actor))
    _write_fields(practice, cleaned)
    practice.save()
    _set_tags(practice, cleaned["tags"])
    stored = _store_attachments(actor, practice, attachments)
    PracticeStatusChange.objects.create(
        practice=practice, from_state="", to_state=PracticeState.DRAFT, actor=actor_or_none(actor)
    )
    audit_record(
        actor=actor,
        action="practice.create",
        obj=practice,
        jurisdiction=jurisdiction,
        changes={"title": practice.title, "tags": cleaned["tags"], "attachments": stored},
    )
    index_later("practice", [practice.pk])
    return practice


@transaction.atomic
def practice_update(
    *,
    actor: User | None,
    practice: Practice,
    expected_version: int | None = None,
    attachments: Sequence[CheckedFile] = (),
    **data: Any,
) -> Practice:
    """Change a draft (title, summary, body, tags, metrics, start date) and add
    attachments. Only a draft may change; a reviewed or published practice is sent back
    to draft first."""
    locked = Practice.objects.select_for_update().get(pk=practice.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConcurrentEdit("该经验做法已被他人更新，请刷新页面后再操作。")
    if locked.state != PracticeState.DRAFT:
        raise InvalidTransition("只有草稿状态的经验做法可以修改。")
    if not can_edit_practice(actor, locked):
        raise PermissionDenied("只有本辖区通信管理局（或部）可以修改经验做法。")
    unknown = set(data) - {"title", "summary", "body", "tags", "metrics", "started_on"}
    if unknown:
        raise ValidationError({name: "不能修改此项。" for name in sorted(unknown)})
    cleaned = _clean(data)
    before = {f: getattr(locked, f) for f in ("title", "summary", "body", "metrics", "started_on")}
    _write_fields(locked, cleaned)
    locked.version += 1
    locked.save()
    if "tags" in cleaned:
        _set_tags(locked, cleaned["tags"])
    stored = _store_attachments(actor, locked, attachments)
    changes = {
        f: [before[f], getattr(locked, f)] for f in before if before[f] != getattr(locked, f)
    }
    if "body" in changes:
        changes["body"] = "changed"
    audit_record(
        actor=actor,
        action="practice.update",
        obj=locked,
        jurisdiction=locked.jurisdiction_id,
        changes={
            **changes,
            **({"tags": cleaned["tags"]} if "tags" in cleaned else {}),
            **({"attachments": stored} if stored else {}),
        },
    )
    index_later("practice", [locked.pk])
    practice.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def practice_transition(
    *,
    actor: User | None,
    practice: Practice,
    to: str,
    expected_version: int | None = None,
    reason: str = "",
) -> Practice:
    """Move a practice along draft → reviewed → published, or back to draft (sending back
    for rework or withdrawing a publication, with a ``reason``). Reviewing needs
    ``library.review_practice`` in the practice's jurisdiction; publishing
    ``library.publish_practice`` (the ministry). Publishing tells the authoring
    administration; it then shows to every jurisdiction."""
    locked = Practice.objects.select_for_update().get(pk=practice.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConcurrentEdit("该经验做法已被他人更新，请刷新页面后再操作。")
    from_state = locked.state
    if to not in practice_targets(from_state):
        target = PracticeState(to).label if to in PracticeState.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    if not can_transition(actor, locked, to):
        raise PermissionDenied("您无权进行此操作。")
    note = ""
    if "reason" in PRACTICE_REQUIRED.get((from_state, to), ()):
        note = clean_text(reason, "reason", "请说明退回或撤回的理由。", limit=2000)
    locked.state = to
    locked.published_at = timezone.now() if to == PracticeState.PUBLISHED else None
    locked.version += 1
    locked.save()
    PracticeStatusChange.objects.create(
        practice=locked, from_state=from_state, to_state=to, actor=actor_or_none(actor), note=note
    )
    audit_record(
        actor=actor,
        action=f"practice.{to}",
        obj=locked,
        jurisdiction=locked.jurisdiction_id,
        changes={"state": [from_state, to], **({"reason": note} if note else {})},
    )
    if locked.created_by_id and locked.created_by_id != getattr(actor, "pk", None):
        notify(
            recipients=[locked.created_by],
            title=f"经验做法“{locked.title}”{in_stored_language(locked.get_state_display())}"[:200],
            body=note,
            link=practice_link(locked),
            kind="practice",
        )
    index_later("practice", [locked.pk])
    practice.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def practice_comment(*, actor: User, practice: Practice, text: str) -> PracticeComment:
    """Comment on a practice the actor sees (the caller has checked visibility)."""
    if not actor.has_perm("library.add_practicecomment"):
        raise PermissionDenied("您无权发表评论。")
    body = clean_text(text, "text", "请填写评论内容（至少 2 个字）。", limit=2000)
    locked = Practice.objects.select_for_update().get(pk=practice.pk)
    comment = PracticeComment.objects.create(
        practice=locked, text=body, author=actor, organization_id=actor.organization_id
    )
    audit_record(
        actor=actor,
        action="practice.comment",
        obj=locked,
        jurisdiction=locked.jurisdiction_id,
        changes={"comment": comment.pk},
    )
    return comment


def practice_adopt(*, actor: User, practice: Practice, what: str) -> Adoption:
    """Mark a published practice adopted by the actor's administration (another
    jurisdiction's), saying what was adopted; once per administration. The authoring
    administration is told."""
    body = clean_text(what, "what", "请说明借鉴了哪些做法（至少 2 个字）。", limit=2000)
    try:
        with transaction.atomic():
            locked = Practice.objects.select_for_update().get(pk=practice.pk)
            if locked.state != PracticeState.PUBLISHED:
                raise InvalidTransition("只有已发布的经验做法可以标记借鉴。")
            if locked.jurisdiction_id == getattr(actor.organization, "jurisdiction_id", None):
                raise PermissionDenied("不能借鉴本辖区自己的经验做法。")
            if not can_adopt(actor, locked):
                raise PermissionDenied("只有其他辖区的通信管理局可以标记借鉴。")
            adoption = Adoption.objects.create(
                practice=locked,
                jurisdiction_id=actor.organization.jurisdiction_id,
                organization=actor.organization,
                what=body,
                actor=actor,
            )
            audit_record(
                actor=actor,
                action="practice.adopt",
                obj=locked,
                jurisdiction=locked.jurisdiction_id,
                changes={"organization": actor.organization.code, "what": body},
            )
            authors = (
                users_of_organization(locked.created_by.organization)
                if (locked.created_by_id and locked.created_by.organization_id)
                else []
            )
            notify(
                recipients=authors,
                title=f"{actor.organization.name}借鉴了经验做法“{locked.title}”"[:200],
                body=body,
                link=practice_link(locked),
                kind="practice",
            )
            return adoption
    except IntegrityError:
        raise Conflict("本单位已标记借鉴过该经验做法。") from None

"""The on-site inspection record. A team member (of any organisation taking part) submits it
once per assignment; what follows is done on the authority of the plan's administration for
the building's jurisdiction: presence answers update the registry through
``buildings.services.presence_set`` (source ``inspection``), and failed items open a case,
or add to the building's open case, through ``cases.services.opening.case_open`` (source
``inspection``). Those writes run as the system (``actor=None``); the inspection's own
audit event names the submitter and the administration whose authority they carry."""

from __future__ import annotations

import datetime
import io
import uuid
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from louyu.buildings.models import Presence, PresenceSource, PresenceStatus
from louyu.buildings.services import presence_set
from louyu.cases.services.opening import case_open
from louyu.cases.workflow import ResponsibleParty, Source
from louyu.core.audit import audit_record
from louyu.core.errors import Conflict, InvalidTransition
from louyu.core.models import Organization, OrganizationType, User, WorkItemState
from louyu.core.services import work_items_close_for
from louyu.core.uploads import CheckedFile, check_upload
from louyu.inspections.models import (
    Assignment,
    ChecklistItem,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
)
from louyu.inspections.services.plans import can_approve, can_edit
from louyu.inspections.workflow import (
    AnswerType,
    CaptureSource,
    Evidence,
    NotInspectedReason,
    Outcome,
    State,
)

PHOTOS_MAX = 20
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 36867
EXIF_DATETIME = 306
CAMERA_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
YES = {True, "yes", "true", "1", "是"}
NO = {False, "no", "false", "0", "否"}


def photo_taken_at(data: bytes) -> datetime.datetime | None:
    """The capture time a photo carries in its EXIF (DateTimeOriginal, else DateTime), read
    as China local time; None when it has none or it does not parse."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    except Exception:  # noqa: BLE001 — an unreadable photo is the upload check's to refuse
        return None
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.datetime.strptime(raw.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=CAMERA_ZONE)


def plan_administration(assignment: Assignment) -> Organization | None:
    """The communications administration of the assigned building's jurisdiction, on whose
    authority the follow-ups of an inspection are done."""
    return Organization.objects.filter(
        type=OrganizationType.COMM_ADMIN,
        jurisdiction_id=assignment.sampled.jurisdiction_id,
        is_active=True,
    ).first()


def can_submit(user: User | None, assignment: Assignment) -> bool:
    """Team members of the assignment's team, and those who run the plan."""
    if user is None or not user.is_authenticated:
        return False
    plan = assignment.team.plan
    return (
        assignment.team.members.filter(pk=user.pk).exists()
        or can_edit(user, plan)
        or can_approve(user, plan)
    )


def basic_operators():
    return Organization.objects.filter(is_basic_operator=True, is_active=True).order_by("code")


def applicable_items(assignment: Assignment):
    items = assignment.team.plan.checklist.items.select_related("category")
    if not assignment.sampled.building.fibre_rule_applies:
        items = items.filter(applies_to_fibre_rule_only=False)
    return items


def _label(item: ChecklistItem) -> str:
    return f"检查项“{item.text}”"


def _clean_answer(item: ChecklistItem, value, operators: dict[str, Organization]):
    """``(value, passed)`` for one answer; ValidationError naming the item."""
    kind = item.answer_type
    if kind == AnswerType.YES_NO:
        key = value.strip().lower() if isinstance(value, str) else value
        if key in YES:
            value = True
        elif key in NO:
            value = False
        else:
            raise ValidationError(f"{_label(item)}请选择“是”或“否”。")
    elif kind == AnswerType.CHOICE:
        value = str(value or "").strip()
        if value not in item.choices:
            raise ValidationError(f"{_label(item)}请从列出的选项中选择。")
    elif kind == AnswerType.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError(f"{_label(item)}须填写数值。") from None
        if not number.is_finite() or number < 0:
            raise ValidationError(f"{_label(item)}须填写不小于 0 的数值。")
        value = float(number)
    elif kind == AnswerType.OPERATORS:
        codes = [value] if isinstance(value, str) else list(value or [])
        codes = list(dict.fromkeys(str(c).strip() for c in codes if str(c).strip()))
        unknown = [c for c in codes if c not in operators]
        if unknown:
            raise ValidationError(f"{_label(item)}中的“{unknown[0]}”不是基础电信企业。")
        value = codes
    else:
        value = str(value or "").strip()[:2000]
    passing = item.passing_answer
    if passing is None:
        return value, None
    if kind == AnswerType.OPERATORS:
        return value, len(value) >= int(passing)
    if kind == AnswerType.NUMBER:
        return value, value <= float(passing)
    return value, value == passing


def _clean_answers(items, answers: dict, operators) -> list[tuple[ChecklistItem, object, bool]]:
    cleaned, errors = [], []
    for item in items:
        value = answers.get(item.code)
        missing = value is None or value == "" or value == []
        if missing and item.answer_type == AnswerType.OPERATORS and item.code in answers:
            missing = False
        if missing and item.answer_type != AnswerType.TEXT:
            errors.append(f"请回答{_label(item)}。")
            continue
        try:
            cleaned.append((item, *_clean_answer(item, value, operators)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    unknown = set(answers) - {item.code for item in items}
    if unknown:
        errors.append(f"检查项“{sorted(unknown)[0]}”不在本次检查表中。")
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


def _check_photos(photos, items_by_code) -> list[tuple[ChecklistItem | None, CheckedFile, tuple]]:
    """Each photo checked (images only) with its capture time, read from the original bytes
    before the check re-encodes them and drops the metadata."""
    photos = list(photos or [])
    if len(photos) > PHOTOS_MAX:
        raise ValidationError({"photos": f"每次检查最多上传 {PHOTOS_MAX} 张照片。"})
    checked, errors = [], []
    now = timezone.now()
    for code, upload in photos:
        item = items_by_code.get(code) if code else None
        if code and item is None:
            errors.append(f"照片所属的检查项“{code}”不在本次检查表中。")
            continue
        name = str(getattr(upload, "name", "") or "file")[:200]
        if hasattr(upload, "seek"):
            upload.seek(0)
        taken = photo_taken_at(upload.read())
        try:
            file = check_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if not file.content_type.startswith("image/"):
            errors.append(f"文件“{name}”不是照片，现场佐证只接收图片（JPEG、PNG 等）。")
            continue
        when = (taken, CaptureSource.EXIF) if taken else (now, CaptureSource.UPLOAD)
        checked.append((item, file, when))
    if errors:
        raise ValidationError({"photos": errors})
    return checked


def evidence_needed(item: ChecklistItem, passed: bool | None) -> bool:
    """Whether an answer of ``item`` must come with a photo attached to it: always for a
    photo or a photographed document, and for "photo when failing" when it failed."""
    if item.evidence in (Evidence.PHOTO, Evidence.DOCUMENT):
        return True
    return item.evidence == Evidence.PHOTO_ON_FAIL and passed is False


MISSING_EVIDENCE = {
    Evidence.PHOTO: "须上传现场照片",
    Evidence.DOCUMENT: "须上传书面材料照片",
    Evidence.PHOTO_ON_FAIL: "不合格，须上传现场照片",
}
NOT_INSPECTED_EVIDENCE = "未能检查时须上传现场照片（如楼门、告示）或填写说明（至少 2 个字）。"


def _check_evidence(cleaned, checked) -> None:
    """Refuse answers lacking the evidence their item asks for, naming every such item."""
    with_photo = {item.pk for item, _file, _when in checked if item is not None}
    missing = [
        item
        for item, _value, passed in cleaned
        if evidence_needed(item, passed) and item.pk not in with_photo
    ]
    if missing:
        raise ValidationError(
            {"photos": [f"{_label(item)}{MISSING_EVIDENCE[item.evidence]}。" for item in missing]}
        )


def _clean_key(submission_key) -> uuid.UUID:
    try:
        return uuid.UUID(str(submission_key))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError({"submission_key": "提交标识无效，请刷新页面后重新提交。"}) from None


def inspection_submit(
    *,
    actor: User,
    assignment: Assignment,
    answers: dict | None = None,
    photos: Iterable[tuple[str, object]] = (),
    outcome: str = Outcome.INSPECTED,
    not_inspected_reason: str = "",
    note: str = "",
    submission_key,
) -> tuple[Inspection, bool]:
    """Store the on-site record of ``assignment`` and do what follows from it, all in one
    transaction. Returns ``(inspection, created)``: a repeated submission with the same
    ``submission_key`` returns the stored record and writes nothing (``created=False``); a
    different submission for an assignment already inspected is a Conflict.

    Refuses (nothing written) a submitter who is not on the team nor running the plan, a
    plan that is not running, a building deactivated since it was drawn, unanswered or
    invalid answers, evidence files that are not images, answers without the photo their
    checklist item asks for (``evidence_needed``), and a building that could not be
    inspected with neither a photo nor a note."""
    key = _clean_key(submission_key)
    existing = Inspection.objects.filter(submission_key=key).first()
    if existing is not None:
        if existing.assignment_id != assignment.pk:
            raise Conflict("该提交标识已用于另一项检查，请刷新页面后重新提交。")
        return existing, False
    try:
        with transaction.atomic():
            return _submit(
                actor=actor,
                assignment=assignment,
                answers=dict(answers or {}),
                photos=photos,
                outcome=outcome,
                reason=not_inspected_reason or "",
                note=(note or "").strip()[:2000],
                key=key,
            )
    except IntegrityError:
        # A concurrent submission stored the record first.
        existing = Inspection.objects.filter(submission_key=key).first()
        if existing is not None:
            return existing, False
        raise Conflict("该楼宇的检查记录已提交，不能重复提交。") from None


def _submit(
    *, actor, assignment, answers, photos, outcome, reason, note, key
) -> tuple[Inspection, bool]:
    locked = (
        Assignment.objects.select_for_update()
        .select_related("team__plan", "sampled__building")
        .get(pk=assignment.pk)
    )
    plan = locked.team.plan
    stored = Inspection.objects.filter(assignment=locked).first()
    if stored is not None and stored.submission_key == key:
        return stored, False
    if not can_submit(actor, locked):
        raise PermissionDenied("只有该检查组成员可以提交检查记录。")
    if plan.state != State.RUNNING:
        raise InvalidTransition("检查方案实施中才能提交检查记录。")
    building = locked.sampled.building
    if not building.is_active:
        raise ValidationError({"building": "该楼宇已停用，不能提交检查记录。"})
    if stored is not None:
        raise Conflict("该楼宇的检查记录已提交，不能重复提交。")
    items = list(applicable_items(locked))
    items_by_code = {item.code: item for item in items}
    if outcome == Outcome.INSPECTED:
        reason = ""
        cleaned = _clean_answers(items, answers, {o.code: o for o in basic_operators()})
    elif outcome == Outcome.COULD_NOT_INSPECT:
        if reason not in NotInspectedReason.values:
            raise ValidationError({"not_inspected_reason": "请选择未能检查的原因。"})
        if reason == NotInspectedReason.OTHER and len(note) < 2:
            raise ValidationError({"note": "请说明未能检查的原因。"})
        cleaned = []
    else:
        raise ValidationError({"outcome": "检查结果只能是“已检查”或“未能检查”。"})
    checked = _check_photos(photos, items_by_code)
    if outcome == Outcome.INSPECTED:
        _check_evidence(cleaned, checked)
    elif not checked and len(note) < 2:
        raise ValidationError({"photos": NOT_INSPECTED_EVIDENCE})
    authority = plan_administration(locked)
    inspection = Inspection.objects.create(
        assignment=locked,
        building=building,
        submission_key=key,
        outcome=outcome,
        not_inspected_reason=reason,
        note=note,
        submitted_by=actor,
    )
    InspectionAnswer.objects.bulk_create(
        InspectionAnswer(inspection=inspection, item=item, value=value, passed=passed)
        for item, value, passed in cleaned
    )
    for item, file, (taken, source) in checked:
        photo = InspectionPhoto(
            inspection=inspection,
            item=item,
            original_name=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            captured_at=taken,
            captured_at_source=source,
        )
        photo.file.save(file.name, ContentFile(file.data), save=False)
        photo.save()
    presence = _update_presence(inspection, building, cleaned)
    case = _open_case(inspection, plan, building, cleaned)
    if case is not None:
        Inspection.objects.filter(pk=inspection.pk).update(case=case)
        inspection.case = case
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    audit_record(
        actor=actor,
        action="inspection.submit",
        obj=inspection,
        changes={
            "assignment": locked.pk,
            "outcome": outcome,
            "on_authority_of": authority.name if authority else "",
            "submitted_by": actor.username,
            "presence": presence,
            "case": case.code if case else "",
            "failed": [item.code for item, _v, passed in cleaned if passed is False],
        },
        jurisdiction=locked.sampled.jurisdiction_id,
    )
    return inspection, True


def _update_presence(inspection, building, cleaned) -> dict[str, str]:
    """Operators found serving become serving; operators recorded as serving but not found
    become withdrawn. Only answers of items that update presence count."""
    found: set[str] | None = None
    for item, value, _passed in cleaned:
        if item.updates_presence and item.answer_type == AnswerType.OPERATORS:
            found = (found or set()) | set(value)
    if found is None:
        return {}
    changes = {}
    note = f"联合检查记录 {inspection.pk}"
    operators = {o.code: o for o in basic_operators()}
    for code in sorted(found):
        if presence_set(
            actor=None,
            building=building,
            operator=operators[code],
            status=PresenceStatus.SERVING,
            source=PresenceSource.INSPECTION,
            note=note,
        ):
            changes[code] = PresenceStatus.SERVING
    serving = Presence.objects.filter(
        building=building, status=PresenceStatus.SERVING
    ).select_related("operator")
    for presence in list(serving):
        if presence.operator.code not in found:
            presence_set(
                actor=None,
                building=building,
                operator=presence.operator,
                status=PresenceStatus.WITHDRAWN,
                source=PresenceSource.INSPECTION,
                note=note,
            )
            changes[presence.operator.code] = PresenceStatus.WITHDRAWN
    return changes


def _open_case(inspection, plan, building, cleaned):
    failed = [item for item, _value, passed in cleaned if passed is False and item.category]
    if not failed:
        return None
    case, _created = case_open(
        actor=None,
        building=building,
        title=f"{building.name}联合检查发现问题整治",
        summary=f"由联合检查“{plan.name}”的现场检查记录（编号 {inspection.pk}）发现。",
        source=Source.INSPECTION,
        violations=[
            {
                "category": item.category,
                "responsible_party": ResponsibleParty.PROPERTY_COMPANY,
                "description": f"联合检查不合格：{item.text}",
            }
            for item in failed
        ],
    )
    return case

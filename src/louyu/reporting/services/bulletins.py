"""National progress bulletins (进展通报).

A bulletin of a month is compiled from the administrations' *accepted* monthly reports,
whose figures were frozen when they were submitted; a jurisdiction without an accepted
report is filled in from the live metrics and marked as such, and the bulletin says which
reports are missing and which administrations reported late. National totals add up the
jurisdictions' counts (rates are recomputed from the summed numerators and denominators;
medians cannot be added up and come from the live national figures, marked). Its
narrative is edited while it is a draft; ``draft → reviewed → published``."""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from louyu.core.audit import audit_record
from louyu.core.errors import ConcurrentEdit, Conflict, InvalidTransition
from louyu.core.models import Jurisdiction, User
from louyu.core.services import notify, users_of_organization
from louyu.reporting import figures
from louyu.reporting.metrics import METRICS, Kind
from louyu.reporting.models import Bulletin, BulletinStatusChange, MonthlyReport, month_end
from louyu.reporting.rollup.query import Area
from louyu.reporting.search import KIND as SEARCH_KIND
from louyu.reporting.services.reports import administration_of
from louyu.reporting.workflow import (
    BULLETIN_EDITABLE,
    BulletinState,
    ReportState,
    bulletin_targets,
)
from louyu.search.indexing import index_later

EDITABLE_FIELDS = ("number", "title", "summary", "highlights", "problems", "requirements")
RANKED = (
    "rectification_rate",
    "zero_operator_plan_share",
    "reply_on_time_rate",
    "satisfaction_rate",
)
TEXT_LIMIT = 20000


def default_title(period: datetime.date) -> str:
    return f"关于{period:%Y年%-m月}商务楼宇宽带接入市场联合整治工作进展情况的通报"


def can_edit(user: User | None) -> bool:
    return user is None or user.has_perm("reporting.change_bulletin")


def _jurisdictions() -> list[Jurisdiction]:
    return [
        j
        for j in Jurisdiction.objects.order_by("sort_order", "code")
        if administration_of(j.pk) is not None
    ]


def _plain(values: dict) -> dict:
    return {
        code: {k: v for k, v in value.items() if k != "metric"} for code, value in values.items()
    }


def _national(rows: list[dict], live: dict) -> dict:
    """National totals from the jurisdictions' rows; medians from the live figures."""
    national = {}
    for metric in METRICS:
        if metric.kind == Kind.MEDIAN:
            national[metric.code] = {**live[metric.code], "source": "live"}
            continue
        numerator = sum((r["values"].get(metric.code) or {}).get("numerator") or 0 for r in rows)
        denominator = sum(
            (r["values"].get(metric.code) or {}).get("denominator") or 0 for r in rows
        )
        if metric.kind == Kind.RATE:
            value = round(100.0 * numerator / denominator, 1) if denominator else None
            national[metric.code] = {
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "source": "sum",
            }
        else:
            national[metric.code] = {
                "value": float(numerator),
                "numerator": numerator,
                "denominator": None,
                "source": "sum",
            }
    return national


def _rankings(rows: list[dict]) -> list[dict]:
    rankings = []
    for code in RANKED:
        metric = next(m for m in METRICS if m.code == code)
        scored = [
            (r, (r["values"].get(code) or {}).get("value"))
            for r in rows
            if (r["values"].get(code) or {}).get("value") is not None
        ]
        scored.sort(key=lambda item: item[1], reverse=metric.higher_is_better)
        ranked, previous, rank = [], None, 0
        for position, (row, value) in enumerate(scored, start=1):
            if value != previous:
                rank, previous = position, value
            ranked.append({"code": row["code"], "name": row["name"], "value": value, "rank": rank})
        rankings.append({"metric": code, "rows": ranked})
    return rankings


def compile_snapshot(period: datetime.date, *, now: datetime.datetime | None = None) -> dict:
    """The bulletin's figures for ``period`` (a month's first day), as of now."""
    now = now or timezone.now()
    span = figures.Period(period, month_end(period))
    reports = {r.jurisdiction_id: r for r in MonthlyReport.objects.filter(period=period)}
    rows, missing, late = [], [], []
    for jurisdiction in _jurisdictions():
        report = reports.get(jurisdiction.pk)
        name = jurisdiction.short_name or jurisdiction.name
        if report is not None and report.state == ReportState.ACCEPTED and report.figures:
            values, source = report.figures, "report"
        else:
            live = figures.evaluate(Area(frozenset({jurisdiction.pk})), span)
            values = {code: value.as_dict() for code, value in live.items()}
            source = "live"
            missing.append(jurisdiction.code)
        rows.append(
            {"code": jurisdiction.code, "name": name, "source": source, "values": _plain(values)}
        )
        if report is not None and report.due_at is not None and report.due_at < now:
            submitted = report.submitted_at
            if submitted is None or submitted > report.due_at:
                late.append(
                    {
                        "code": jurisdiction.code,
                        "name": name,
                        "due_at": report.due_at.isoformat(),
                        "submitted_at": submitted.isoformat() if submitted else None,
                        "state": report.state,
                    }
                )
        elif report is None:
            late.append(
                {
                    "code": jurisdiction.code,
                    "name": name,
                    "due_at": None,
                    "submitted_at": None,
                    "state": "",
                }
            )
    live_national = {
        code: value.as_dict() for code, value in figures.evaluate(Area(), span).items()
    }
    previous = (
        Bulletin.objects.filter(period__lt=period, state=BulletinState.PUBLISHED)
        .order_by("-period")
        .first()
    )
    return {
        "period": period.isoformat(),
        "compiled_at": now.isoformat(),
        "metrics": [m.code for m in METRICS],
        "national": _national(rows, _plain(live_national)),
        "jurisdictions": rows,
        "rankings": _rankings(rows),
        "late": late,
        "missing": missing,
        "previous": {
            "period": previous.period.isoformat(),
            "national": {
                code: (value or {}).get("value")
                for code, value in (previous.snapshot.get("national") or {}).items()
            },
        }
        if previous is not None
        else None,
    }


def _require_editor(actor: User | None) -> None:
    if not can_edit(actor):
        raise PermissionDenied("只有工业和信息化部可以编辑进展通报。")


@transaction.atomic
def bulletin_create(*, actor: User | None, period: datetime.date) -> Bulletin:
    """Compile the bulletin of ``period`` (one per month)."""
    _require_editor(actor)
    period = period.replace(day=1)
    if period >= timezone.localdate().replace(day=1):
        raise ValidationError({"period": "只能为已经结束的月份编制通报。"})
    if Bulletin.objects.filter(period=period).exists():
        raise Conflict({"period": "该月的进展通报已经存在。"})
    now = timezone.now()
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(
                period=period,
                title=default_title(period),
                snapshot=compile_snapshot(period, now=now),
                compiled_at=now,
                created_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError as exc:
        raise Conflict({"period": "该月的进展通报已经存在。"}) from exc
    BulletinStatusChange.objects.create(
        bulletin=bulletin, from_state="", to_state=BulletinState.DRAFT, actor=actor
    )
    audit_record(actor=actor, action="bulletin.create", obj=bulletin)
    index_later(SEARCH_KIND, [bulletin.pk])
    return bulletin


def _lock(bulletin: Bulletin, expected_version: int | None) -> Bulletin:
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEdit("该通报已被他人修改，请刷新页面后再操作。")
    return locked


@transaction.atomic
def bulletin_update(
    *, actor: User | None, bulletin: Bulletin, expected_version: int | None = None, **fields
) -> Bulletin:
    """Edit a draft's number, title and narrative."""
    _require_editor(actor)
    locked = _lock(bulletin, expected_version)
    if locked.state not in BULLETIN_EDITABLE:
        raise InvalidTransition("只有草稿状态的通报可以修改。")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "不能修改此项。" for name in unknown})
    changed = []
    for name, value in fields.items():
        value = (value or "").strip()
        limit = Bulletin._meta.get_field(name).max_length or TEXT_LIMIT
        if len(value) > limit:
            raise ValidationError({name: f"内容过长（不超过 {limit} 字）。"})
        if name == "title" and not value:
            raise ValidationError({"title": "请填写标题。"})
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.version += 1
        locked.save()
        audit_record(actor=actor, action="bulletin.update", obj=locked, changes={"fields": changed})
        index_later(SEARCH_KIND, [locked.pk])
    bulletin.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def bulletin_recompile(
    *, actor: User | None, bulletin: Bulletin, expected_version: int | None = None
) -> Bulletin:
    """Compile a draft's figures again (say after more reports were accepted)."""
    _require_editor(actor)
    locked = _lock(bulletin, expected_version)
    if locked.state not in BULLETIN_EDITABLE:
        raise InvalidTransition("只有草稿状态的通报可以重新汇总数据。")
    now = timezone.now()
    locked.snapshot = compile_snapshot(locked.period, now=now)
    locked.compiled_at = now
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action="bulletin.recompile", obj=locked)
    bulletin.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def bulletin_transition(
    *, actor: User | None, bulletin: Bulletin, to: str, expected_version: int | None = None
) -> Bulletin:
    """Review (needs a 文号 and the general situation), publish (needs the publish
    permission; tells every administration) or send back to draft."""
    _require_editor(actor)
    locked = _lock(bulletin, expected_version)
    from_state = locked.state
    if to not in bulletin_targets(from_state):
        target = BulletinState(to).label if to in BulletinState.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    if to == BulletinState.REVIEWED:
        errors = {}
        if not locked.number.strip():
            errors["number"] = "审核前请填写文号。"
        if not locked.summary.strip():
            errors["summary"] = "审核前请填写总体情况。"
        if errors:
            raise ValidationError(errors)
    if to == BulletinState.PUBLISHED:
        if actor is not None and not actor.has_perm("reporting.publish_bulletin"):
            raise PermissionDenied("您没有发布进展通报的权限。")
        locked.published_at = timezone.now()
    locked.state = to
    locked.version += 1
    locked.save()
    BulletinStatusChange.objects.create(
        bulletin=locked, from_state=from_state, to_state=to, actor=actor
    )
    audit_record(
        actor=actor, action=f"bulletin.{to}", obj=locked, changes={"state": [from_state, to]}
    )
    if to == BulletinState.PUBLISHED:
        _tell_administrations(locked)
    bulletin.__dict__.update(locked.__dict__)
    return locked


def _tell_administrations(bulletin: Bulletin) -> None:
    recipients: list[User] = []
    for jurisdiction in _jurisdictions():
        administration = administration_of(jurisdiction.pk)
        recipients.extend(users_of_organization(administration))
    notify(
        recipients=recipients,
        title=f"进展通报已发布：{bulletin.title}",
        link=f"/reporting/bulletins/{bulletin.pk}/",
    )


def national_change(bulletin: Bulletin) -> dict[str, float | None]:
    """Each metric's national change against the previous bulletin (None when unknown)."""
    snapshot = bulletin.snapshot or {}
    previous = (snapshot.get("previous") or {}).get("national") or {}
    result: dict[str, float | None] = Counter()
    for code, value in (snapshot.get("national") or {}).items():
        now, before = (value or {}).get("value"), previous.get(code)
        result[code] = None if now is None or before is None else round(now - before, 1)
    return dict(result)

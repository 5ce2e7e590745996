"""Bulk complaints for benchmarks: deterministic, memory-bounded, any size up to millions.

Unlike the demo data (which goes through the services so every history is real), this
writes Complaint rows directly in batches (``COPY`` on PostgreSQL), each with the status
rows of the path to its current state (received, accepted or refused, replied with a
result, called back with a satisfaction) at realistic times and deadlines, spread over
existing buildings."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.complaints.codes import secret_digest
from louyu.complaints.models import Category, Channel, Complaint, StatusChange
from louyu.complaints.workflow import State
from louyu.core.audit import audit_record
from louyu.core.bulk import bulk_insert
from louyu.core.models import Organization, OrganizationType

PHRASES = [
    "物业不让{op}进场施工，只能用指定代理商的宽带",
    "入驻时被要求缴纳进场费和弱电井占用费",
    "楼内只有一家宽带，价格比家庭宽带贵很多",
    "申请{op}装机两个月没有结果，物业说有独家协议",
    "代理商转售带宽，网速慢还经常断网",
    "楼里没有公示宽带资费和投诉电话",
    "新楼没有光纤到户，只能用代理商的线路",
]
OPERATORS = ["电信", "移动", "联通", "广电"]
TWO_YEARS = datetime.timedelta(days=2 * 365)
# The states each current state went through after ``submitted``.
PATHS = {
    State.SUBMITTED: [],
    State.ACCEPTED: [State.ACCEPTED],
    State.REJECTED: [State.REJECTED],
    State.VERIFYING: [State.ACCEPTED, State.VERIFYING],
    State.HANDLING: [State.ACCEPTED, State.HANDLING],
    State.SUSPENDED: [State.ACCEPTED, State.HANDLING, State.SUSPENDED],
    State.REPLIED: [State.ACCEPTED, State.HANDLING, State.REPLIED],
    State.CLOSED: [State.ACCEPTED, State.HANDLING, State.REPLIED, State.CLOSED],
    State.MERGED: [State.MERGED],
}
RESULTS = ["substantiated", "partly", "not"]
STATES = [
    (State.CLOSED, 45),
    (State.HANDLING, 12),
    (State.SUBMITTED, 10),
    (State.ACCEPTED, 8),
    (State.REPLIED, 8),
    (State.REJECTED, 7),
    (State.VERIFYING, 5),
    (State.SUSPENDED, 3),
    (State.MERGED, 2),
]


def generate_complaints(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 5000,
    progress=None,
    building_limit: int | None = None,
    received_since: datetime.datetime | None = None,
) -> int:
    """Write ``count`` complaints over the existing buildings (only over the first
    ``building_limit`` of them when given: complaints concentrate on problem buildings),
    received over the last two years (or since ``received_since``); returns how many."""
    if count < 1:
        raise ValueError("数量须为正整数。")
    rng = random.Random(seed)
    categories = list(Category.objects.filter(is_active=True))
    handlers = {
        o.jurisdiction_id: o.pk
        for o in Organization.objects.filter(type=OrganizationType.COMM_ADMIN)
    }
    buildings = list(
        Building.objects.filter(is_active=True)
        .order_by("id")
        .values_list("id", "region_id", "jurisdiction_id", "address", "normalized_address")[
            :building_limit
        ]
    )
    if not buildings:
        raise ValueError("请先生成楼宇。")
    states, weights = zip(*STATES, strict=True)
    now = timezone.now()
    span = max(1, int((now - (received_since or now - TWO_YEARS)).total_seconds() // 60))
    secret_hash = secret_digest("BENCH", "BENCH0")
    written = 0
    with transaction.atomic():
        while written < count:
            size = min(batch_size, count - written)
            rows, changes = [], []
            for index in range(written, written + size):
                building = buildings[rng.randrange(len(buildings))]
                state = rng.choices(states, weights)[0]
                received = now - datetime.timedelta(minutes=rng.randrange(span))
                text = rng.choice(PHRASES).format(op=rng.choice(OPERATORS))
                times = _path_times(rng, received, now, PATHS[state])
                accepted = times.get(State.ACCEPTED)
                reply_due = accepted + datetime.timedelta(days=30) if accepted else None
                complaint = Complaint(
                    tracking_code=f"TB{seed:02d}{index:010d}"[:20],
                    secret_hash=secret_hash,
                    channel=rng.choice(Channel.values),
                    received_at=received,
                    created_at=received,
                    complainant_name="测试" + rng.choice("甲乙丙丁戊"),
                    complainant_phone=f"139{rng.randrange(10**8):08d}",
                    category=rng.choice(categories),
                    description=f"{text}。（第 {index} 号）",
                    building_id=building[0],
                    address=building[3],
                    normalized_address=building[4],
                    region_id=building[1],
                    jurisdiction_id=building[2],
                    handler_id=handlers[building[2]],
                    state=state,
                    accept_due_at=received + datetime.timedelta(days=7),
                    reply_due_at=reply_due,
                    accepted_at=accepted,
                    replied_at=times.get(State.REPLIED),
                    reply_result=rng.choice(RESULTS) if State.REPLIED in times else "",
                    closed_at=times.get(State.CLOSED),
                    satisfaction=rng.choice([2, 3, 4, 5, 5]) if State.CLOSED in times else None,
                )
                rows.append((complaint, times))
            bulk_insert(Complaint, [c for c, _t in rows], batch_size=batch_size)
            for complaint, times in rows:
                previous = ""
                for to_state, moment in [(State.SUBMITTED, complaint.received_at), *times.items()]:
                    details = {"generated": True}
                    if to_state == State.REPLIED:
                        details["result"] = complaint.reply_result
                    if to_state == State.CLOSED:
                        details["satisfaction"] = complaint.satisfaction
                    changes.append(
                        StatusChange(
                            complaint_id=complaint.pk,
                            from_state=previous,
                            to_state=to_state,
                            created_at=moment,
                            details=details,
                        )
                    )
                    previous = to_state
            bulk_insert(StatusChange, changes, batch_size=batch_size)
            written += size
            if progress is not None:
                progress(written, count)
        audit_record(
            actor=None,
            action="complaint.generate",
            changes={"count": written, "seed": seed},
            object_repr=f"基准测试申诉 {written} 件（种子 {seed}）",
        )
    return written


def _path_times(rng, received, now, path) -> dict:
    """When the complaint entered each state of ``path``: acceptance in 1–9 days (some
    late), replies 5–40 days later, call-backs within a week; never after ``now``."""
    gaps = {
        State.ACCEPTED: (1, 9),
        State.REJECTED: (1, 9),
        State.MERGED: (1, 5),
        State.VERIFYING: (1, 5),
        State.HANDLING: (1, 5),
        State.SUSPENDED: (1, 10),
        State.REPLIED: (5, 40),
        State.CLOSED: (1, 7),
    }
    times, moment = {}, received
    for state in path:
        low, high = gaps[state]
        moment = min(moment + datetime.timedelta(days=rng.randint(low, high), hours=3), now)
        times[state] = moment
    return times

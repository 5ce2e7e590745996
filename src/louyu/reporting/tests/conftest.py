"""A small hand-built history to compute every metric on: buildings in 北京 (朝阳区) and
大连 (中山区) with presence changes (one back-dated), a work plan, cases through their
workflow with supervision and enforcement, complaints accepted, replied and called back.
Rows are written directly with the times they happened, as the services would have."""

import datetime

import pytest

from louyu.buildings.models import Building, Presence, PresenceEvent, PresenceStatus
from louyu.buildings.services import refresh_operator_count
from louyu.cases.models import Case, CaseStatusChange, EnforcementAction
from louyu.complaints.models import Category, Complaint, StatusChange
from louyu.core.calendar import SHANGHAI
from louyu.core.models import Jurisdiction, Organization, Region
from louyu.core.reference import load_reference_organizations
from louyu.workplans.models import PlanStatusChange, WorkPlan


def at(day: str, hour: int = 10) -> datetime.datetime:
    d = datetime.date.fromisoformat(day)
    return datetime.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


class History:
    def __init__(self) -> None:
        load_reference_organizations()
        self.bj = Jurisdiction.objects.get(code="110000")
        self.dl = Jurisdiction.objects.get(code="210200")
        self.chaoyang = Region.objects.get(code="110105")
        self.zhongshan = Region.objects.get(code="210202")
        self.telecom = Organization.objects.get(code="op-telecom")
        self.mobile = Organization.objects.get(code="op-mobile")
        self.unicom = Organization.objects.get(code="op-unicom")
        self.category = Category.objects.get(code="entry_blocked")
        self._n = 0

    def building(self, name: str, registered: str, *, dalian: bool = False) -> Building:
        self._n += 1
        region = self.zhongshan if dalian else self.chaoyang
        return Building.objects.create(
            code=f"T{self._n:05d}",
            name=name,
            normalized_name=name,
            address=f"{region.name}{name}",
            normalized_address=f"{region.name}{name}",
            region=region,
            jurisdiction=self.dl if dalian else self.bj,
            created_at=at(registered),
        )

    def presence(self, building, operator, status, since, recorded=None, old=""):
        """A presence event, and the building's current presence and operator count as
        the buildings service keeps them (the latest effective event wins)."""
        event = PresenceEvent.objects.create(
            building=building,
            operator=operator,
            old_status=old,
            new_status=status,
            since=datetime.date.fromisoformat(since) if since else None,
            source="manual",
            created_at=at(recorded or since or "2026-01-01"),
        )
        events = PresenceEvent.objects.filter(building=building, operator=operator)
        latest = max(events, key=lambda e: (e.since or e.created_at.date(), e.created_at, e.pk))
        Presence.objects.update_or_create(
            building=building,
            operator=operator,
            defaults={"status": latest.new_status, "since": latest.since, "source": "manual"},
        )
        refresh_operator_count(building)
        return event

    def plan(self, building, created: str, closed: str | None = None) -> WorkPlan:
        plan = WorkPlan.objects.create(
            building=building,
            jurisdiction=building.jurisdiction,
            goal="推动基础电信企业进场",
            target_date=datetime.date(2026, 12, 31),
            created_at=at(created),
        )
        PlanStatusChange.objects.create(
            plan=plan, from_state="", to_state="active", created_at=at(created)
        )
        if closed:
            PlanStatusChange.objects.create(
                plan=plan, from_state="active", to_state="closed", created_at=at(closed)
            )
            plan.state = "closed"
            plan.save()
        return plan

    def case(self, building, opened: str, steps=(), key_from: str | None = None) -> Case:
        self._n += 1
        case = Case.objects.create(
            code=f"ZZ{self._n:06d}",
            building=building,
            jurisdiction=building.jurisdiction,
            state="identified",
            severity="general",
            source="manual",
            title=f"{building.name}整治",
            created_at=at(opened),
        )
        CaseStatusChange.objects.create(
            case=case, from_state="", to_state="identified", created_at=at(opened)
        )
        state = "identified"
        events = [(day, to) for day, to in steps]
        if key_from:
            events.append((key_from, "supervision"))
        for day, to in sorted(events):
            if to == "supervision":
                CaseStatusChange.objects.create(
                    case=case,
                    from_state=state,
                    to_state=state,
                    details={"event": "supervision", "level": "ministry"},
                    created_at=at(day, 11),
                )
                continue
            CaseStatusChange.objects.create(
                case=case, from_state=state, to_state=to, created_at=at(day)
            )
            state = to
        case.state = state
        case.key_case = bool(key_from)
        case.save()
        return case

    def action(self, case, kind: str, day: str) -> EnforcementAction:
        return EnforcementAction.objects.create(
            case=case,
            kind=kind,
            action_date=datetime.date.fromisoformat(day),
            issuing_organization=Organization.objects.get(code="ca-110000"),
            created_at=at(day),
        )

    def complaint(self, received: str, steps=(), *, building=None, repeat=False, dalian=False):
        self._n += 1
        received_at = at(received)
        complaint = Complaint.objects.create(
            tracking_code=f"TS{self._n:014d}",
            secret_hash="x",
            channel="phone",
            received_at=received_at,
            complainant_name="张三",
            complainant_phone="13800138000",
            category=self.category,
            description="物业不让电信进场",
            building=building,
            address="北京市朝阳区建国路1号",
            region=self.zhongshan if dalian else self.chaoyang,
            jurisdiction=self.dl if dalian else self.bj,
            handler=Organization.objects.get(code="ca-210200" if dalian else "ca-110000"),
            accept_due_at=received_at + datetime.timedelta(days=7),
            is_repeat=repeat,
        )
        StatusChange.objects.create(
            complaint=complaint, from_state="", to_state="submitted", created_at=received_at
        )
        state = "submitted"
        for day, to, details in steps:
            moment = at(day, 15)
            StatusChange.objects.create(
                complaint=complaint,
                from_state=state,
                to_state=to,
                details=details,
                created_at=moment,
            )
            if to == "accepted":
                complaint.accepted_at = moment
                complaint.reply_due_at = moment + datetime.timedelta(days=30)
            if to == "closed":
                complaint.satisfaction = details.get("satisfaction")
            state = to
        complaint.state = state
        complaint.save()
        return complaint


@pytest.fixture
def history(db):
    return History()


SERVING, REFUSED, WITHDRAWN = (
    PresenceStatus.SERVING,
    PresenceStatus.REFUSED,
    PresenceStatus.WITHDRAWN,
)

"""Demo accounts and a little demo activity, so a newcomer sees a working platform.

Every demo account has the password ``demo12345``. Usernames follow DESIGN.md: ``ministry``,
``caict``, ``ca-<jurisdiction>``, ``samr-<jurisdiction>``, ``housing-<jurisdiction>``,
``op-<operator>-<jurisdiction>`` (and ``op-<operator>`` for an operator's headquarters)."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from louyu.core import calendar, roles
from louyu.core.models import Organization, OrganizationType, User, WorkItem
from louyu.core.reference import load_reference_organizations
from louyu.core.services import work_item_create

DEMO_PASSWORD = "demo12345"

ROLE_BY_TYPE = {
    OrganizationType.MINISTRY: [roles.MINISTRY_ADMIN],
    OrganizationType.RESEARCH_INSTITUTE: [roles.INSTITUTE_ANALYST],
    OrganizationType.COMM_ADMIN: [roles.ADMINISTRATION_ADMIN, roles.ADMINISTRATION_STAFF],
    OrganizationType.MARKET_REGULATION: [roles.JOINT_DEPARTMENT_STAFF],
    OrganizationType.HOUSING: [roles.JOINT_DEPARTMENT_STAFF],
    OrganizationType.OPERATOR: [roles.OPERATOR_STAFF],
    OrganizationType.OPERATOR_BRANCH: [roles.OPERATOR_STAFF],
}

# Demo people get a person's name, so the greeting and the audit log name a person and not
# the organisation (``ca-110000`` is 张伟 of 北京市通信管理局).
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN_NAMES = ["伟", "芳", "敏", "静", "磊", "洋", "艳", "杰", "娟", "涛", "明", "超", "霞"]


def demo_person_name(index: int) -> tuple[str, str]:
    """(last name, first name) of the ``index``-th demo account, the same on every run."""
    surname = SURNAMES[index % len(SURNAMES)]
    given = GIVEN_NAMES[(index // len(SURNAMES) + index) % len(GIVEN_NAMES)]
    return surname, given


DEMO_TASKS = [
    ("核对辖区商务楼宇名录", 12),
    ("组织基础电信企业座谈", -2),
    ("复核零运营商楼宇清单", 1),
]


@transaction.atomic
def create_demo_users() -> list[User]:
    """Create (or reset) one demo account per reference organisation."""
    roles.sync_roles()
    load_reference_organizations()
    password = make_password(DEMO_PASSWORD)
    groups = {g.name: g for g in Group.objects.all()}
    users = []
    organizations = Organization.objects.filter(type__in=list(ROLE_BY_TYPE)).order_by("code")
    for index, org in enumerate(organizations):
        last_name, first_name = demo_person_name(index)
        user, _created = User.objects.update_or_create(
            username=org.code,
            defaults={
                "organization": org,
                "password": password,
                "last_name": last_name,
                "first_name": first_name,
                "is_active": True,
                "is_staff": org.type == OrganizationType.MINISTRY,
            },
        )
        user.groups.set([groups[name] for name in ROLE_BY_TYPE[org.type]])
        users.append(user)
    return users


def create_demo_work_items(*, seed: int = 20261128) -> int:
    """A few open work items per administration (some due soon, some overdue)."""
    if WorkItem.objects.filter(kind="demo").exists():
        return 0
    rng = random.Random(seed)
    ministry = User.objects.get(username="ministry")
    today = timezone.localdate()
    created = 0
    for org in Organization.objects.filter(type=OrganizationType.COMM_ADMIN).order_by("code"):
        for title, offset in DEMO_TASKS:
            offset += rng.randint(0, 2)
            start = today + datetime.timedelta(days=offset) - datetime.timedelta(days=30)
            deadline = calendar.add_days(start, 30)
            work_item_create(
                actor=ministry,
                title=f"{title}（{org.short_name}）",
                assignee_organization=org,
                due_at=deadline.due_at,
                due_provisional=deadline.provisional,
                kind="demo",
                link="/inbox/",
            )
            created += 1
    return created


def demo_property_company(jurisdiction_code: str) -> tuple[Organization, User]:
    """The demo property company of a jurisdiction and its login ``pm-<code>`` (password as
    the other demo accounts); shared by the case and work plan demos, so one login sees the
    measures of both."""
    from louyu.core.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.get(code=jurisdiction_code)
    org, _created = Organization.objects.get_or_create(
        code=f"pm-{jurisdiction_code}",
        defaults={
            "name": f"{jurisdiction.short_name}华贸物业管理有限公司",
            "short_name": f"{jurisdiction.short_name}华贸物业",
            "type": OrganizationType.PROPERTY_COMPANY,
            "jurisdiction": jurisdiction,
        },
    )
    user, _created = User.objects.update_or_create(
        username=f"pm-{jurisdiction_code}",
        defaults={
            "organization": org,
            "password": make_password(DEMO_PASSWORD),
            "first_name": org.short_name,
            "is_active": True,
        },
    )
    user.groups.set([Group.objects.get(name=roles.PROPERTY_STAFF)])
    return org, user


def demo_logins() -> list[tuple[str, str]]:
    """(username, description) pairs to print after `make run`."""
    wanted = [
        "ministry",
        "caict",
        "ca-110000",
        "ca-210000",
        "ca-210200",
        "samr-110000",
        "housing-110000",
        "op-telecom-110000",
        "op-mobile-210200",
        "pm-110000",
    ]
    users = {
        u.username: u
        for u in User.objects.select_related("organization").filter(username__in=wanted)
    }
    return [(name, users[name].organization.name) for name in wanted if name in users]

"""Reference organisations that exist in every installation: the ministry, the research
institute, one communications administration per jurisdiction, the joint departments of
each jurisdiction, and the basic telecom operators with a branch per jurisdiction."""

from __future__ import annotations

from django.db import models, transaction

from louyu.core.models import Jurisdiction, Organization, OrganizationType
from louyu.core.signals import organizations_bulk_changed

BASIC_OPERATORS = [
    ("telecom", "中国电信集团有限公司", "中国电信"),
    ("mobile", "中国移动通信集团有限公司", "中国移动"),
    ("unicom", "中国联合网络通信集团有限公司", "中国联通"),
    ("broadnet", "中国广电网络股份有限公司", "中国广电"),
]

JOINT_DEPARTMENTS = [
    ("samr", OrganizationType.MARKET_REGULATION, "市场监督管理局", "市场监管"),
    ("housing", OrganizationType.HOUSING, "住房和城乡建设厅", "住建"),
]


def _area_name(jurisdiction: Jurisdiction) -> str:
    return jurisdiction.name.removesuffix("通信管理局")


def _differs(org: Organization, name: str, value) -> bool:
    if isinstance(value, models.Model):  # compare keys, without loading the related row
        return getattr(org, f"{name}_id") != value.pk
    return getattr(org, name) != value


def _sync(rows: list[tuple[str, dict]]) -> dict[str, Organization]:
    """Create the missing organisations in one statement and update those whose reference
    fields differ; returns them all by code. Organisations' save signals are not sent by
    ``bulk_create``: the caller clears what they would have cleared."""
    existing = {o.code: o for o in Organization.objects.filter(code__in=[c for c, _ in rows])}
    missing = []
    for code, fields in rows:
        org = existing.get(code)
        if org is None:
            missing.append(Organization(code=code, **fields))
        elif any(_differs(org, name, value) for name, value in fields.items()):
            for name, value in fields.items():
                setattr(org, name, value)
            org.save()
    for org in Organization.objects.bulk_create(missing):
        existing[org.code] = org
    return existing


@transaction.atomic
def load_reference_organizations() -> int:
    """Create or update the reference organisations; returns how many exist afterwards.
    Idempotent, and cheap when nothing changed (one query per level)."""
    top = [
        (
            "ministry",
            {
                "name": "工业和信息化部信息通信发展司",
                "short_name": "工信部",
                "type": OrganizationType.MINISTRY,
            },
        ),
        (
            "caict",
            {
                "name": "中国信息通信研究院",
                "short_name": "信通院",
                "type": OrganizationType.RESEARCH_INSTITUTE,
            },
        ),
        *(
            (
                f"op-{key}",
                {
                    "name": name,
                    "short_name": short,
                    "type": OrganizationType.OPERATOR,
                    "operator_key": key,
                    "is_basic_operator": True,
                },
            )
            for key, name, short in BASIC_OPERATORS
        ),
    ]
    synced = _sync(top)
    operators = {key: synced[f"op-{key}"] for key, _name, _short in BASIC_OPERATORS}
    rows: list[tuple[str, dict]] = []
    for jurisdiction in Jurisdiction.objects.all():
        area = _area_name(jurisdiction)
        rows.append(
            (
                f"ca-{jurisdiction.code}",
                {
                    "name": jurisdiction.name,
                    "short_name": jurisdiction.short_name,
                    "type": OrganizationType.COMM_ADMIN,
                    "jurisdiction": jurisdiction,
                },
            )
        )
        for prefix, org_type, suffix, short in JOINT_DEPARTMENTS:
            name = f"{area}{suffix}"
            if org_type == OrganizationType.HOUSING and area.endswith("市"):
                name = f"{area}住房和城乡建设委员会"
            rows.append(
                (
                    f"{prefix}-{jurisdiction.code}",
                    {
                        "name": name,
                        "short_name": f"{jurisdiction.short_name}{short}",
                        "type": org_type,
                        "jurisdiction": jurisdiction,
                    },
                )
            )
        for key, operator in operators.items():
            rows.append(
                (
                    f"op-{key}-{jurisdiction.code}",
                    {
                        "name": f"{operator.short_name}{area.removesuffix('省')}分公司",
                        "short_name": f"{operator.short_name}{jurisdiction.short_name}",
                        "type": OrganizationType.OPERATOR_BRANCH,
                        "parent": operator,
                        "jurisdiction": jurisdiction,
                        "operator_key": key,
                    },
                )
            )
    _sync(rows)
    organizations_bulk_changed.send(sender=Organization)
    return Organization.objects.count()

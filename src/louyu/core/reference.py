"""Reference organisations that exist in every installation: the ministry, the research
institute, one communications administration per jurisdiction, the joint departments of
each jurisdiction, and the basic telecom operators with a branch per jurisdiction."""

from __future__ import annotations

from django.db import transaction

from louyu.core.models import Jurisdiction, Organization, OrganizationType

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


def _upsert(code: str, **fields) -> Organization:
    org, _created = Organization.objects.update_or_create(code=code, defaults=fields)
    return org


def _area_name(jurisdiction: Jurisdiction) -> str:
    return jurisdiction.name.removesuffix("通信管理局")


@transaction.atomic
def load_reference_organizations() -> int:
    """Create or update the reference organisations; returns how many exist afterwards."""
    _upsert(
        "ministry",
        name="工业和信息化部信息通信发展司",
        short_name="工信部",
        type=OrganizationType.MINISTRY,
    )
    _upsert(
        "caict",
        name="中国信息通信研究院",
        short_name="信通院",
        type=OrganizationType.RESEARCH_INSTITUTE,
    )
    operators = {
        key: _upsert(
            f"op-{key}",
            name=name,
            short_name=short,
            type=OrganizationType.OPERATOR,
            operator_key=key,
            is_basic_operator=True,
        )
        for key, name, short in BASIC_OPERATORS
    }
    for jurisdiction in Jurisdiction.objects.all():
        area = _area_name(jurisdiction)
        _upsert(
            f"ca-{jurisdiction.code}",
            name=jurisdiction.name,
            short_name=jurisdiction.short_name,
            type=OrganizationType.COMM_ADMIN,
            jurisdiction=jurisdiction,
        )
        for prefix, org_type, suffix, short in JOINT_DEPARTMENTS:
            name = f"{area}{suffix}"
            if org_type == OrganizationType.HOUSING and area.endswith("市"):
                name = f"{area}住房和城乡建设委员会"
            _upsert(
                f"{prefix}-{jurisdiction.code}",
                name=name,
                short_name=f"{jurisdiction.short_name}{short}",
                type=org_type,
                jurisdiction=jurisdiction,
            )
        for key, operator in operators.items():
            _upsert(
                f"op-{key}-{jurisdiction.code}",
                name=f"{operator.short_name}{area.removesuffix('省')}分公司",
                short_name=f"{operator.short_name}{jurisdiction.short_name}",
                type=OrganizationType.OPERATOR_BRANCH,
                parent=operator,
                jurisdiction=jurisdiction,
                operator_key=key,
            )
    return Organization.objects.count()

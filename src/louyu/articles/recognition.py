"""Which jurisdictions and organisations an article's text names, read from the
``Jurisdiction`` and ``Organization`` tables (data, not a hard-coded list).

A jurisdiction is named by its area (``大连市``, ``辽宁省``, ``内蒙古自治区``) or its short
name (``大连``); the longest name wins at each position, so ``大连市通信管理局`` is 大连, not
辽宁. An organisation is named by its full name or a short name of three or more
characters, and it names its jurisdiction too. An enumeration of areas before an
organisation suffix (``北京市、天津市、河北省通信管理局``) names each area's organisation of
that suffix. A short name that starts a street name (``广州市北京路``) names nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from louyu.core.models import Jurisdiction, Organization

SEPARATORS = "、，,和及与"
SHORT_NAME_MIN = 3
ROAD_CHARS = "路街巷道弄"


@dataclass
class Mentions:
    jurisdiction_ids: set[int] = field(default_factory=set)
    organization_ids: set[int] = field(default_factory=set)


def _alternation(names) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


class Gazetteer:
    """The names to look for, built once per import (one query per table)."""

    def __init__(self) -> None:
        self.areas: dict[str, int] = {}
        self.full_areas: dict[str, str] = {}
        for jurisdiction in Jurisdiction.objects.only("pk", "name", "short_name"):
            area = jurisdiction.name.removesuffix("通信管理局")
            for name in (area, jurisdiction.short_name):
                if name and len(name) >= 2:
                    self.areas.setdefault(name, jurisdiction.pk)
                    self.full_areas.setdefault(name, area)
        self.organizations: dict[str, tuple[int, int | None]] = {}
        suffixes = set()
        for org in Organization.objects.filter(is_active=True).only(
            "pk", "name", "short_name", "jurisdiction_id"
        ):
            entry = (org.pk, org.jurisdiction_id)
            self.organizations.setdefault(org.name, entry)
            if len(org.short_name) >= SHORT_NAME_MIN:
                self.organizations.setdefault(org.short_name, entry)
            for area in self.areas:
                if org.name.startswith(area) and len(org.name) > len(area):
                    suffixes.add(org.name[len(area) :])
        self._names = re.compile(_alternation([*self.organizations, *self.areas]) or r"(?!)")
        area = f"(?:{_alternation(self.areas)})" if self.areas else r"(?!)"
        self._lists = re.compile(
            rf"({area}(?:[{SEPARATORS}]{area})+)({_alternation(suffixes) or '(?!)'})"
        )
        self._area = re.compile(area)

    def mentions(self, text: str) -> Mentions:
        found = Mentions()
        for match in self._names.finditer(text):
            if not self._is_road(match.group(0), text, match.end()):
                self._add(found, match.group(0))
        for match in self._lists.finditer(text):
            suffix = match.group(2)
            for area in self._area.findall(match.group(1)):
                self._add(found, area)
                self._add(found, f"{self.full_areas[area]}{suffix}")
        return found

    def _is_road(self, name: str, text: str, end: int) -> bool:
        """``北京路``, ``大连街``: a short area name that starts a street name."""
        return (
            name in self.areas
            and self.full_areas[name] != name
            and end < len(text)
            and text[end] in ROAD_CHARS
        )

    def _add(self, found: Mentions, name: str) -> None:
        if name in self.organizations:
            org_id, jurisdiction_id = self.organizations[name]
            found.organization_ids.add(org_id)
            if jurisdiction_id:
                found.jurisdiction_ids.add(jurisdiction_id)
        elif name in self.areas:
            found.jurisdiction_ids.add(self.areas[name])

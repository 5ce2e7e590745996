"""Address → region → jurisdiction resolution over the GB/T 2260 table.

The index is built once per process from the ``Region`` and ``Jurisdiction`` tables and kept in
memory; call :func:`clear_region_cache` after changing either table (tests, admin edits,
:func:`assign_jurisdictions` does it itself).

Matching works on the normalised address (:func:`normalize_address`): the text is scanned left
to right for the longest known name at each position. Every region is known by its full name
(``大连市``, ``朝阳区``) and by common short forms (``大连``, ``延边``/``延边州``, ``内蒙古``,
``浦东``). Short forms of county-level units, generic names such as ``城区`` and short forms
that collide with a higher-level unit's name (``吉林`` the city vs ``吉林`` the province) only
count when another match names one of their ancestors; a short form directly followed by a
road word (``北京路``, ``中山东路``) is ignored. Each match spreads one vote over its candidate
regions, earlier matches weighing slightly more; a region's score is the sum of the votes of
the matches that name it or one of its ancestors. The best-scoring region wins; if several
regions tie, their nearest common ancestor is returned, or nothing if they share none. So
``北京市朝阳区`` → 110105, ``朝阳区`` alone → ``None`` (北京 and 长春 both have one),
``桥西区`` alone → 河北省 (石家庄 and 张家口 both have one), ``辽宁朝阳`` → 朝阳市 rather than
朝阳县, and ``广东省广州市越秀区北京路`` → 越秀区.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from louyu.core.models import Jurisdiction, Region, RegionLevel

__all__ = [
    "Resolution",
    "assign_jurisdictions",
    "clear_region_cache",
    "jurisdiction_for_region",
    "normalize_address",
    "resolve_address",
    "resolve_code",
]

MAX_ADDRESS_CHARS = 1000
"""Only this many leading characters of an address are looked at."""

MAX_MATCHES = 12
"""Scanning stops after this many name matches."""

_LEADING_NOISE = ("中华人民共和国", "中國", "中国")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_ROAD_CHARS = frozenset("路街巷道弄")
_DIRECTION_CHARS = frozenset("东西南北中")
_DECAY = 0.9
_EPSILON = 1e-9

_NATIONALITIES = (
    "蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 "
    "哈萨克族 傣族 黎族 傈僳族 佤族 畲族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 "
    "达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 "
    "乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 "
    "门巴族 珞巴族 基诺族 高山族"
).split()
_NATIONALITY_NAMES = tuple(
    sorted(
        {*_NATIONALITIES, *(n[:-1] for n in _NATIONALITIES if len(n) > 2)},
        key=len,
        reverse=True,
    )
)
_ALIASES: dict[str, str] = {"内蒙": "150000"}
"""Extra short forms that the naming rules below do not produce: alias → region code."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where an address or code resolved to.

    ``region`` is the most specific region found; ``province``, ``prefecture`` and ``county``
    are ``region`` and its ancestors sorted by level (``prefecture`` is ``None`` for units
    directly under a province, e.g. 北京市朝阳区 or 湖北省仙桃市). ``matched_text`` is the span of
    the normalised address that supported the result (the code itself for :func:`resolve_code`).
    The region objects are shared, cached instances: treat them as read-only.
    """

    region: Region
    province: Region | None
    prefecture: Region | None
    county: Region | None
    jurisdiction: Jurisdiction | None
    matched_text: str


@functools.cache
def _punctuation_chars() -> str:
    return "".join(
        ch for ch in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(ch)[0] == "P"
    )


@functools.cache
def _punctuation_run() -> re.Pattern[str]:
    return re.compile("[" + re.escape(_punctuation_chars()) + "]{2,}")


def _normalize_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if text.isprintable():
        text = text.replace(" ", "")
    else:
        text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    punctuation = _punctuation_chars()
    text = _punctuation_run().sub(lambda m: m.group(0)[0], text).strip(punctuation)
    stripped = True
    while stripped:
        stripped = False
        for prefix in _LEADING_NOISE:
            if text.startswith(prefix):
                text = text[len(prefix) :].lstrip(punctuation)
                stripped = True
    return text


def normalize_address(text: str | None) -> str:
    """Canonical form of an address for matching and storage.

    Guarantees: never raises for any ``str`` (``None`` gives ``""``); the result is NFKC
    normalised (so it holds no full-width ASCII), has no whitespace, control, format or
    unassigned characters, has no run of two or more punctuation characters (a run keeps its
    first character), neither starts nor ends with punctuation, does not start with ``中国`` or
    ``中华人民共和国``; and ``normalize_address(normalize_address(x)) == normalize_address(x)``.
    """
    if not text:
        return ""
    result = str(text)
    for _ in range(8):
        again = _normalize_once(result)
        if again == result:
            break
        result = again
    return result


def _strip_nationalities(base: str) -> str:
    changed = True
    while changed:
        changed = False
        for nationality in _NATIONALITY_NAMES:
            if base.endswith(nationality) and len(base) - len(nationality) >= 2:
                base = base[: -len(nationality)]
                changed = True
                break
    return base


def _short_forms(name: str, level: int) -> tuple[list[str], list[str]]:
    """(specific, bare) short forms of a region name.

    Specific forms keep a unit word (``延边州``, ``石柱县``) and count on their own; bare forms
    (``延边``, ``石柱``) follow the context rules of the module docstring.
    """
    specific: list[str] = []
    bare: list[str] = []
    if level == RegionLevel.PROVINCE:
        for suffix in ("特别行政区", "自治区", "省", "市"):
            if name.endswith(suffix):
                base = _strip_nationalities(name[: -len(suffix)])
                if len(base) >= 2:
                    bare.append(base)
                break
        return specific, bare
    for suffix in ("自治州", "自治县", "自治旗"):
        if name.endswith(suffix):
            base = _strip_nationalities(name[: -len(suffix)])
            if len(base) >= 2:
                bare.append(base)
                specific.append(base + {"自治州": "州", "自治县": "县", "自治旗": "旗"}[suffix])
            return specific, bare
    for suffix in ("新区", "林区", "特区", "地区", "行政区", "盟", "市", "区", "县", "旗"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            if len(base) >= 2:
                bare.append(base)
            break
    return specific, bare


class _Index:
    """Lookup tables built from the region and jurisdiction tables."""

    def __init__(self, regions: Iterable[Region], jurisdictions: Iterable[Jurisdiction]) -> None:
        jurisdiction_by_id = {j.pk: j for j in jurisdictions}
        self.regions: dict[str, Region] = {r.code: r for r in regions}
        for region in self.regions.values():
            parent = self.regions.get(region.parent_id) if region.parent_id else None
            if parent is not None:
                region.parent = parent
            region.jurisdiction = jurisdiction_by_id.get(region.jurisdiction_id)

        self.chain: dict[str, tuple[str, ...]] = {}
        for code in self.regions:
            chain = [code]
            while (parent_code := self.regions[chain[-1]].parent_id) and len(chain) < 8:
                chain.append(parent_code)
            self.chain[code] = tuple(chain)

        self.pseudo_codes: dict[str, str] = {}
        for code, region in self.regions.items():
            if region.level == RegionLevel.COUNTY and region.parent_id:
                parent = self.regions.get(region.parent_id)
                pseudo = code[:4] + "00"
                if parent and parent.level == RegionLevel.PROVINCE and pseudo not in self.regions:
                    self.pseudo_codes[pseudo] = parent.code

        self._build_names()

    def _build_names(self) -> None:
        forms: dict[str, dict[str, tuple[int, bool, bool]]] = defaultdict(dict)

        def add(key: str, code: str, rank: int, bare: bool) -> None:
            level = self.regions[code].level
            previous = forms[key].get(code)
            if previous is None or rank < previous[0]:
                forms[key][code] = (rank, bare, level == RegionLevel.COUNTY and bare)

        for code, region in self.regions.items():
            add(region.name, code, 0, False)
            specific, bare = _short_forms(region.name, region.level)
            for key in specific:
                add(key, code, 1, False)
            for key in bare:
                add(key, code, 2, True)
            parent = self.regions.get(region.parent_id) if region.parent_id else None
            if parent is not None and parent.name[-1] == region.name[0]:
                add(parent.name[:-1] + region.name, code, 1, False)
        for alias, code in _ALIASES.items():
            if code in self.regions:
                add(alias, code, 1, False)

        self.names: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.needs_context: set[tuple[str, str]] = set()
        for key, candidates in forms.items():
            top_level = min(self.regions[c].level for c in candidates)
            named: list[str] = []
            bare: list[str] = []
            for code, (rank, is_bare, county_bare) in sorted(candidates.items()):
                level = self.regions[code].level
                generic = level == RegionLevel.COUNTY and len(key) <= 2 and key.endswith("区")
                collides = rank > 0 and level > top_level
                if county_bare or generic or collides:
                    self.needs_context.add((key, code))
                (bare if is_bare else named).append(code)
            self.names[key] = (tuple(named + bare), tuple(named))

        lengths: dict[str, set[int]] = defaultdict(set)
        for key in self.names:
            lengths[key[0]].add(len(key))
        self.lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}

    def _scan(self, text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
        matches: list[tuple[int, int, str, tuple[str, ...]]] = []
        seen: set[str] = set()
        names, lengths, chain = self.names, self.lengths, self.chain
        position, size = 0, len(text)
        while position < size and len(matches) < MAX_MATCHES:
            for length in lengths.get(text[position], ()):
                end = position + length
                if end > size:
                    continue
                key = text[position:end]
                entry = names.get(key)
                if entry is None:
                    continue
                candidates, named = entry
                if len(named) < len(candidates) and _road_follows(text, end):
                    candidates = named
                    if not candidates:
                        continue
                matches.append((position, end, key, candidates))
                position = end
                if any(
                    self.regions[c].level == RegionLevel.COUNTY
                    and (key, c) not in self.needs_context
                    and any(a in seen for a in chain[c][1:])
                    for c in named
                ):
                    return matches
                seen.update(candidates)
                break
            else:
                position += 1
        return matches

    def resolve(self, text: str) -> tuple[str, str] | None:
        """Best region code for a normalised address and the text span that supports it."""
        matches = self._scan(text)
        if not matches:
            return None
        chain = self.chain
        sets = [frozenset(candidates) for _s, _e, _k, candidates in matches]
        shares = [_DECAY**number / len(found) for number, found in enumerate(sets)]
        scores: dict[str, float] = {}
        for number, (_start, _end, key, candidates) in enumerate(matches):
            for code in candidates:
                if code in scores:
                    continue
                if (key, code) in self.needs_context and not any(
                    ancestor in found
                    for other, found in enumerate(sets)
                    if other != number
                    for ancestor in chain[code][1:]
                ):
                    continue
                scores[code] = sum(
                    share
                    for found, share in zip(sets, shares, strict=True)
                    if any(a in found for a in chain[code])
                )
        if not scores:
            return None
        best = max(scores.values())
        tied = [code for code, score in scores.items() if best - score < _EPSILON]
        winner = self._settle(tied)
        if winner is None:
            return None
        lineage = chain[winner]
        spans = [
            (start, end)
            for start, end, _key, candidates in matches
            if any(c in lineage or winner in chain[c] for c in candidates)
        ]
        return winner, text[min(s for s, _ in spans) : max(e for _, e in spans)]

    def _settle(self, tied: list[str]) -> str | None:
        """The nearest common ancestor-or-self of the tied codes, if they have one."""
        common = set(self.chain[tied[0]])
        for code in tied[1:]:
            common.intersection_update(self.chain[code])
        if not common:
            return None
        return max(common, key=lambda c: len(self.chain[c]))

    def resolution(self, code: str, matched_text: str) -> Resolution:
        region = self.regions[code]
        by_level: dict[int, Region] = {}
        for ancestor in self.chain[code]:
            found = self.regions[ancestor]
            by_level[found.level] = found
        return Resolution(
            region=region,
            province=by_level.get(RegionLevel.PROVINCE),
            prefecture=by_level.get(RegionLevel.PREFECTURE),
            county=by_level.get(RegionLevel.COUNTY),
            jurisdiction=region.jurisdiction,
            matched_text=matched_text,
        )


def _road_follows(text: str, end: int) -> bool:
    following = text[end : end + 1]
    if following in _ROAD_CHARS or text[end : end + 2] in ("大道", "大街"):
        return True
    return following in _DIRECTION_CHARS and text[end + 1 : end + 2] in _ROAD_CHARS


_index: _Index | None = None
_index_lock = threading.Lock()


def _get_index() -> _Index:
    global _index
    index = _index
    if index is None:
        with _index_lock:
            if _index is None:
                _index = _Index(Region.objects.all(), Jurisdiction.objects.all())
            index = _index
    return index


def clear_region_cache() -> None:
    """Forget the in-memory index; the next lookup rebuilds it from the database."""
    global _index
    with _index_lock:
        _index = None


def resolve_address(text: str | None) -> Resolution | None:
    """Resolve a free-text Chinese address to its most specific region and jurisdiction.

    Guarantees: never raises for any ``str`` (or ``None``); returns ``None`` when no region is
    named or when the names found are ambiguous with no common ancestor; never picks one of
    several equally likely unrelated regions. Only the first ``MAX_ADDRESS_CHARS`` characters
    are read.
    """
    if not text or not isinstance(text, str):
        return None
    normalized = normalize_address(text[:MAX_ADDRESS_CHARS])
    if not normalized:
        return None
    index = _get_index()
    found = index.resolve(normalized)
    if found is None:
        return None
    return index.resolution(*found)


def resolve_code(code: str | None) -> Resolution | None:
    """Resolve a six-digit GB/T 2260 code.

    Guarantees: returns ``None`` unless ``code`` (surrounding whitespace ignored) is exactly six
    ASCII digits naming a region in the table, or one of the pseudo-prefecture codes used by
    other systems for units directly under a province (``110100``, ``500200``, ``429000``...),
    which resolve to that province.
    """
    if not isinstance(code, str):
        return None
    code = code.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    index = _get_index()
    target = code if code in index.regions else index.pseudo_codes.get(code)
    if target is None:
        return None
    return index.resolution(target, code)


def jurisdiction_for_region(region_or_code: Region | str | None) -> Jurisdiction | None:
    """The jurisdiction owning the region's nearest ancestor-or-self, or ``None``.

    Accepts a ``Region`` or a six-digit code (pseudo-prefecture codes as in
    :func:`resolve_code`); unknown codes give ``None``.
    """
    if isinstance(region_or_code, Region):
        index = _get_index()
        cached = index.regions.get(region_or_code.code)
        if cached is not None:
            return cached.jurisdiction
        return region_or_code.jurisdiction
    found = resolve_code(region_or_code)
    return found.jurisdiction if found else None


def assign_jurisdictions() -> int:
    """Recompute ``Region.jurisdiction`` for every region from the jurisdictions' region sets.

    Each region gets the jurisdiction that owns its nearest ancestor-or-self (``None`` if no
    ancestor is owned). Returns the number of regions whose jurisdiction changed and clears
    the cache.
    """
    owner: dict[str, int] = {}
    for region_code, jurisdiction_id in Jurisdiction.regions.through.objects.values_list(
        "region_id", "jurisdiction_id"
    ):
        owner[region_code] = jurisdiction_id
    regions = {r.code: r for r in Region.objects.only("code", "parent", "jurisdiction")}
    changed: list[Region] = []
    for region in regions.values():
        current: Region | None = region
        target = None
        for _ in range(8):
            if current is None:
                break
            if current.code in owner:
                target = owner[current.code]
                break
            current = regions.get(current.parent_id) if current.parent_id else None
        if region.jurisdiction_id != target:
            region.jurisdiction_id = target
            changed.append(region)
    Region.objects.bulk_update(changed, ["jurisdiction"], batch_size=500)
    clear_region_cache()
    return len(changed)

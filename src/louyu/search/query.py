"""Reads of the search index, scoped to the user (the search's selectors).

A query is segmented here into terms of letters and digits only (``segment.query_terms``);
user text never reaches the database as full-text syntax (``fulltext``)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Expression, ExpressionWrapper, F, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from louyu.core.models import Jurisdiction, User
from louyu.core.scope import scope_for
from louyu.search import fulltext
from louyu.search.models import Audience, Document
from louyu.search.registry import Reach, kinds
from louyu.search.segment import query_terms
from louyu.search.snippets import highlight, snippet

MAX_QUERY_LENGTH = 100
MAX_TOKENS = 12
# How many matches, newest first, are ranked: one more than the pages show, so that the
# capped count can say "more than".
RESULT_CAP = 200
CANDIDATES = RESULT_CAP + 1
# How many matches the first read takes over the full-text index, in no order (see
# ``_candidates``).
PROBE = 1000
# How many of the newest rows of the whole index are matched one by one (``_candidates``).
WINDOW = 2000
_MEANINGFUL = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True)
class SearchRequest:
    """A search as asked for by the page or the API (already parsed into types)."""

    text: str
    kinds: tuple[str, ...] = ()
    jurisdiction: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def query_words(text: str) -> list[tuple[str, ...]]:
    """The terms to look for (``segment.query_terms``); ValidationError (in Chinese, on
    ``q``) for a query too short, too long or without letters or digits."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError({"q": _("搜索内容不能超过%(n)d个字符。") % {"n": MAX_QUERY_LENGTH}})
    meaningful = _MEANINGFUL.findall(text)
    if not meaningful:
        raise ValidationError({"q": _("请输入要搜索的文字，不能只有标点符号。")})
    if len(meaningful) < 2:
        raise ValidationError({"q": _("搜索内容至少需要两个字。")})
    return query_terms(text)[:MAX_TOKENS]


def check_request(request: SearchRequest) -> None:
    """ValidationError (per field, in Chinese) for kinds or dates that make no sense."""
    errors = {}
    known = {k.key for k in kinds()}
    unknown = [k for k in request.kinds if k not in known]
    if unknown:
        errors["kind"] = _("未知的搜索类型：%(kinds)s。") % {"kinds": "、".join(unknown)}
    if request.date_from and request.date_to and request.date_from > request.date_to:
        errors["date_to"] = _("结束日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)


def _reaches(user: User | None, keys: Iterable[str] = ()) -> list[tuple[str, Reach]]:
    """(kind, reach) of the kinds the user may find anything of, of ``keys`` or all."""
    found = []
    for registered in kinds():
        if keys and registered.key not in keys:
            continue
        reach = registered.reach(user)
        if reach.q() is not None:
            found.append((registered.key, reach))
    return found


def visible_q(*, user: User, reaches: list[tuple[str, Reach]]) -> Q:
    """The filter on index rows the user may find (``visible_documents``)."""
    reachable = Q(pk__in=[])
    for key, reach in reaches:
        reachable |= Q(kind=key) & reach.q()
    org = user.organization_id
    audience = Q(audience=Audience.ALL)
    if org is None:
        audience |= Q(audience=Audience.OTHERS)
    else:
        audience |= Q(audience=Audience.ORGANIZATION, organization_id=org)
        audience |= Q(audience=Audience.OTHERS) & ~Q(organization_id=org)
    return reachable & audience


def visible_documents(
    *, user: User | None, reaches: list[tuple[str, Reach]] | None = None
) -> QuerySet[Document]:
    """The index rows the user may find: per kind, the rows its reach covers, and of those
    only the rows meant for the user's audience (a handling organisation's full text is
    found only by its members, the public fields by everyone else)."""
    if scope_for(user).kind == "none":
        return Document.objects.none()
    return Document.objects.filter(
        visible_q(user=user, reaches=_reaches(user) if reaches is None else reaches)
    )


def _newest_first(rows: Iterable[tuple[int, datetime.date | None]]) -> list[int]:
    """The ids of the newest ``CANDIDATES`` of these (id, date) rows, undated ones last."""
    ordered = sorted(
        set(rows), key=lambda row: (row[1] is not None, row[1] or datetime.date.min, row[0])
    )
    return [pk for pk, _ in reversed(ordered[-CANDIDATES:])]


def _candidates(
    rows: QuerySet[Document],
    match: Expression,
    visible: Q,
    *,
    match_row: Expression,
    window_first: bool,
) -> list[int]:
    """The ids of the rows to rank: the newest ``CANDIDATES`` matches the user may find
    when they are few or common, else a bounded set of them (ADR 0018, addendum). At most
    ``WINDOW`` rows are read from the (date, id) index and ``PROBE + 1`` from the full-text
    index.

    ``rows`` are the rows the request's filters leave; ``match`` keeps a superset of the
    user's matches among them (the words and the reach keys, which PostgreSQL answers from
    one GIN bitmap; ``match_row`` is the same test for rows read another way);
    ``visible`` is the exact reach, read as a column rather than filtered on so that the
    plan stays that bitmap.

    - The window: the ``WINDOW`` newest rows of the whole index, read newest first until
      ``CANDIDATES`` matches are found. When they are, they are the newest (a national
      user's common words, for whom the GIN bitmap of two common words alone costs more).
      Read first when the user's reach is the whole index (``window_first``), else only
      when needed below.
    - The probe: at most ``PROBE + 1`` matches from the GIN bitmap, in no order. When that
      is all of them, the newest are exact (rare words, or a jurisdiction's scope).
    - Else the words are common in the reach but rare among the newest rows: the
      candidates are the window's matches and the probe's, a sample of the older ones."""
    recent: list[tuple[int, datetime.date | None]] | None = None

    def window() -> list[tuple[int, datetime.date | None]]:
        newest = Document.objects.filter(date__isnull=False).order_by("-date", "-id")
        # The window's oldest row, from the (date, id) index alone.
        edge = newest.values_list("date", "pk")[WINDOW - 1 : WINDOW].first()
        within = Q(date__isnull=False)
        if edge is not None:
            # A range on date alone, so that the index is read in order and can stop.
            within = Q(date__gte=edge[0]) & (Q(date__gt=edge[0]) | Q(pk__gte=edge[1]))
        # Newest first over the (date, id) index, so that common words stop early.
        found = rows.filter(within, Q(match_row) & visible).order_by("-date", "-id")
        return list(found.values_list("pk", "date")[:CANDIDATES])

    if window_first:
        recent = window()
        if len(recent) >= CANDIDATES:
            return _newest_first(recent)
    probe = (
        rows.filter(match)
        .order_by()
        .annotate(visible=ExpressionWrapper(visible, output_field=BooleanField()))
    )
    read = list(probe.values_list("pk", "date", "visible")[: PROBE + 1])
    found = [(pk, date) for pk, date, seen in read if seen]
    if len(read) <= PROBE:
        return _newest_first(found)
    if recent is None:
        recent = window()
    return _newest_first([*recent, *found])


def document_search(*, user: User | None, request: SearchRequest) -> tuple[QuerySet, list[str]]:
    """The user's matching rows, best first (then newest), and the words looked for (to
    mark them). Only a bounded set of candidates, the newest when the matches are few, is
    ranked (``_candidates``). Raises ValidationError for bad input (``query_words``,
    ``check_request``)."""
    terms = query_words(request.text)
    check_request(request)
    words = [token for term in terms for token in term]
    if scope_for(user).kind == "none":
        return Document.objects.none(), words
    reaches = _reaches(user, request.kinds)
    qs = Document.objects.all()
    if request.kinds:
        qs = qs.filter(kind__in=request.kinds)
    if request.jurisdiction:
        jurisdiction = Jurisdiction.objects.filter(code=request.jurisdiction).first()
        qs = qs.filter(jurisdiction=jurisdiction) if jurisdiction else qs.none()
    if request.date_from:
        qs = qs.filter(date__gte=request.date_from)
    if request.date_to:
        qs = qs.filter(date__lte=request.date_to)
    # The reach keys narrow the full-text match to the user's reach (a superset of it; the
    # exact reach is ``visible_q``). Left out when every kind is reached whole: then they
    # would narrow nothing.
    whole = len(reaches) == len(kinds()) and all(
        reach.everything or reach.object_ids is not None for _, reach in reaches
    )
    keys = None if whole else fulltext.reach_keys(reaches)
    match = fulltext.matches(terms, reach=keys)
    visible = visible_q(user=user, reaches=reaches)
    candidates = _candidates(
        qs,
        match,
        visible,
        match_row=fulltext.matches(terms, reach=keys, indexed=False),
        window_first=keys is None,
    )
    # alias, not annotate: the rank orders the page but stays out of the capped count.
    ranked = Document.objects.filter(pk__in=candidates).alias(rank=fulltext.rank(terms))
    return ranked.order_by(F("rank").desc(), F("date").desc(nulls_last=True), "-id"), words


def exact_target(*, user: User | None, text: str) -> str | None:
    """The page of the object whose identifier (tracking number, building code, case number,
    …) ``text`` is exactly, when the user may see it; else None."""
    text = (text or "").strip()
    if not text or len(text) > 64 or scope_for(user).kind == "none":
        return None
    for found in kinds():
        if found.exact is not None:
            pk = found.exact(user, text)
            if pk:
                return found.url(pk)
    return None


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    object_id: int
    url: str
    title: SafeString
    snippet: SafeString
    date: datetime.date | None


def hits(documents: Iterable[Document], words: list[str]) -> list[Hit]:
    """The rows as results: the kind's label and the object's URL, the title and a snippet
    of the text with the words marked (escaped first)."""
    registered = {k.key: k for k in kinds()}
    found = []
    for document in documents:
        kind = registered.get(document.kind)
        if kind is None:
            continue
        found.append(
            Hit(
                kind=kind.key,
                kind_label=str(kind.label),
                object_id=document.object_id,
                url=kind.url(document.object_id),
                title=highlight(document.title, words),
                snippet=snippet(document.body, words),
                date=document.date,
            )
        )
    return found

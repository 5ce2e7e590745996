"""Practices and exchange meetings in the platform search (``louyu.search``).

A practice is found by its title, summary, body (the Markdown as plain text) and tags:
published ones by every library reader, drafts and reviewed ones only in their own
jurisdiction and nationally (``practice_search_reach``, from the practice's live state).
A meeting is found by its title, minutes and agenda by those who see it."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from louyu.core.calendar import local_date
from louyu.library.markdown import render_markdown
from louyu.library.models import Meeting, Practice
from louyu.library.selectors import meeting_search_reach, practice_search_reach
from louyu.library.workflow import PracticeState
from louyu.search.registry import Entry, register_kind

PRACTICE = "practice"
MEETING = "meeting"


def markdown_text(source: str) -> str:
    """The words of a Markdown text without its markup."""
    return html.unescape(strip_tags(render_markdown(source))).strip()


def searchable_practices() -> QuerySet[Practice]:
    return Practice.objects.prefetch_related("tags")


def practice_entries(practices: Iterable[Practice]) -> Iterable[Entry]:
    for practice in practices:
        published = practice.state == PracticeState.PUBLISHED and practice.published_at
        yield Entry(
            object_id=practice.pk,
            title=practice.title,
            body="\n".join(
                part for part in (practice.summary, markdown_text(practice.body)) if part
            ),
            extra=" ".join(tag.name for tag in practice.tags.all()),
            date=local_date(practice.published_at if published else practice.created_at),
            jurisdiction_id=practice.jurisdiction_id,
        )


def practice_url(pk: int) -> str:
    return reverse("library:practice_detail", args=[pk])


def searchable_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("organizer").prefetch_related("agenda")


def meeting_entries(meetings: Iterable[Meeting]) -> Iterable[Entry]:
    for meeting in meetings:
        agenda = "\n".join(item.title for item in meeting.agenda.all())
        yield Entry(
            object_id=meeting.pk,
            title=meeting.title,
            body="\n".join(part for part in (meeting.minutes, agenda) if part),
            date=meeting.date,
            jurisdiction_id=meeting.organizer.jurisdiction_id,
        )


def meeting_url(pk: int) -> str:
    return reverse("library:meeting_detail", args=[pk])


def register() -> None:
    register_kind(
        PRACTICE,
        label=_("典型经验做法"),
        objects=searchable_practices,
        documents=practice_entries,
        reach=practice_search_reach,
        url=practice_url,
        order=50,
    )
    register_kind(
        MEETING,
        label=_("经验交流会"),
        objects=searchable_meetings,
        documents=meeting_entries,
        reach=meeting_search_reach,
        url=meeting_url,
        order=60,
    )

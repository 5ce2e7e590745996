from django import template
from django.utils.http import url_has_allowed_host_and_scheme

from louyu.core.calendar import format_deadline
from louyu.core.forms import files_to_rechoose

register = template.Library()


@register.filter
def internal_link(value) -> str:
    """The link if it is a path on this site, else an empty string (never javascript:,
    never another host), for links stored on work items and notifications."""
    text = str(value or "")
    if text and url_has_allowed_host_and_scheme(text, allowed_hosts=None) and text[0] == "/":
        return text
    return ""


@register.filter
def deadline(value) -> str:
    """A deadline as a clerk reads it (``core.calendar.format_deadline``): the end of its
    last day as ``24:00`` of that day, the same on every page, notification and export."""
    return format_deadline(value or None)


@register.filter
def rechoose_files(form) -> list[str]:
    """Names of the chosen files a form that came back with errors did not keep."""
    return files_to_rechoose(form) if form is not None else []


@register.filter
def widget_value(field) -> str:
    """A bound field's value as its widget writes it (a picked date as 2026-12-03, a
    moment as 2026-12-03 14:30 in Asia/Shanghai); typed text that did not parse is kept."""
    value = field.field.widget.format_value(field.value())
    return "" if value is None else str(value)

import datetime

from django import template
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

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
    """A deadline as a clerk reads it: the end of its last day is shown as ``24:00`` of that
    day (DESIGN: a deadline is 24:00 Asia/Shanghai of its last day), other instants as
    ``YYYY-MM-DD HH:MM`` in the current time zone."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.time() == datetime.time(0, 0):
        return f"{local.date() - datetime.timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"

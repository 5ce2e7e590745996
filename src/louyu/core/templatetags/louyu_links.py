"""Links only to pages the user may open (``louyu.core.visibility``):
``{% object_link obj label class="…" %}`` renders ``<a>`` or, out of reach, ``<span>``;
``{{ user|may_view:obj }}`` for anything else."""

from django import template
from django.utils.html import format_html, format_html_join

from louyu.core import visibility

register = template.Library()


@register.filter
def may_view(user, obj) -> bool:
    return visibility.may_view(user, obj)


@register.simple_tag(takes_context=True)
def object_link(context, obj, label=None, **attrs):
    request = context.get("request")
    user = getattr(request, "user", None)
    text = obj if label is None else label
    href = visibility.detail_url(user, obj)
    extra = format_html_join(
        "", ' {}="{}"', ((name.replace("_", "-"), value) for name, value in attrs.items())
    )
    if href:
        return format_html('<a href="{}"{}>{}</a>', href, extra, text)
    return format_html("<span{}>{}</span>", extra, text)

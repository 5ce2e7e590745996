"""``{% panels "slot" obj %}``: the panels higher apps registered for a slot of this page
(``louyu.core.panels``), each rendered with the context its app computes."""

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from louyu.core.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj):
    request = context.get("request")
    parts = []
    for panel in panels_for(slot):
        values = panel.context(request, obj)
        if values is None:
            continue
        parts.append(get_template(panel.template).render(values, request))
    return mark_safe("".join(conditional_escape(part) for part in parts))  # noqa: S308

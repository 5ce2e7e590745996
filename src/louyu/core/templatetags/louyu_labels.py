"""``{{ text|localized }}``: a stored Chinese title or note in the reader's language
(``louyu.core.labels.localized_text``)."""

from django import template

from louyu.core.labels import localized_text

register = template.Library()


@register.filter
def localized(text: str) -> str:
    return localized_text(text or "")

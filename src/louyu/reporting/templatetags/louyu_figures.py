"""How figures read: "—" where there is no value (a zero denominator, no events), whole
counts without decimals, rates and medians with one."""

from django import template

from louyu.reporting.metrics import Kind

register = template.Library()


def _number(number: float, kind: str) -> str:
    if kind in (Kind.RATE, Kind.MEDIAN):
        return f"{number:,.1f}"
    return f"{int(round(number)):,}"


@register.filter
def figure(value) -> str:
    """A ``figures.Value`` as text (without its unit)."""
    if value is None or value.value is None:
        return "—"
    return _number(value.value, value.metric.kind)


@register.filter
def figure_change(number, metric) -> str:
    """The change against the previous period, signed ("+3", "−1.5", "±0")."""
    if number is None:
        return "—"
    if number == 0:
        return "±0"
    text = _number(abs(number), metric.kind)
    return f"+{text}" if number > 0 else f"−{text}"


@register.filter
def change_css(number, metric) -> str:
    """Green when the change is good news for the campaign, red when it is bad."""
    if not number:
        return "text-secondary"
    good = (number > 0) == metric.higher_is_better
    return "text-success" if good else "text-danger"


@register.filter
def stored_figure(stored, metric) -> str:
    """A figure stored as a dict (``Value.as_dict``: a frozen report, a bulletin)."""
    number = (stored or {}).get("value") if isinstance(stored, dict) else None
    if number is None:
        return "—"
    return _number(number, metric.kind)

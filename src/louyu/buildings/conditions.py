"""Yes/no conditions that apps above the registry add to the building list's filters: the
web list, its export and the API (``?open_case=true``). The registry names none of them;
each app registers its own in its ``AppConfig.ready``::

    register_condition("open_case", label=_("有在办整治案件"), order=10,
                       has=lambda: Exists(Case.objects.filter(building_id=OuterRef("pk"), ...)))

``has()`` returns the expression true for a building that meets the condition; it is
called when a list is filtered, not at registration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.expressions import Combinable


@dataclass(frozen=True)
class Condition:
    name: str
    label: str
    has: Callable[[], Q | Combinable]
    order: int = 100


_conditions: dict[str, Condition] = {}


def register_condition(
    name: str, *, label: str, has: Callable[[], Q | Combinable], order: int = 100
) -> None:
    _conditions[name] = Condition(name, label, has, order)


def conditions() -> list[Condition]:
    """The registered conditions in display order."""
    return sorted(_conditions.values(), key=lambda c: (c.order, c.name))


def condition_filter(name: str, wanted: bool) -> Q | Combinable:
    """Buildings that meet (``wanted``) or do not meet the condition ``name``."""
    expression = _conditions[name].has()
    return expression if wanted else ~expression

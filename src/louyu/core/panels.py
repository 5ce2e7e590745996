"""Panels that higher apps contribute to a lower app's page, so that a page never names the
apps that build on it.

A page marks a slot with ``{% panels "building.detail" building %}`` (template tag library
``louyu_panels``); an app above registers what it shows there, from its ``AppConfig.ready``::

    register_panel("building.detail", template="cases/_building_case.html",
                   context=building_case_context, order=10)

``context(request, obj)`` returns the template's context, or ``None`` to show nothing.
Slots in use: ``building.detail`` (a building), ``complaint.detail`` (a complaint)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PanelContext = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: PanelContext
    order: int = 100


_panels: dict[str, dict[str, Panel]] = {}


def register_panel(slot: str, *, template: str, context: PanelContext, order: int = 100) -> None:
    """Show ``template`` in ``slot`` with ``context(request, obj)``; registering the same
    template for the same slot again replaces it (ready() may run twice in tests)."""
    _panels.setdefault(slot, {})[template] = Panel(slot, template, context, order)


def panels_for(slot: str) -> list[Panel]:
    return sorted(_panels.get(slot, {}).values(), key=lambda p: (p.order, p.template))

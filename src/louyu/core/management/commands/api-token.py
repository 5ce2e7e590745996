"""`louyu api-token USERNAME`, the spelling DESIGN.md uses; same as `louyu api_token`."""

from louyu.core.management.commands.api_token import Command  # noqa: F401

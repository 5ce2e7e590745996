"""Signals of the building registry for apps that build on it."""

from django.dispatch import Signal

# Sent (inside the import's transaction) after an import appended presence history in bulk,
# which sends no post_save per row: ``events`` is the list of PresenceEvent written.
presence_events_imported = Signal()

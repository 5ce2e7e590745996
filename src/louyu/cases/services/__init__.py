"""Writes for rectification cases, one topic a module; callers import from the topic module
(``from louyu.cases.services.measures import measure_answer``), never from this package.

- ``permissions``: who may do what to a case, and in which states its record is editable.
- ``deadlines``: the rectification deadline by the severity's policy, and its recomputation
  after the holiday schedule changed.
- ``opening``: opening a case by hand, from a substantiated complaint or from an operator's
  report of refused entry, or adding to the building's open case.
- ``transitions``: the one transition service and what entering each state does.
- ``acceptance``: recording an acceptance check, which alone moves a case out of
  ``awaiting_acceptance``.
- ``details``: severity, title, summary and supervision (挂牌督办).
- ``violations``: adding and withdrawing violations.
- ``measures``: assigning, answering and cancelling measures.
- ``enforcement``: recording enforcement actions.
- ``files``: storing a case's files, and adding evidence.
- ``notifications``: who is told about a case.
- ``_common``: what every write repeats (lock, version, timeline row); internal.

Every write is one transaction that locks the case, checks who may act, appends a status
row where the state or the record changes, recomputes the rectification deadline (by the
severity's RectificationPolicy, through ``louyu.core.calendar``: the start day is not
counted and the period ends at 24:00 Asia/Shanghai of its last day), writes the audit event
and hands notifications to the task queue after commit."""

"""Who learns of a case's steps: the apps built on cases register a listener here (the
notification centre tells the applicant), so that the case engine imports none of them.

A listener is called by the services with ``(case, event)`` inside the step's own transaction,
after the event is appended: what it writes commits or rolls back with the step.
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable] = []


def on_step(listener: Callable) -> None:
    """Call ``listener(case, event)`` for every step the services record (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def recorded(case, event) -> None:
    """Tell every listener of ``event``, a step just appended to ``case``'s trail."""
    for listener in _listeners:
        listener(case, event)

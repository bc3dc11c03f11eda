"""Who learns of a joint case's steps: an app built above joint handling registers a listener
here, so that ``joint`` imports none of them (the exchange reports the steps to the province).

``on_event``: ``listener(joint, event)`` for each event appended to a joint case's trail, once the
joint case is saved, inside the same transaction (what the listener writes commits or rolls back
with the step; a domain error it raises undoes it).
"""

from __future__ import annotations

from collections.abc import Callable

_events: list[Callable] = []


def on_event(listener: Callable) -> None:
    """Call ``listener(joint, event)`` for every step once its joint case is saved (once per
    listener)."""
    if listener not in _events:
        _events.append(listener)


def appended(joint, event) -> None:
    """Hold ``event``, just appended to ``joint``'s trail, until the joint case is saved."""
    joint.__dict__.setdefault("unreported_events", []).append(event)


def saved(joint) -> None:
    """Tell every listener of the events appended to the saved ``joint`` since it was read."""
    events = joint.__dict__.pop("unreported_events", [])
    for listener in _events:
        for event in events:
            listener(joint, event)

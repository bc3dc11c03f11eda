"""Who learns of a case's steps: the apps built on cases register a listener here, so that the
case engine imports none of them (the notification centre tells the applicant; joint handling and
the licence register follow their cases).

Two moments, both inside the step's own transaction, so that what a listener writes commits or
rolls back with the step, and a domain error it raises undoes the step:

- ``on_step``: ``listener(case, event)`` right after the step's event is appended;
- ``on_action``: ``listener(case, action)`` once the case is saved after an action of the
  transition table (``action`` is its value, e.g. ``"decide_grant"``).
"""

from __future__ import annotations

from collections.abc import Callable

_steps: list[Callable] = []
_actions: list[Callable] = []


def on_step(listener: Callable) -> None:
    """Call ``listener(case, event)`` for every step the services record (once per listener)."""
    if listener not in _steps:
        _steps.append(listener)


def on_action(listener: Callable) -> None:
    """Call ``listener(case, action)`` after every action on a case (once per listener)."""
    if listener not in _actions:
        _actions.append(listener)


def recorded(case, event) -> None:
    """Tell every step listener of ``event``, a step just appended to ``case``'s trail."""
    for listener in _steps:
        listener(case, event)


def acted(case, action: str) -> None:
    """Tell every action listener that ``case`` was saved after ``action``."""
    for listener in _actions:
        listener(case, action)

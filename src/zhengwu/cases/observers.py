"""Who learns of a case's steps: the apps built on cases register a listener here, so that the
case engine imports none of them (the notification centre tells the applicant; joint handling and
the licence register follow their cases; the exchange reports them to the province).

Three moments, all inside the step's own transaction, so that what a listener writes commits or
rolls back with the step, and a domain error it raises undoes the step:

- ``on_step``: ``listener(case, event)`` right after the step's event is appended;
- ``on_action``: ``listener(case, action)`` once the case is saved after an action of the
  transition table (``action`` is its value, e.g. ``"decide_grant"``);
- ``on_event``: ``listener(case, event)`` once the case is saved after any event of its trail
  that changes its state: the filing, every action, a deemed acceptance, and the steps a joint
  case records on its child cases (their opening, withdrawal and delivery), so the case's
  stored dates already include the event.
"""

from __future__ import annotations

from collections.abc import Callable

_steps: list[Callable] = []
_actions: list[Callable] = []
_events: list[Callable] = []


def on_step(listener: Callable) -> None:
    """Call ``listener(case, event)`` for every step the services record (once per listener)."""
    if listener not in _steps:
        _steps.append(listener)


def on_action(listener: Callable) -> None:
    """Call ``listener(case, action)`` after every action on a case (once per listener)."""
    if listener not in _actions:
        _actions.append(listener)


def on_event(listener: Callable) -> None:
    """Call ``listener(case, event)`` for every event once its case is saved (once per
    listener)."""
    if listener not in _events:
        _events.append(listener)


def saved(case, *events) -> None:
    """Tell every event listener of ``events``, just appended to the saved ``case``."""
    for listener in _events:
        for event in events:
            listener(case, event)


def recorded(case, event) -> None:
    """Tell every step listener of ``event``, a step just appended to ``case``'s trail."""
    for listener in _steps:
        listener(case, event)


def acted(case, action: str) -> None:
    """Tell every action listener that ``case`` was saved after ``action``."""
    for listener in _actions:
        listener(case, action)

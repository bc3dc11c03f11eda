"""Cases (办件): one application and its handling under the 行政许可法 (DOMAIN.md §3, §4).

The pure core, importable without Django:

- ``zhengwu.cases.rules``: the states, actions and role names, the one transition table
  (state, action, roles, next state) and ``transition()``, which raises ``TransitionError`` with a
  stable ``code``;
- ``zhengwu.cases.clocks``: ``compute_clocks()``, the one function that derives every stored
  deadline, level and completion figure of a case from the item's ``Terms`` and the case's
  events (backfilled events are told by ``zhengwu.workdays.retroactive.is_retroactive()``).

Both take everything they need as arguments (the working-day calendar included), so the same
events always give the same clocks.
"""

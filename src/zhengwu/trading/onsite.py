"""The on-site supervision log of the opening and the evaluation (现场监督记录; seed 000:
"从未提供过任何关于评委违规评审和企业违法投标的现场记录"): who was there, when, what was seen,
each entry a step on the deal's hash-chained trail (全程留痕)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import inputs as core_inputs
from zhengwu.core import trail
from zhengwu.core.display import person_name
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.trading.models import Deal, DealEvent, OnsiteEntry, OnsitePhase
from zhengwu.trading.rules import State

OBSERVERS = frozenset({Role.SUPERVISOR.value})
# The evaluation is watched once the bids are opened.
PHASE_STATES = {
    OnsitePhase.OPENING: frozenset({State.ANNOUNCED, State.OPENED, State.EVALUATED, State.AWARDED}),
    OnsitePhase.EVALUATION: frozenset({State.OPENED, State.EVALUATED, State.AWARDED}),
}


def log_entry(
    *,
    actor,
    code: str,
    phase: str,
    seen: str,
    observed_at: dt.datetime | None = None,
    irregular: bool = False,
) -> OnsiteEntry:
    """A supervisor's entry: what was seen at the opening or the evaluation, and when (now, or
    a stated earlier time on the deal's record)."""
    if not role_names(actor) & OBSERVERS:
        raise Forbidden()
    errors: dict[str, list] = {}
    if phase not in OnsitePhase.values:
        errors["phase"] = [_("Choose the opening or the evaluation.")]
    seen = core_inputs.text(seen, "seen", required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        code = str(code or "")[:32]
        deal = (
            None if "\x00" in code else Deal.objects.select_for_update().filter(code=code).first()
        )
        if deal is None:
            raise NotFound()
        if deal.state not in PHASE_STATES[phase]:
            raise DomainError(
                _("This phase cannot be observed in the deal's present state."),
                code="phase_not_open",
            )
        at = trail.stated_time(
            observed_at,
            field="observed_at",
            not_before=deal.created_at,
            earlier_message=_("The time cannot be before the deal was announced."),
        )
        event = trail.append(
            deal,
            DealEvent(
                deal=deal,
                kind="onsite",
                actor=actor,
                occurred_at=at,
                data={"phase": phase, "seen": seen, "irregular": bool(irregular)},
            ),
            label="deal",
        )
        deal.save(update_fields=["event_count", "head_hash"])
        return OnsiteEntry.objects.create(
            deal=deal,
            phase=phase,
            observed_at=at,
            observer=actor,
            observer_name=person_name(actor),
            seen=seen,
            irregular=bool(irregular),
            event_seq=event.seq,
        )

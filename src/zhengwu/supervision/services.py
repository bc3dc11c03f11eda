"""Writes of e-supervision by people: a supervisor's review of an irregularity. (The sweep's
writes are in ``zhengwu.supervision.sweep``.)"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.errors import Forbidden, ValidationFailed
from zhengwu.core.roles import Role, has_role
from zhengwu.supervision import selectors
from zhengwu.supervision.models import Irregularity, IrregularityReview, ReviewOutcome

REVIEWER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
MAX_NOTE = 2000


def may_review(user) -> bool:
    return has_role(user, *REVIEWER_ROLES)


def review(*, actor, pk: int, outcome: str, note: str) -> IrregularityReview:
    """Record a supervisor's review of irregularity ``pk`` with a note (kept for good: a later
    review adds to it). NotFound when the irregularity is not visible to ``actor``; Forbidden
    for anyone but a supervisor; ValidationFailed for a missing note or an unknown outcome."""
    found = selectors.get_irregularity(actor, pk)
    if not may_review(actor):
        raise Forbidden(_("Only supervisors review irregularities."))
    errors = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [_("Choose one of the allowed values.")]
    note = str(note or "").replace("\x00", "").strip()
    if not note:
        errors["note"] = [_("Write what the review found.")]
    elif len(note) > MAX_NOTE:
        errors["note"] = [_("The text is too long.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Irregularity.objects.select_for_update().get(pk=found.pk)
        now = clock.now()
        row = IrregularityReview(
            irregularity=locked, reviewer=actor, outcome=outcome, note=note, created_at=now
        )
        row.save(force_insert=True)
        locked.status = outcome
        locked.reviewed_at = now
        locked.save(update_fields=["status", "reviewed_at"])
    return row

"""Writes of e-supervision by people: the review of a finding - a case's irregularity, or any
other kind of finding kept in a model of the shape of ``supervision.models.Finding`` (e.g. a
discrepancy found by reconciling a department's records) - by one service and one table of
steps (``review_rules``). (The sweep's writes are in ``zhengwu.supervision.sweep``.)"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.roles import Role, has_role
from zhengwu.supervision import review_rules, selectors
from zhengwu.supervision.models import Finding, FindingReview, IrregularityReview
from zhengwu.supervision.review_rules import Actor

REVIEWER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
MAX_NOTE = 2000


def may_review(user) -> bool:
    return has_role(user, *REVIEWER_ROLES)


def may_answer(user, found: Finding) -> bool:
    """The head of the finding's department answers a finding handed to the department."""
    return has_role(user, Role.DEPARTMENT_HEAD) and user.department_id == found.department_id


def actor_of(user, found: Finding) -> Actor | None:
    if may_review(user):
        return Actor.SUPERVISOR
    if may_answer(user, found):
        return Actor.DEPARTMENT
    return None


def steps_for(user, found: Finding) -> list[str]:
    """The review steps ``user`` may take on ``found`` now (none: the page shows no form)."""
    who = actor_of(user, found)
    return [] if who is None else [s.value for s in review_rules.steps_for(found.status, who)]


def check_step(user, found: Finding, outcome: str) -> str:
    """The status ``found`` takes if ``user`` takes step ``outcome`` now. Forbidden for a step
    that is not the user's (only supervisors review; only the department's head answers);
    DomainError (409 ``review_state``) for one the finding's status does not allow."""
    who = actor_of(user, found)
    if who is None:
        raise Forbidden(_("Only supervisors review irregularities."))
    try:
        return review_rules.next_status(found.status, outcome, who)
    except review_rules.NotAllowed as refused:
        if refused.reason == "who" and who == Actor.DEPARTMENT:
            raise Forbidden(_("Only supervisors review irregularities.")) from None
        if refused.reason == "who":
            raise Forbidden(
                _("Only the department's head explains a finding handed to it.")
            ) from None
        raise DomainError(
            _("This step cannot be taken on a finding that is %(status)s.")
            % {"status": found.get_status_display()},
            code="review_state",
        ) from None


def record_review(
    *,
    actor,
    found: Finding,
    reviews: type[FindingReview],
    link: str,
    outcome: str,
    note: str,
) -> FindingReview:
    """Take the review step ``outcome`` on ``found`` (already fetched in ``actor``'s scope) with
    a note, in one transaction under the finding's row lock: a row of ``reviews`` (whose foreign
    key to the finding is ``link``) and the finding's new status. Forbidden for anyone but a
    supervisor or, for the answer, the head of the finding's department; ValidationFailed for a
    missing note or an unknown step; DomainError (409 ``review_state``) for a step the finding's
    status does not allow."""
    errors = {}
    if outcome not in {step.value for step in review_rules.Step}:
        if actor_of(actor, found) is None:
            raise Forbidden(_("Only supervisors review irregularities."))
        errors["outcome"] = [_("Choose one of the allowed values.")]
    else:
        check_step(actor, found, outcome)  # not the user's step: 403 before the note
    note = str(note or "").replace("\x00", "").strip()
    if not note:
        errors["note"] = [_("Write what the review found.")]
    elif len(note) > MAX_NOTE:
        errors["note"] = [_("The text is too long.")]
    if errors:
        raise ValidationFailed(errors)
    model = type(found)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=found.pk)
        status = check_step(actor, locked, outcome)
        now = clock.now()
        row = reviews(**{link: locked}, reviewer=actor, outcome=outcome, note=note, created_at=now)
        row.save(force_insert=True)
        locked.status = status
        changed = ["status"]
        if hasattr(locked, "reviewed_at"):
            locked.reviewed_at = now
            changed.append("reviewed_at")
        locked.save(update_fields=changed)
    found.status = locked.status
    return row


def review(*, actor, pk: int, outcome: str, note: str) -> IrregularityReview:
    """A review step on irregularity ``pk`` (``record_review``). NotFound when the irregularity
    is not visible to ``actor``."""
    found = selectors.get_irregularity(actor, pk)
    return record_review(
        actor=actor,
        found=found,
        reviews=IrregularityReview,
        link="irregularity",
        outcome=outcome,
        note=note,
    )


__all__ = ["may_answer", "may_review", "record_review", "review", "steps_for"]

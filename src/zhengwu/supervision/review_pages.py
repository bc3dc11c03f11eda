"""The review of a finding on a page, for every kind of finding (a case's irregularity, a
discrepancy found by reconciliation): the panel's context and the handling of its post. The
confirmation of an irregularity (认定) is a legal act: it asks for confirmation first
(``core.confirm``). Thin: the steps and their rules are ``services.record_review``'s."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import confirm
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.supervision import services
from zhengwu.supervision.forms import ReviewForm
from zhengwu.supervision.models import Finding, FindingReview, ReviewOutcome

CONFIRM_TITLE = gettext_lazy("confirm the irregularity")


def panel(user, found: Finding, form: ReviewForm | None = None) -> dict:
    """What the review panel shows: the form with the steps the user may take now (none: no
    form), and whether the user is the department answering."""
    steps = services.steps_for(user, found)
    if form is None:
        form = ReviewForm(steps=steps)
    else:  # a post sent back with its errors offers the steps the user may take
        labels = dict(ReviewOutcome.choices)
        form.fields["outcome"].choices = [(s, labels[s]) for s in steps]
    return {
        "form": form,
        "may_review": bool(steps),
        "answering": steps == [ReviewOutcome.ANSWERED.value],
    }


def post(
    request,
    *,
    found: Finding,
    reviews: type[FindingReview],
    link: str,
    subject: str,
    facts: list[tuple[object, object]],
    back_url: str,
):
    """Handle the panel's post: ``(response, form, status)``. ``response`` is the confirmation
    page for a confirmation not yet confirmed; ``form`` carries the errors (the caller renders
    the page again with ``status``: 422, or 409 for a step the finding's status does not allow)
    or is None once the step is recorded (the caller redirects). A step that is not the user's
    to take is a Forbidden (403)."""
    if services.actor_of(request.user, found) is None:
        raise Forbidden(_("Only supervisors review irregularities."))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return None, form, 422
    outcome = form.cleaned_data["outcome"]
    try:
        services.check_step(request.user, found, outcome)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return None, form, 409
    if outcome == ReviewOutcome.CONFIRMED and not confirm.confirmed(request):
        return (
            confirm.confirmation_page(
                request,
                title=CONFIRM_TITLE,
                subject=subject,
                facts=[*facts, (_("Review note"), form.cleaned_data["note"])],
                warning=_(
                    "Confirming records the finding as an irregularity of the department: it "
                    "counts in the e-supervision figures and is kept for good."
                ),
                back_url=back_url,
                danger=True,
            ),
            form,
            200,
        )
    try:
        services.record_review(
            actor=request.user,
            found=found,
            reviews=reviews,
            link=link,
            outcome=outcome,
            note=form.cleaned_data["note"],
        )
    except ValidationFailed as error:
        for field, messages in error.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return None, form, 422
    except DomainError as error:
        form.add_error(None, str(error.message))
        return None, form, 409
    return None, None, 200

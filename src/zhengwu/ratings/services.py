"""Every write of 好差评 (DESIGN.md: services): keyword-only, one transaction, the row it changes
locked, the task's steps appended to a hash chain, the push record written in the same
transaction.

- ``submit_rating``: a rating by the applicant (online), a signed link (on site / SMS) or staff
  (telephone); a 差评 opens a rectification task due in ``RATINGS_RECTIFY_WORKDAYS`` working days;
- ``record_callback`` / ``record_outcome`` / ``send_feedback``: the department's loop;
- ``answer_feedback``: the rater accepts the feedback or rejects it once (reopens, escalates);
- ``file_appeal`` / ``decide_appeal``: 申诉复核;
- ``reply``: the department's public reply to a rating;
- ``send_invitations``: SMS invitations to completed, unrated cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import User
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core import clock, trail
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.core.sms import send_sms
from zhengwu.exchange import outbox, records
from zhengwu.ratings import presenters, rules, tokens
from zhengwu.ratings.models import Appeal, Invitation, Rating, RectificationTask, TaskEvent
from zhengwu.ratings.rules import Channel, LoopError, Outcome, TaskAction, TaskState
from zhengwu.workdays.loader import add_workdays, get_calendar
from zhengwu.workdays.retroactive import is_retroactive

DECISION_KINDS = ("decide_grant", "decide_deny")
MAX_TEXT = 2000
CALLBACK_METHODS = ("phone", "sms", "visit", "other")

MESSAGES = {
    "not_completed": gettext_lazy("The case is not completed yet: it can be rated once decided."),
    "rating_closed": gettext_lazy(
        "The rating period of this case is over (%(days)s days after completion)."
    ),
    "already_rated": gettext_lazy("This service has already been rated."),
    "illegal_step": gettext_lazy("This step is not possible in the task's current state."),
    "party_not_allowed": gettext_lazy("You may not take this step."),
    "already_rejected": gettext_lazy("The feedback may be rejected only once."),
    "appeal_pending": gettext_lazy("An appeal of this rating is already waiting for a decision."),
    "appeal_decided": gettext_lazy("This appeal has already been decided."),
    "stale_version": gettext_lazy(
        "The task was changed by someone else in the meantime; reload it and try again."
    ),
}
ERROR_TEXT = {
    "unknown_channel": gettext_lazy("Choose one of the allowed values."),
    "bad_level": gettext_lazy("Choose a level from 1 to 5."),
    "unknown_dimension": gettext_lazy("This channel does not rate this aspect."),
}


def _loop_error(error: LoopError) -> DomainError | Forbidden:
    message = MESSAGES.get(error.code, MESSAGES["illegal_step"])
    if error.code == "party_not_allowed":
        return Forbidden(message, code=error.code)
    return DomainError(message, code=error.code)


def _text(value, field: str, errors: dict, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("The text is too long.")]
    return text


def decision_event(case: Case) -> CaseEvent | None:
    """The case's service event: its decision (a delivery belongs to the same service event)."""
    return case.events.filter(kind__in=DECISION_KINDS).order_by("-seq").first()


# ---------------------------------------------------------------- rating


def _rating_channel(user, token_claims, channel: str, case: Case) -> tuple[str, User | None]:
    """Who is rating and whether the channel fits how they came: (party, staff who entered)."""
    if token_claims is not None:
        if channel != token_claims.channel:
            raise ValidationFailed(
                {"channel": [_("This link rates the service through another channel.")]}
            )
        return "link", None
    roles = role_names(user)
    if Role.APPLICANT in roles and case.owner_id == user.pk:
        if channel != Channel.ONLINE:
            raise ValidationFailed({"channel": [_("Signed in, you rate online.")]})
        return "owner", None
    if case.department_id in staff_department_ids(user):
        if channel != Channel.PHONE:
            raise ValidationFailed({"channel": [_("Staff enter ratings taken by telephone only.")]})
        return "staff", user
    raise NotFound()


def submit_rating(
    *,
    number: str,
    channel: str,
    level,
    dimensions: Mapping | None = None,
    comment: str = "",
    real_name: bool = False,
    user: User | None = None,
    token: str | None = None,
) -> Rating:
    """Rate the service event of case ``number``. Raises ``BadRatingLink`` (400),
    ``RatingLinkExpired`` (410), NotFound, ValidationFailed or DomainError (409)."""
    claims = tokens.read(token) if token is not None else None
    number = str(number or "").replace("\x00", "")[:32]
    if claims is not None and claims.number != number:
        raise tokens.BadRatingLink()
    if claims is None and not getattr(user, "is_authenticated", False):
        raise NotFound()
    errors: dict[str, list] = {}
    comment = _text(comment, "comment", errors)
    if not isinstance(real_name, bool):
        errors["real_name"] = [_("Enter true or false.")]
    if dimensions is not None and not isinstance(dimensions, Mapping):
        errors["dimensions"] = [_("Enter an object.")]
        dimensions = None
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("item", "item_version", "applicant", "department", "window")
            .filter(number=number)
            .first()
        )
        if case is None:
            raise tokens.BadRatingLink() if claims is not None else NotFound()
        party, entered_by = _rating_channel(user, claims, channel, case)
        for field, codes in rules.check_rating(
            channel=channel, level=level, dimensions=dimensions, case_channel=case.channel
        ).items():
            errors[field] = [str(ERROR_TEXT[c]) for c in codes]
        if errors:
            raise ValidationFailed(errors)
        window = rules.rating_window(case.completed_on, clock.today(), settings.RATINGS_WINDOW_DAYS)
        if window == "not_completed":
            raise DomainError(MESSAGES["not_completed"], code="not_completed")
        event = decision_event(case)
        if event is None:
            raise DomainError(MESSAGES["not_completed"], code="not_completed")
        if claims is not None and claims.service_event != event.seq:
            raise tokens.BadRatingLink()
        if Rating.objects.filter(case=case, service_event=event.seq).exists():
            raise DomainError(MESSAGES["already_rated"], code="already_rated")
        if window == "closed":
            message = MESSAGES["rating_closed"] % {"days": settings.RATINGS_WINDOW_DAYS}
            raise DomainError(message, code="rating_closed")
        now = clock.now()
        applicant = case.applicant
        rating = Rating(
            case=case,
            service_event=event.seq,
            channel=channel,
            level=level,
            dimensions=dict(dimensions or {}),
            comment=comment,
            real_name=real_name,
            rater_name=applicant.name if real_name else "",
            rater_phone=(case.contact_phone or applicant.phone) if real_name else "",
            rated_at=now,
            rated_on=clock.local_date(now),
            item=case.item,
            department=case.department,
            window=case.window,
            staff_id=case.created_by_id,
            entered_by=entered_by,
        )
        try:  # a concurrent rating of the same event: the whole transaction is rolled back
            rating.save(force_insert=True)
        except IntegrityError:
            raise DomainError(MESSAGES["already_rated"], code="already_rated") from None
        outbox.enqueue(
            key=f"rating-{rating.pk}",
            kind="rating",
            schema=records.RATING,
            stream=f"case:{case.number}",
            payload=presenters.rating_push(rating),
        )
        if rules.is_bad(level):
            _open_task(rating, actor=entered_by, party=party)
    return rating


def _due(start: dt.date) -> tuple[dt.date, bool]:
    due = add_workdays(start, settings.RATINGS_RECTIFY_WORKDAYS)
    return dt.date(due.year, due.month, due.day), bool(due.provisional)


def _open_task(rating: Rating, *, actor, party: str) -> RectificationTask:
    due, provisional = _due(rating.rated_on)
    task = RectificationTask.objects.create(
        rating=rating,
        department=rating.department,
        opened_on=rating.rated_on,
        due_on=due,
        provisional=provisional,
        updated_at=clock.now(),
    )
    _append(task, kind="opened", actor=actor, data={"level": rating.level, "due": due.isoformat()})
    task.save(update_fields=["event_count", "head_hash"])
    return task


def _append(
    task: RectificationTask, *, kind: str, actor, data: Mapping, occurred_at=None
) -> TaskEvent:
    """A step of the task's trail (``zhengwu.core.trail``); a stated ``occurred_at`` (already
    checked by ``trail.stated_time``) marks it 先办后录 when recorded too late."""
    retroactive = occurred_at is not None and is_retroactive(
        clock.local_date(occurred_at), clock.today(), get_calendar()
    )
    row = TaskEvent(
        task=task,
        kind=kind,
        occurred_at=occurred_at or clock.now(),
        actor=actor,
        data=data,
        retroactive=retroactive,
    )
    return trail.append(task, row, label="task")


# ---------------------------------------------------------------- the loop


def department_may_handle(user, department_id: int) -> bool:
    """谁办理、谁负责: staff of the department that handled the case work its tasks."""
    return department_id in staff_department_ids(user)


def _lock_task(task_id) -> RectificationTask:
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    task = (
        RectificationTask.objects.select_for_update(of=("self",))
        .select_related("rating", "rating__case", "rating__item", "department")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound()
    return task


def _department_task(actor, task_id, version) -> RectificationTask:
    task = _lock_task(task_id)
    if not department_may_handle(actor, task.department_id):
        raise NotFound()
    if version is not None and int(version) != task.version:
        raise DomainError(MESSAGES["stale_version"], code="stale_version")
    return task


def _step(task: RectificationTask, action: TaskAction, party: str) -> rules.Step:
    try:
        return rules.task_step(
            task.state,
            action,
            party,
            rejected_before=task.rejected_at is not None,
            appeal_pending=task.appeals.filter(decision=Appeal.Decision.PENDING).exists(),
        )
    except LoopError as error:
        raise _loop_error(error) from error


def _save(task: RectificationTask, step: rules.Step | None = None) -> None:
    if step is not None:
        task.state = step.next_state.value
        if step.closes:
            task.closed_at = clock.now()
    task.version += 1
    task.updated_at = clock.now()
    task.save()


def _push_task(task: RectificationTask, step: str) -> None:
    outbox.enqueue(
        key=f"rectification-{task.pk}-{task.event_count}",
        kind="rectification",
        schema=records.RECTIFICATION,
        stream=f"case:{task.rating.case.number}",
        payload=presenters.task_push(task, step),
    )


def record_callback(
    *,
    actor: User,
    task_id,
    called_at: dt.datetime | None = None,
    method: str = "phone",
    rater_said: str = "",
    version: int | None = None,
) -> RectificationTask:
    """The department called the rater back to verify (回访核实): when, how, what was said."""
    errors: dict[str, list] = {}
    said = _text(rater_said, "rater_said", errors, required=True)
    if method not in CALLBACK_METHODS:
        errors["method"] = [_("Choose one of the allowed values.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = _department_task(actor, task_id, version)
        step = _step(task, TaskAction.CALLBACK, rules.DEPARTMENT)
        last = task.events.order_by("-seq").values_list("occurred_at", flat=True).first()
        called_at = trail.stated_time(
            called_at,
            field="called_at",
            not_before=max(task.rating.rated_at, last or task.rating.rated_at),
            earlier_message=_("The call cannot be before the rating or the task's last step."),
        )
        if task.called_back_at is None:
            task.called_back_at = called_at
        _append(
            task,
            kind="callback",
            actor=actor,
            occurred_at=called_at,
            data={"method": method, "rater_said": said},
        )
        _save(task, step)
    return task


def record_outcome(
    *,
    actor: User,
    task_id,
    outcome: str,
    text: str,
    ledger_due: dt.date | None = None,
    version: int | None = None,
) -> RectificationTask:
    """Rectified at once, entered in the ledger with a deadline, or explained (no legal basis)."""
    errors: dict[str, list] = {}
    text = _text(text, "text", errors, required=True)
    if outcome not in Outcome.__members__.values():
        errors["outcome"] = [_("Choose one of the allowed values.")]
    if outcome == Outcome.LEDGER:
        if ledger_due is None:
            errors["ledger_due"] = [_("A ledger entry needs its deadline.")]
        elif ledger_due <= clock.today():
            errors["ledger_due"] = [_("The deadline must be after today.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = _department_task(actor, task_id, version)
        step = _step(task, TaskAction.OUTCOME, rules.DEPARTMENT)
        task.outcome = outcome
        task.outcome_text = text
        task.ledger_due = ledger_due if outcome == Outcome.LEDGER else None
        _append(
            task,
            kind="outcome",
            actor=actor,
            data={
                "outcome": outcome,
                "text": text,
                "ledger_due": ledger_due and ledger_due.isoformat(),
            },
        )
        _save(task, step)
        _push_task(task, "outcome")
    return task


def send_feedback(
    *, actor: User, task_id, text: str, version: int | None = None
) -> RectificationTask:
    """Tell the rater what was done (SMS to a real-name rater; always in the portal). The text is
    also the department's published reply to the rating."""
    errors: dict[str, list] = {}
    text = _text(text, "text", errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = _department_task(actor, task_id, version)
        step = _step(task, TaskAction.FEEDBACK, rules.DEPARTMENT)
        now = clock.now()
        task.feedback = text
        task.fed_back_at = now
        rating = task.rating
        rating.reply, rating.replied_at = text, now
        rating.save(update_fields=["reply", "replied_at"])
        _append(task, kind="feedback", actor=actor, data={"text": text})
        _save(task, step)
        _push_task(task, "feedback")
        if rating.real_name and rating.rater_phone:
            message = _("[%(department)s] About your rating of case %(number)s: %(text)s") % {
                "department": task.department.name,
                "number": rating.case.number,
                "text": text,
            }
            phone = rating.rater_phone
            transaction.on_commit(lambda: send_sms(phone, message))
    return task


def answer_feedback(*, user: User, task_id, accept: bool, reason: str = "") -> RectificationTask:
    """The rater (the case's applicant account) accepts the feedback, or rejects it once: the task
    reopens with a new deadline and is escalated to the supervisors."""
    errors: dict[str, list] = {}
    reason = _text(reason, "reason", errors, required=not accept)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = _lock_task(task_id)
        if (
            task.rating.case.owner_id != getattr(user, "pk", None)
            or task.state == TaskState.APPEAL_UPHELD
        ):
            raise NotFound()
        action = TaskAction.ACCEPT if accept else TaskAction.REJECT
        step = _step(task, action, rules.RATER)
        if accept:
            _append(task, kind="accepted", actor=user, data={})
        else:
            now = clock.now()
            task.rejected_at = now
            task.rejection_reason = reason
            task.escalated = True
            task.due_on, task.provisional = _due(clock.today())
            task.outcome, task.ledger_due = "", None
            _append(
                task,
                kind="rejected",
                actor=user,
                data={"reason": reason, "due": task.due_on.isoformat()},
            )
        _save(task, step)
        _push_task(task, "accepted" if accept else "rejected")
    return task


# ---------------------------------------------------------------- appeals


def file_appeal(*, actor: User, task_id, reason: str, evidence: str) -> Appeal:
    """The department head appeals a 误评 / 恶意差评 with the evidence."""
    errors: dict[str, list] = {}
    evidence = _text(evidence, "evidence", errors, required=True, limit=5000)
    if reason not in Appeal.Reason.values:
        errors["reason"] = [_("Choose one of the allowed values.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = _department_task(actor, task_id, None)
        if Role.DEPARTMENT_HEAD not in role_names(actor):
            raise Forbidden(_("Only the department head may appeal a rating."))
        _step(task, TaskAction.APPEAL, rules.DEPARTMENT)
        appeal = Appeal.objects.create(
            task=task, reason=reason, evidence=evidence, filed_by=actor, filed_at=clock.now()
        )
        _append(task, kind="appeal", actor=actor, data={"appeal": appeal.pk, "reason": reason})
        _save(task)
    return appeal


def decide_appeal(*, actor: User, appeal_id, upheld: bool, note: str = "") -> Appeal:
    """A supervisor decides. Upheld: the rating leaves the statistics (never deleted) and the task
    closes as ``appeal_upheld``; dismissed: the loop goes on."""
    if Role.SUPERVISOR not in role_names(actor):
        raise Forbidden(_("Only a supervisor decides appeals."))
    errors: dict[str, list] = {}
    note = _text(note, "note", errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(of=("self",)).filter(pk=_int(appeal_id)).first()
        if appeal is None:
            raise NotFound()
        if appeal.decision != Appeal.Decision.PENDING:
            raise DomainError(MESSAGES["appeal_decided"], code="appeal_decided")
        task = _lock_task(appeal.task_id)
        now = clock.now()
        appeal.decision = Appeal.Decision.UPHELD if upheld else Appeal.Decision.DISMISSED
        appeal.decision_note, appeal.decided_by, appeal.decided_at = note, actor, now
        appeal.save()
        _append(
            task,
            kind="appeal_decided",
            actor=actor,
            data={"appeal": appeal.pk, "decision": appeal.decision, "note": note},
        )
        if upheld:
            rating = task.rating
            rating.excluded = True
            rating.save(update_fields=["excluded"])
            task.state = TaskState.APPEAL_UPHELD.value
            task.closed_at = now
            _save(task)
            _push_task(task, "appeal_upheld")
        else:
            _save(task)
    return appeal


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


def reply(*, actor: User, rating_id, text: str) -> Rating:
    """The department's public reply to a rating (a 差评 is answered by its feedback)."""
    errors: dict[str, list] = {}
    text = _text(text, "text", errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        rating = Rating.objects.select_for_update(of=("self",)).filter(pk=_int(rating_id)).first()
        if rating is None or not department_may_handle(actor, rating.department_id):
            raise NotFound()
        rating.reply, rating.replied_at = text, clock.now()
        rating.save(update_fields=["reply", "replied_at"])
    return rating


# ---------------------------------------------------------------- invitations


def rating_link(number: str, service_event: int, channel: str = "onsite") -> str:
    """The path of the mobile rating page for a signed link."""
    from django.urls import reverse

    return reverse("ratings:rate", args=[tokens.make(number, service_event, channel)])


def public_url(path: str, request=None) -> str:
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def invitation_candidates():
    """Completed cases with a phone, inside the invitation days, neither rated nor invited."""
    today = clock.today()
    first = today - dt.timedelta(days=settings.RATINGS_WINDOW_DAYS)
    last = today - dt.timedelta(days=settings.RATINGS_INVITE_AFTER_DAYS)
    return (
        Case.objects.filter(completed_on__gte=first, completed_on__lte=last)
        .exclude(contact_phone="")
        .filter(~Exists(Rating.objects.filter(case=OuterRef("pk"))))
        .filter(~Exists(Invitation.objects.filter(case=OuterRef("pk"))))
        .order_by("id")
    )


def send_invitations(*, limit: int | None = None) -> int:
    """Invite every candidate once (the invitation row is unique per case; a message that cannot
    be sent rolls its row back, so the next run tries again)."""
    sent = 0
    rows = invitation_candidates().values_list("id", "number", "contact_phone")
    if limit:
        rows = rows[:limit]
    for case_id, number, phone in list(rows):
        event = (
            CaseEvent.objects.filter(case_id=case_id, kind__in=DECISION_KINDS)
            .order_by("-seq")
            .first()
        )
        if event is None:
            continue
        link = public_url(rating_link(number, event.seq, "sms"))
        text = _("Your case %(number)s is completed. Please rate our service: %(link)s") % {
            "number": number,
            "link": link,
        }
        try:
            with transaction.atomic():
                Invitation.objects.create(case_id=case_id, phone=phone, sent_at=clock.now())
                send_sms(phone, text)
        except IntegrityError:
            continue  # another run invited this case in the meantime
        sent += 1
    return sent

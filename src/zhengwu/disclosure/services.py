"""Every write to a disclosure request (DESIGN.md: services). One transaction per step; the
request row locked; the transition table and the clocks checked by replaying the events with the
new one; the event appended to the request's hash chain; the stored clocks rewritten from
``zhengwu.disclosure.clocks.compute_clocks``; the step's dated document written.

- ``file_request``: a request filed online (an applicant, or the public form without an account)
  or registered by the disclosure office for any channel (with the receipt date of art. 31);
- ``act``: the steps of the table (``ACTIONS``: the API's and the pages' action names);
- ``abandon``: the sweep's deemed abandonment (supplement or payment period passed);
- ``record_appeal`` / ``decide_appeal``: 行政复议 and 行政诉讼 about a request (table 四).

Who takes which step is ``acting_roles``: the applicant on their own request; a disclosure
officer on the requests of their scope (``selectors.officer_scope``); the head of the disclosure
office (``disclosure_head``: a disclosure officer who also holds ``department_head``) approves an
extension.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import Department, User
from zhengwu.cases.clocks import ClockError
from zhengwu.cases.rules import TransitionError
from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.identity import IdentityError, normalize_resident_id, normalize_uscc
from zhengwu.core.roles import Role, role_names
from zhengwu.core.validators import identity_message
from zhengwu.disclosure import fees, receipt, rules
from zhengwu.disclosure.clocks import Clocks, Terms, compute_clocks
from zhengwu.disclosure.models import (
    DisclosureAppeal,
    DisclosureDocument,
    DisclosureEvent,
    DisclosureRequest,
)
from zhengwu.disclosure.rules import Action, ApplicantType, Result, State
from zhengwu.disclosure.selectors import clean_number, officer_scope
from zhengwu.workdays.loader import check_supported, get_calendar
from zhengwu.workdays.periods import Event
from zhengwu.workdays.retroactive import is_retroactive

LABEL = "disclosure"
# The public action names → the table's actions.
ACTIONS = {
    "route": Action.ROUTE,
    "request-supplement": Action.REQUEST_SUPPLEMENT,
    "supplement": Action.SUPPLEMENT,
    "consult": Action.CONSULT,
    "consulted": Action.CONSULTED,
    "extend": Action.EXTEND,
    "ask-reasons": Action.ASK_REASONS,
    "reasons": Action.REASONS,
    "defer": Action.DEFER,
    "fee": Action.FEE,
    "paid": Action.PAID,
    "reply": Action.REPLY,
    "to-ticket": Action.TO_TICKET,
    "deliver": Action.DELIVER,
    "withdraw": Action.WITHDRAW,
}
# The document each step writes.
DOCUMENTS = {
    Action.REQUEST_SUPPLEMENT: DisclosureDocument.Kind.SUPPLEMENT_NOTICE,
    Action.CONSULT: DisclosureDocument.Kind.CONSULTATION,
    Action.EXTEND: DisclosureDocument.Kind.EXTENSION_NOTICE,
    Action.ASK_REASONS: DisclosureDocument.Kind.REASONS_NOTICE,
    Action.DEFER: DisclosureDocument.Kind.DEFERRAL_NOTICE,
    Action.FEE: DisclosureDocument.Kind.FEE_NOTICE,
    Action.REPLY: DisclosureDocument.Kind.REPLY,
    Action.TO_TICKET: DisclosureDocument.Kind.REPLY,
}
CLOCK_FIELDS = (
    "received_on",
    "reply_due",
    "supplement_due",
    "consult_due",
    "payment_due",
    "paused_workdays",
    "extension_workdays",
    "deferred_workdays",
    "completed_on",
    "on_time",
    "provisional",
)

RULE_MESSAGES = {
    "illegal_transition": gettext_lazy("This step is not possible in the request's current state."),
    "role_not_allowed": gettext_lazy("Your role may not take this step."),
    "already_notified": gettext_lazy(
        "A request may be sent back for supplement only once (art. 30)."
    ),
    "already_extended": gettext_lazy("The reply period may be extended only once (art. 33)."),
    "already_deferred": gettext_lazy("A delayed reply deadline was set already (art. 35)."),
    "event_out_of_order": gettext_lazy("The stated time is earlier than the request's last step."),
    "invalid_extension": gettext_lazy("An extension is 1 to 20 working days."),
    "extension_after_due": gettext_lazy(
        "The reply period has already passed; an extension must be approved before it ends."
    ),
    "invalid_period": gettext_lazy("The supplement period is out of range."),
    "invalid_deferral": gettext_lazy("The delayed deadline is out of range."),
    "stale_version": gettext_lazy(
        "The request was changed by someone else in the meantime; reload it and try again."
    ),
    "consultation_open": gettext_lazy(
        "Silence can be recorded only after the consultation period has ended."
    ),
    "no_fee": gettext_lazy("No fee is due for this quantity: no fee notice is sent."),
}
REASON_MESSAGES = {
    "unknown_reply_type": gettext_lazy("Choose one of the reply types."),
    "reason_required": gettext_lazy("Choose the reason of this reply."),
    "invalid_reason": gettext_lazy("This reason does not belong to this reply type."),
    "reason_not_taken": gettext_lazy("This reply type takes no reason."),
}
RECEIPT_MESSAGES = {
    "confirmation_required": gettext_lazy(
        "State when the office confirmed the request with the applicant."
    ),
    "confirmed_before_arrival": gettext_lazy(
        "The confirmation cannot be earlier than the request's arrival."
    ),
}
ORGANISATIONS = frozenset(ApplicantType) - {ApplicantType.PERSON}


def rule_error(error: TransitionError | ClockError) -> DomainError | Forbidden:
    message = RULE_MESSAGES.get(error.code, gettext_lazy("This step is not allowed."))
    if error.code == "role_not_allowed":
        return Forbidden(message, code="role_not_allowed")
    return DomainError(message, code=error.code)


def terms() -> Terms:
    return Terms(
        payment_limit=settings.DISCLOSURE_PAYMENT_WORKDAYS,
        supplement_max=settings.DISCLOSURE_SUPPLEMENT_MAX_WORKDAYS,
    )


# ---------------------------------------------------------------- helpers


def event_tuple(row: DisclosureEvent) -> Event:
    return Event(row.kind, clock.local_date(row.occurred_at), row.data)


def compute(events, as_of: dt.date) -> Clocks:
    try:
        return compute_clocks(terms=terms(), events=events, calendar=get_calendar(), as_of=as_of)
    except (TransitionError, ClockError) as error:
        raise rule_error(error) from error


def apply_clocks(request: DisclosureRequest, clocks: Clocks) -> None:
    request.state = clocks.state
    for name in CLOCK_FIELDS:
        setattr(request, name, getattr(clocks, name))
    request.level = "" if clocks.level is None else str(clocks.level)
    request.clocks_on = clocks.as_of


def _step(
    request: DisclosureRequest,
    *,
    kind,
    actor,
    occurred_at: dt.datetime,
    data: dict,
    retroactive: bool = False,
) -> tuple[DisclosureEvent, Clocks]:
    """Replay the events with the new one, append it, store the clocks (the caller saves)."""
    events = [event_tuple(r) for r in request.events.order_by("seq")] if request.pk else []
    events.append(Event(str(kind), clock.local_date(occurred_at), data))
    clocks = compute(events, max(clock.today(), clock.local_date(occurred_at)))
    row = DisclosureEvent(
        request=request,
        kind=str(kind),
        actor=actor,
        occurred_at=occurred_at,
        data=dict(data),
        retroactive=retroactive,
    )
    trail.append(request, row, label=LABEL)
    apply_clocks(request, clocks)
    request.version += 1
    request.updated_at = clock.now()
    return row, clocks


def _retroactive(occurred_at: dt.datetime) -> bool:
    return is_retroactive(
        clock.local_date(occurred_at),
        clock.today(),
        get_calendar(),
        margin_workdays=settings.RETROACTIVE_MARGIN_WORKDAYS,
    )


def _stated(value, *, field: str, not_before) -> dt.datetime:
    stated = trail.stated_time(
        value,
        field=field,
        not_before=not_before,
        earlier_message=_("The time cannot be earlier than the request's last step."),
    )
    check_supported(clock.local_date(stated), field=field)
    return stated


def is_officer(user) -> bool:
    return Role.DISCLOSURE_OFFICER in role_names(user)


def acting_roles(actor, request: DisclosureRequest | None) -> frozenset[str]:
    """The roles of the transition table ``actor`` holds for ``request`` (None: a new one)."""
    if actor is None:
        return frozenset({rules.SYSTEM})
    held = role_names(actor)
    roles: set[str] = set()
    if Role.APPLICANT in held and (request is None or request.owner_id == actor.pk):
        roles.add(rules.APPLICANT)
    handled = officer_scope(actor)
    if handled is not None and (
        request is None
        or actor.department_id is None
        or request.department_id == actor.department_id
    ):
        roles.add(rules.DISCLOSURE_OFFICER)
        if Role.DEPARTMENT_HEAD in held:
            roles.add(rules.DISCLOSURE_HEAD)
    return frozenset(roles)


def _choice(value, field: str, choices, errors: dict, *, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or value not in {str(c) for c in choices}:
        errors[field] = [_("Choose one of the allowed values.")]
        return ""
    return value


def _whole(value, field: str, errors: dict, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = [_("Enter a whole number.")]
        return 0
    if not low <= value <= high:
        errors[field] = [
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        ]
    return value


# ---------------------------------------------------------------- file


def _applicant(data: Mapping, errors: dict) -> dict:
    if not isinstance(data, Mapping):
        errors["applicant"] = [_("Enter the applicant's details.")]
        return {}
    out: dict = {}
    kind = _choice(data.get("type"), "applicant.type", ApplicantType, errors)
    out["applicant_type"] = kind
    out["applicant_name"] = core_inputs.text(
        data.get("name"), "applicant.name", required=True, errors=errors, limit=200
    )
    out["phone"] = core_inputs.phone(data.get("phone"), "applicant.phone", errors=errors)
    out["address"] = core_inputs.text(
        data.get("address"), "applicant.address", required=False, errors=errors, limit=200
    )
    out["contact"] = core_inputs.text(
        data.get("contact"), "applicant.contact", required=False, errors=errors, limit=60
    )
    out["email"] = core_inputs.text(
        data.get("email"), "applicant.email", required=False, errors=errors, limit=200
    )
    out["id_number"] = out["uscc"] = ""
    if kind == ApplicantType.PERSON:
        value = core_inputs.text(
            data.get("id_number"), "applicant.id_number", required=True, errors=errors, limit=40
        )
        if value and "applicant.id_number" not in errors:
            try:
                out["id_number"] = normalize_resident_id(value, today=clock.today())
            except IdentityError as error:
                errors["applicant.id_number"] = [identity_message(error)]
    elif kind:
        value = core_inputs.text(
            data.get("uscc"), "applicant.uscc", required=True, errors=errors, limit=40
        )
        if value and "applicant.uscc" not in errors:
            try:
                out["uscc"] = normalize_uscc(value)
            except IdentityError as error:
                errors["applicant.uscc"] = [identity_message(error)]
    return out


def file_request(
    *,
    actor: User | None,
    channel: str,
    applicant: Mapping,
    description: str,
    form: str,
    delivery: str,
    document_number: str = "",
    received_at: dt.datetime | None = None,
    confirmed_at: dt.datetime | None = None,
) -> DisclosureRequest:
    """File a request. Online (``internet``) by anyone, with or without an account: received the
    moment it is submitted (both sides confirm it then). A disclosure officer registers a request
    of any channel and states when it arrived (``received_at``: handed in, signed for, the letter
    or fax arrived) and, for an ordinary letter, the internet or a fax, when it was confirmed with
    the applicant (``confirmed_at``; by default the arrival). The receipt date follows art. 31."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    officer = actor is not None and is_officer(actor)
    if actor is not None and not officer and Role.APPLICANT not in role_names(actor):
        raise Forbidden(_("Only an applicant or the disclosure office may file a request."))
    errors: dict[str, list] = {}
    channel = _choice(channel, "channel", rules.Channel, errors)
    if channel and channel != rules.Channel.INTERNET and not officer:
        errors["channel"] = [_("Requests by other channels are registered by the office.")]
    details = _applicant(applicant, errors)
    description = core_inputs.text(description, "description", required=True, errors=errors)
    document_number = core_inputs.text(
        document_number, "document_number", required=False, errors=errors, limit=100
    )
    form = _choice(form, "form", rules.Form, errors)
    delivery = _choice(delivery, "delivery", rules.Delivery, errors)
    if not officer:
        for field, value in (("received_at", received_at), ("confirmed_at", confirmed_at)):
            if value is not None:
                errors[field] = [_("Only the disclosure office states when a request arrived.")]
    if errors:
        raise ValidationFailed(errors)
    arrived_at = _stated(received_at, field="received_at", not_before=None)
    confirmed = None
    if channel in (rules.Channel.POST_ORDINARY, rules.Channel.INTERNET, rules.Channel.FAX):
        confirmed = _stated(confirmed_at, field="confirmed_at", not_before=None)
        if confirmed_at is None and received_at is not None:
            confirmed = arrived_at
    try:
        found = receipt.receipt(
            channel,
            arrived_on=clock.local_date(arrived_at),
            confirmed_on=None if confirmed is None else clock.local_date(confirmed),
        )
    except ValueError as error:
        raise ValidationFailed({"confirmed_at": [RECEIPT_MESSAGES[str(error)]]}) from None
    received_moment = confirmed if confirmed is not None else arrived_at

    with transaction.atomic():
        now = clock.now()
        request = DisclosureRequest(
            number=f"pending-{uuid.uuid4().hex[:24]}",
            channel=channel,
            owner=actor if actor is not None and not officer else None,
            description=description,
            document_number=document_number,
            form=form,
            delivery=delivery,
            created_by=actor,
            state=State.RECEIVED,
            received_at=received_moment,
            received_on=found.on,
            clocks_on=clock.today(),
            created_at=now,
            updated_at=now,
            **details,
        )
        request.save(force_insert=True)
        request.number = f"GK{clock.local_date(now):%Y%m%d}{request.pk:06d}"
        _step(
            request,
            kind=Action.FILE,
            actor=actor,
            occurred_at=received_moment,
            retroactive=officer and _retroactive(received_moment),
            data={
                "channel": channel,
                "arrived_on": clock.local_date(arrived_at).isoformat(),
                "basis": str(found.basis),
                "late_confirmation": found.late,
                "applicant_type": details["applicant_type"],
                "applicant_name": details["applicant_name"],
            },
        )
        request.version = 1
        request.save()
    return request


# ---------------------------------------------------------------- act


def _lock(number: str) -> DisclosureRequest:
    number = clean_number(number)
    request = (
        DisclosureRequest.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(number=number)
        .first()
        if number
        else None
    )
    if request is None:
        raise NotFound()
    return request


def _items(value, errors: dict) -> list[str]:
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or not value or len(value) > 50:
        errors["items"] = [_("List what the applicant is to supplement (1 to 50 items).")]
        return []
    items = []
    for index, entry in enumerate(value):
        items.append(
            core_inputs.text(entry, f"items.{index}", required=True, errors=errors, limit=500)
        )
    return items


def _earlier_items(request: DisclosureRequest, on: dt.date) -> int:
    """Items the same applicant was charged for (fee notices sent) earlier in ``on``'s month."""
    key = {"id_number": request.id_number} if request.id_number else {"uscc": request.uscc}
    first = on.replace(day=1)
    rows = (
        DisclosureEvent.objects.filter(
            kind=Action.FEE,
            occurred_at__gte=clock.start_of_day(first),
            occurred_at__lt=clock.start_of_day(on + dt.timedelta(days=1)),
            **{f"request__{k}": v for k, v in key.items()},
        )
        .exclude(request=request)
        .values_list("data", flat=True)
    )
    return sum(int(data.get("items") or 0) for data in rows)


def _clean(action: Action, data: Mapping, request: DisclosureRequest, at: dt.datetime) -> dict:
    errors: dict[str, list] = {}
    out: dict = {}
    limits = terms()
    if action is Action.ROUTE:
        code = core_inputs.text(data.get("department"), "department", required=True, errors=errors)
        department = Department.objects.filter(code=code[:32], is_active=True).first()
        if code and department is None:
            errors["department"] = [_("There is no department with this code.")]
        out["department"] = code
        out["department_name"] = department.name if department else ""
    elif action is Action.REQUEST_SUPPLEMENT:
        out["items"] = _items(data.get("items"), errors)
        out["period_workdays"] = _whole(
            data.get("period_workdays"),
            "period_workdays",
            errors,
            low=1,
            high=limits.supplement_max,
        )
        out["note"] = core_inputs.text(data.get("note"), "note", required=False, errors=errors)
    elif action is Action.CONSULT:
        out["party"] = core_inputs.text(
            data.get("party"), "party", required=True, errors=errors, limit=200
        )
        out["kind"] = _choice(data.get("kind"), "kind", rules.ConsultKind, errors)
        out["note"] = core_inputs.text(data.get("note"), "note", required=False, errors=errors)
    elif action is Action.CONSULTED:
        out["answer"] = _choice(data.get("answer"), "answer", rules.ConsultAnswer, errors)
        out["note"] = core_inputs.text(data.get("note"), "note", required=False, errors=errors)
        if (
            out["answer"] == rules.ConsultAnswer.SILENT
            and request.consult_due is not None
            and clock.local_date(at) <= request.consult_due
        ):
            raise DomainError(RULE_MESSAGES["consultation_open"], code="consultation_open")
    elif action in (Action.EXTEND, Action.DEFER):
        high = limits.extension_max if action is Action.EXTEND else limits.defer_max
        out["workdays"] = _whole(data.get("workdays"), "workdays", errors, low=1, high=high)
        out["reason"] = core_inputs.text(data.get("reason"), "reason", required=True, errors=errors)
    elif action is Action.REASONS:
        out["text"] = core_inputs.text(data.get("text"), "text", required=True, errors=errors)
    elif action is Action.FEE:
        items, pages = data.get("items"), data.get("pages")
        if (items is None) == (pages is None):
            errors["items"] = [_("Charge per item or per page, never both.")]
        elif items is not None:
            out["items"] = _whole(items, "items", errors, low=1, high=10_000)
        else:
            out["pages"] = _whole(pages, "pages", errors, low=1, high=1_000_000)
        if not errors:
            earlier = _earlier_items(request, clock.local_date(at)) if "items" in out else 0
            charged = fees.fee(
                items=out.get("items"), pages=out.get("pages"), earlier_items=earlier
            )
            if not charged.amount:
                raise DomainError(RULE_MESSAGES["no_fee"], code="no_fee")
            out.update(
                basis=str(charged.basis),
                earlier_items=earlier,
                amount=charged.amount,
                parts=[[p.first, p.last, p.price] for p in charged.parts],
            )
    elif action is Action.REPLY:
        reply_type = data.get("type")
        reason = data.get("reason")
        try:
            result, reason = rules.outcome_of(reply_type, reason)
        except ValueError as error:
            field = "type" if str(error) == "unknown_reply_type" else "reason"
            errors[field] = [REASON_MESSAGES[str(error)]]
            result = None
        out.update(type=reply_type, result=str(result or ""), reason=reason)
        out["text"] = core_inputs.text(data.get("text"), "text", required=False, errors=errors)
        if reply_type == "not_ours":
            out["agency"] = core_inputs.text(
                data.get("agency"), "agency", required=False, errors=errors, limit=200
            )
        if reply_type == "published":
            out["where"] = core_inputs.text(
                data.get("where"), "where", required=True, errors=errors, limit=500
            )
    elif action is Action.TO_TICKET:
        out["kind"] = _choice(
            data.get("kind") or "complaint", "kind", ("complaint", "report", "help"), errors
        )
        out["category"] = core_inputs.text(
            data.get("category") or settings.DISCLOSURE_TICKET_CATEGORY,
            "category",
            required=True,
            errors=errors,
            limit=32,
        )
    elif action is Action.DELIVER:
        out["method"] = _choice(
            data.get("method") or request.delivery, "method", rules.Delivery, errors
        )
    elif action in (Action.SUPPLEMENT, Action.ASK_REASONS, Action.PAID, Action.WITHDRAW):
        out["note"] = core_inputs.text(data.get("note"), "note", required=False, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    return out


def _outcome(request: DisclosureRequest, action: Action, data: dict, actor, at) -> None:
    """What a closing step writes on the request: its result for the annual report."""
    if action is Action.REPLY:
        request.result, request.result_reason = data["result"], data["reason"]
        request.reply_type = data["type"]
    elif action is Action.TO_TICKET:
        from zhengwu.tickets import services as tickets

        ticket = tickets.create_ticket(
            actor=actor,
            kind=data["kind"],
            category=data["category"],
            content=_("Disclosure request %(number)s turned into a ticket (art. 39): %(text)s")
            % {"number": request.number, "text": request.description},
            caller_phone=request.phone,
            caller_name=request.applicant_name[:60],
            address=request.address,
            channel="web",
        )
        request.ticket = ticket
        data["ticket"] = ticket.number
        request.result, request.result_reason = Result.NOT_HANDLED, 1
        request.reply_type = "to_ticket"
    elif action is Action.WITHDRAW:
        request.result, request.result_reason = Result.OTHER, 3
    elif action is Action.ROUTE:
        request.department = Department.objects.get(code=data["department"])
    elif action is Action.FEE:
        request.fee_yuan = data["amount"]


def _document(request: DisclosureRequest, row: DisclosureEvent, action: Action, clocks: Clocks):
    kind = DOCUMENTS.get(action)
    if kind is None:
        return None
    data = dict(row.data)
    data.update(
        reply_due=clocks.reply_due.isoformat() if clocks.reply_due else None,
        supplement_due=clocks.supplement_due.isoformat() if clocks.supplement_due else None,
        consult_due=clocks.consult_due.isoformat() if clocks.consult_due else None,
        payment_due=clocks.payment_due.isoformat() if clocks.payment_due else None,
        received_on=request.received_on.isoformat(),
        department=request.department.name if request.department_id else "",
    )
    return DisclosureDocument.objects.create(
        request=request,
        kind=kind,
        number=f"{request.number}-{row.seq:02d}",
        issued_on=clock.local_date(row.occurred_at),
        event_seq=row.seq,
        data=data,
        created_at=clock.now(),
    )


def act(
    *,
    actor: User,
    number: str,
    action: str,
    data: Mapping | None = None,
    occurred_at: dt.datetime | None = None,
    version: int | None = None,
    applicant_phone: str | None = None,
) -> DisclosureRequest:
    """Take the public ``action`` (a key of ``ACTIONS``) on request ``number``. Raises NotFound
    (not visible), Forbidden, ValidationFailed or DomainError.

    ``applicant_phone``: the public follow-up without an account (``actor`` anonymous): whoever
    gives the request's number and the applicant's phone takes the applicant's steps (the
    supplement, the reasons), recorded without an actor."""
    from zhengwu.disclosure.selectors import find_by_number_and_phone, visible

    if action not in ACTIONS:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    table_action = ACTIONS[action]
    data = dict(data or {})
    follower = applicant_phone is not None and not getattr(actor, "is_authenticated", False)
    if follower:
        actor = None
    officer = actor is not None and is_officer(actor)
    if occurred_at is not None and not officer:
        raise ValidationFailed({"occurred_at": [_("Only staff may state when a step happened.")]})
    with transaction.atomic():
        if follower:
            if find_by_number_and_phone(number, applicant_phone) is None:
                raise NotFound()
        elif not visible(actor).filter(number=clean_number(number)).exists():
            raise NotFound()
        request = _lock(number)
        if version is not None and version != request.version:
            raise DomainError(RULE_MESSAGES["stale_version"], code="stale_version")
        rows = list(request.events.order_by("seq"))
        try:
            rules.transition(
                request.state,
                table_action,
                frozenset({rules.APPLICANT}) if follower else acting_roles(actor, request),
                notified=any(r.kind == Action.REQUEST_SUPPLEMENT for r in rows),
                extended=request.extension_workdays > 0,
                deferred=request.deferred_workdays > 0,
            )
        except TransitionError as error:
            raise rule_error(error) from error
        occurred_at = _stated(occurred_at, field="occurred_at", not_before=rows[-1].occurred_at)
        event_data = _clean(table_action, data, request, occurred_at)
        if table_action is Action.REQUEST_SUPPLEMENT:
            clocks_now = compute([event_tuple(r) for r in rows], clock.local_date(occurred_at))
            event_data["late"] = clock.local_date(occurred_at) > clocks_now.notice_due
        _outcome(request, table_action, event_data, actor, occurred_at)
        row, clocks = _step(
            request,
            kind=table_action,
            actor=actor,
            occurred_at=occurred_at,
            data=event_data,
            retroactive=officer and _retroactive(occurred_at),
        )
        _document(request, row, table_action, clocks)
        request.save()
    return request


def abandon(*, number: str, now: dt.datetime | None = None) -> DisclosureRequest | None:
    """The sweep: record the deemed abandonment of request ``number`` when its supplement period
    (其他处理 1) or payment period (其他处理 2) has passed; None when it no longer applies."""
    now = now or clock.now()
    today = clock.local_date(now)
    with transaction.atomic():
        request = _lock(number)
        if request.state == State.AWAITING_SUPPLEMENT:
            due, reason = request.supplement_due, 1
        elif request.state == State.AWAITING_PAYMENT:
            due, reason = request.payment_due, 2
        else:
            return None
        if due is None or today <= due:
            return None
        request.result, request.result_reason = Result.OTHER, reason
        _step(
            request,
            kind=Action.ABANDON,
            actor=None,
            occurred_at=now,
            data={"reason": reason, "due": due.isoformat()},
        )
        request.save()
    return request


def refresh(*, number: str) -> DisclosureRequest:
    """Recompute the stored clocks of a request for today (the sweep's levels)."""
    with transaction.atomic():
        request = _lock(number)
        events = [event_tuple(r) for r in request.events.order_by("seq")]
        apply_clocks(request, compute(events, clock.today()))
        request.save()
    return request


# ---------------------------------------------------------------- appeals (table 四)


def record_appeal(
    *, actor: User, number: str, kind: str, filed_on: dt.date, note: str = ""
) -> DisclosureAppeal:
    """A 行政复议 or 行政诉讼 about request ``number``, pending until decided."""
    if not is_officer(actor):
        raise Forbidden()
    errors: dict[str, list] = {}
    kind = _choice(kind, "kind", rules.Appeal, errors)
    note = core_inputs.text(note, "note", required=False, errors=errors)
    if not isinstance(filed_on, dt.date) or isinstance(filed_on, dt.datetime):
        errors["filed_on"] = [_("Enter a date.")]
    elif filed_on > clock.today():
        errors["filed_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        request = _lock(number)
        if not acting_roles(actor, request) & {rules.DISCLOSURE_OFFICER}:
            raise NotFound()
        now = clock.now()
        return DisclosureAppeal.objects.create(
            request=request,
            kind=kind,
            filed_on=filed_on,
            note=note,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )


def decide_appeal(
    *, actor: User, appeal_id: int, result: str, decided_on: dt.date
) -> DisclosureAppeal:
    """The outcome of an appeal: upheld, corrected or other, on ``decided_on``."""
    if not is_officer(actor):
        raise Forbidden()
    errors: dict[str, list] = {}
    result = _choice(
        result, "result", [r for r in rules.AppealResult if r != rules.AppealResult.PENDING], errors
    )
    if not isinstance(decided_on, dt.date) or isinstance(decided_on, dt.datetime):
        errors["decided_on"] = [_("Enter a date.")]
    elif decided_on > clock.today():
        errors["decided_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        appeal = (
            DisclosureAppeal.objects.select_for_update()
            .select_related("request")
            .filter(pk=appeal_id)
            .first()
        )
        if appeal is None or not acting_roles(actor, appeal.request) & {rules.DISCLOSURE_OFFICER}:
            raise NotFound()
        if decided_on < appeal.filed_on:
            raise ValidationFailed({"decided_on": [_("The decision cannot precede the filing.")]})
        appeal.result = result
        appeal.decided_on = decided_on
        appeal.updated_at = clock.now()
        appeal.save()
        return appeal

"""Every write to a ticket (DESIGN.md: services). One transaction per action, the ticket row locked,
the transition table checked (``rules.transition``) with the roles the actor holds for this
ticket, the event appended to the ticket's hash chain (``zhengwu.core.trail``), and the stored
deadlines rewritten from ``rules``' deadline functions.

- ``create_ticket``: a call or a web request is registered (待派单);
- ``answer_on_the_spot`` / ``transfer_emergency`` / ``merge_duplicate``: settled at the desk;
- ``act``: every later action (``PUBLIC_ACTIONS``);
- ``sweep``: automatic 督办 (``manage.py ticket_sweep``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import Department, User
from zhengwu.cases.models import Case
from zhengwu.core import clock, trail
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.inputs import phone as clean_phone
from zhengwu.core.inputs import text as clean_text
from zhengwu.core.roles import Role, role_names
from zhengwu.tickets import rules
from zhengwu.tickets.models import (
    HANDLING_STATE_VALUES,
    Category,
    Channel,
    EmergencyService,
    ExtensionStatus,
    Kind,
    Outcome,
    Satisfaction,
    Ticket,
    TicketEvent,
)
from zhengwu.tickets.rules import Action, State, TicketRuleError
from zhengwu.workdays.loader import check_supported, get_calendar
from zhengwu.workdays.retroactive import is_retroactive

MAX_CONTENT = 5000
MAX_TEXT = 2000
# Staff of a handling unit (the department a ticket is dispatched to).
UNIT_ROLES = frozenset({Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD})
# The public names of ``act``'s actions (the API paths use them with hyphens).
PUBLIC_ACTIONS = (
    "dispatch",
    "accept",
    "return",
    "review_return",
    "extend",
    "approve_extension",
    "reply",
    "urge",
    "callback",
    "redo",
    "investigate",
    "close",
)

RULE_MESSAGES = {
    "illegal_transition": gettext_lazy(
        "This action is not possible in the ticket's current state."
    ),
    "role_not_allowed": gettext_lazy("Your role may not take this action."),
    "unknown_state": gettext_lazy("The ticket is in an unknown state."),
    "unknown_action": gettext_lazy("Unknown action."),
    "already_returned": gettext_lazy(
        "A ticket may be returned only once; the handling unit must now deal with it."
    ),
    "already_extended": gettext_lazy("A ticket's reply deadline may be extended only once."),
    "extension_after_due": gettext_lazy(
        "The reply deadline has already passed; an extension must be asked for before it."
    ),
    "urge_level_down": gettext_lazy("An urge level can only go up, never down."),
    "urge_level_role": gettext_lazy("Your role may not order an urge of this level."),
    "redo_not_allowed": gettext_lazy(
        "Only a ticket whose caller was reached and was not satisfied or not helped can be sent "
        "back for redoing."
    ),
    "not_efficiency": gettext_lazy("Only an efficiency complaint is investigated."),
    "already_investigated": gettext_lazy("This complaint has been investigated already."),
    "answer_consult_only": gettext_lazy("Only a consultation can be answered on the spot."),
    "merge_into_self": gettext_lazy("A ticket cannot be merged into itself."),
    "merge_into_merged": gettext_lazy(
        "That ticket is itself a merged duplicate: merge into the ticket it was merged into."
    ),
    "stale_version": gettext_lazy(
        "The ticket was changed by someone else in the meantime; reload it and try again."
    ),
}


def rule_error(code: str) -> DomainError | Forbidden:
    message = RULE_MESSAGES.get(code, gettext_lazy("This action is not allowed."))
    if code in ("role_not_allowed", "urge_level_role"):
        return Forbidden(message, code=code)
    return DomainError(message, code=code)


# ---------------------------------------------------------------- helpers


def acting_roles(actor: User | None, ticket: Ticket | None) -> frozenset[str]:
    """The roles of the transition table that ``actor`` holds for ``ticket`` (None: a new one)."""
    if actor is None:
        return frozenset({rules.SYSTEM})
    held = role_names(actor)
    roles = set()
    for role, name in (
        (Role.OPERATOR, rules.OPERATOR),
        (Role.SUPERVISOR, rules.SUPERVISOR),
        (Role.LEADER, rules.LEADER),
        (Role.ADMIN, rules.ADMIN),
    ):
        if role in held:
            roles.add(name)
    if (
        ticket is not None
        and ticket.department_id is not None
        and ticket.department_id == actor.department_id
        and held & UNIT_ROLES
    ):
        roles.add(rules.UNIT)
    if Role.APPLICANT in held and (ticket is None or ticket.owner_id == actor.pk):
        roles.add(rules.CITIZEN)
    if Role.DISCLOSURE_OFFICER in held and ticket is None:
        roles.add(rules.REFERRER)
    return frozenset(roles)


def _check(ticket_state: str | None, action: Action, roles) -> State | None:
    try:
        return rules.transition(ticket_state, action, roles)
    except TicketRuleError as error:
        raise rule_error(error.code) from error


def _tz():
    return clock.LOCAL_TZ


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _stated(value, *, not_before=None) -> dt.datetime:
    stated = trail.stated_time(
        value,
        field="occurred_at",
        not_before=not_before,
        earlier_message=_("The time cannot be earlier than the ticket's last step."),
    )
    check_supported(clock.local_date(stated), field="occurred_at")  # the deadlines count from it
    return stated


def _append(ticket: Ticket, *, kind: str, actor, occurred_at, data, staff: bool = True) -> None:
    retro = (
        staff
        and actor is not None
        and is_retroactive(clock.local_date(occurred_at), clock.today(), get_calendar())
    )
    row = TicketEvent(
        ticket=ticket,
        kind=str(kind),
        occurred_at=occurred_at,
        actor=actor,
        data=dict(data),
        retroactive=retro,
    )
    trail.append(ticket, row, label="ticket")


def _save(ticket: Ticket) -> None:
    ticket.version += 1
    ticket.updated_at = clock.now()
    ticket.save()


def _bool(value, field: str, errors: dict) -> bool | None:
    if not isinstance(value, bool):
        errors[field] = [_("Enter true or false.")]
        return None
    return value


def _choice(value, field: str, choices, errors: dict, *, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or value not in choices:
        errors[field] = [_("Choose one of the allowed values.")]
        return ""
    return value


def _department(value, field: str, errors: dict, *, required: bool) -> Department | None:
    if isinstance(value, Department):
        return value
    code = clean_text(value, field, required=required, errors=errors, limit=32)
    if not code or field in errors:
        return None
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        errors[field] = [_("There is no active department with this code.")]
    return department


def _category(value, errors: dict) -> Category | None:
    if isinstance(value, Category):
        return value
    code = clean_text(value, "category", required=True, errors=errors, limit=32)
    if not code or "category" in errors:
        return None
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        errors["category"] = [_("There is no active ticket category with this code.")]
    return category


def _workdays_config() -> dict[str, int]:
    return {str(k): int(v) for k, v in settings.TICKET_REPLY_WORKDAYS.items()}


def deadlines(ticket: Ticket, dispatched_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """``(accept_due, due_at)`` of ``ticket`` dispatched at ``dispatched_at`` (settings)."""
    calendar = get_calendar()
    due = rules.reply_due(
        kind=ticket.kind,
        urgent=ticket.urgent,
        dispatched_at=dispatched_at,
        calendar=calendar,
        tz=_tz(),
        workdays=_workdays_config(),
        urgent_hours=settings.TICKET_URGENT_HOURS,
    )
    accept = rules.accept_due(
        dispatched_at=dispatched_at,
        reply_due_at=due,
        calendar=calendar,
        tz=_tz(),
        workdays=settings.TICKET_ACCEPT_WORKDAYS,
    )
    return accept, due


def _urge_due(at: dt.datetime, level: int) -> dt.datetime:
    return rules.urge_due(
        at=at,
        level=level,
        calendar=get_calendar(),
        tz=_tz(),
        workdays=settings.TICKET_URGE_RESPONSE_WORKDAYS,
    )


def _lock(actor: User | None, number: str) -> Ticket:
    from zhengwu.tickets.selectors import scope

    queryset = Ticket.objects.select_for_update().select_related("category")
    if actor is not None:
        queryset = queryset.filter(scope(actor))
    number = str(number or "")[:32]
    ticket = None if "\x00" in number else queryset.filter(number=number).first()
    if ticket is None:
        raise NotFound()
    return ticket


def _last_event_at(ticket: Ticket) -> dt.datetime | None:
    return (
        ticket.events.order_by("-seq").values_list("occurred_at", flat=True).first()
        if ticket.event_count
        else None
    )


def _may_state_time(actor: User) -> bool:
    return bool(role_names(actor) - {Role.APPLICANT.value})


# ---------------------------------------------------------------- create


def create_ticket(
    *,
    actor: User,
    kind: str,
    category,
    content: str,
    caller_phone: str,
    caller_name: str = "",
    address: str = "",
    area: str = "",
    channel: str = "phone",
    urgent: bool = False,
    related_case: str = "",
    related_department=None,
    occurred_at: dt.datetime | None = None,
    handed_over: Mapping | None = None,
) -> Ticket:
    """Register a call (an operator) or a web request (a citizen, who owns it). ``handed_over``:
    the platform that handed the ticket over and its number there (``exchange``), kept in the
    ticket's first event."""
    roles = acting_roles(actor, None)
    _check(None, Action.CREATE, roles)
    desk = bool(roles & {rules.OPERATOR, rules.ADMIN})
    errors: dict[str, list] = {}
    kind = _choice(kind, "kind", Kind.values, errors)
    category = _category(category, errors)
    content = clean_text(content, "content", required=True, errors=errors, limit=MAX_CONTENT)
    caller_phone = clean_phone(caller_phone, "caller_phone", errors=errors)
    caller_name = clean_text(caller_name, "caller_name", required=False, errors=errors, limit=60)
    address = clean_text(address, "address", required=False, errors=errors, limit=200)
    area = clean_text(area, "area", required=False, errors=errors, limit=100)
    channel = _choice(channel, "channel", Channel.values, errors)
    if not desk and channel == Channel.PHONE:
        channel = Channel.WEB
    urgent = bool(_bool(urgent, "urgent", errors))
    case = None
    case_number = clean_text(related_case, "related_case", required=False, errors=errors, limit=32)
    if case_number and "related_case" not in errors:
        case = Case.objects.filter(number=case_number).first()
        if case is None:
            errors["related_case"] = [_("There is no case with this number.")]
    related = None
    if related_department not in (None, ""):
        related = _department(related_department, "related_department", errors, required=False)
    if occurred_at is not None and not desk:
        errors["occurred_at"] = [_("Only the hotline desk states when a call was received.")]
    if errors:
        raise ValidationFailed(errors)
    received_at = _stated(occurred_at)

    with transaction.atomic():
        now = clock.now()
        ticket = Ticket(
            kind=kind,
            category=category,
            content=content,
            caller_phone=caller_phone,
            caller_name=caller_name,
            address=address,
            area=area,
            channel=channel,
            urgent=urgent,
            related_case=case,
            related_department=related,
            state=State.RECEIVED,
            created_by=actor,
            owner=actor if rules.CITIZEN in roles and not desk else None,
            received_at=received_at,
            created_at=now,
            updated_at=now,
        )
        ticket.save(force_insert=True)
        ticket.number = f"{clock.local_date(now):%Y%m%d}{ticket.pk:08d}"
        _append(
            ticket,
            kind=Action.CREATE,
            actor=actor,
            occurred_at=received_at,
            staff=desk,
            data={
                "kind": kind,
                "category": category.code,
                "channel": channel,
                "urgent": urgent,
                "caller_name": caller_name,
                "related_case": case.number if case else "",
                "related_department": related.code if related else "",
                **({"handed_over": dict(handed_over)} if handed_over else {}),
            },
        )
        ticket.save(update_fields=["number", "event_count", "head_hash"])
    return ticket


# ---------------------------------------------------------------- settled at the desk


def _desk_action(actor, number: str, action: Action, occurred_at, apply) -> Ticket:
    with transaction.atomic():
        ticket = _lock(actor, number)
        _check(ticket.state, action, acting_roles(actor, ticket))
        at = _stated(occurred_at, not_before=_last_event_at(ticket))
        data = apply(ticket, at)
        _append(ticket, kind=action, actor=actor, occurred_at=at, data=data)
        _save(ticket)
    return ticket


def transfer_emergency(
    *, actor: User, number: str, service: str, note: str = "", occurred_at=None
) -> Ticket:
    """A recorded transfer to 110/119/120/122, which closes the ticket at once."""
    errors: dict[str, list] = {}
    service = _choice(service, "service", EmergencyService.values, errors)
    note = clean_text(note, "note", required=False, errors=errors)
    if errors:
        raise ValidationFailed(errors)

    def apply(ticket, at):
        ticket.state = State.TRANSFERRED
        ticket.emergency_service = service
        ticket.closed_at = at
        return {"service": service, "note": note}

    return _desk_action(actor, number, Action.TRANSFER, occurred_at, apply)


def answer_on_the_spot(*, actor: User, number: str, answer: str, occurred_at=None) -> Ticket:
    """A consultation answered during the call: replied and closed."""
    errors: dict[str, list] = {}
    answer = clean_text(answer, "answer", required=True, errors=errors, limit=MAX_CONTENT)
    if errors:
        raise ValidationFailed(errors)

    def apply(ticket, at):
        if ticket.kind != Kind.CONSULT:
            raise rule_error("answer_consult_only")
        ticket.state = State.CLOSED
        ticket.reply = answer
        ticket.replied_at = at
        ticket.closed_at = at
        return {"answer": answer}

    return _desk_action(actor, number, Action.ANSWER, occurred_at, apply)


def merge_duplicate(*, actor: User, number: str, into: str, occurred_at=None) -> Ticket:
    """A repeated call about a matter already on record: merged into that ticket and closed."""
    from zhengwu.tickets.selectors import visible_tickets

    errors: dict[str, list] = {}
    into = clean_text(into, "into", required=True, errors=errors, limit=32)
    if errors:
        raise ValidationFailed(errors)
    target = visible_tickets(actor).filter(number=into).first()
    if target is None:
        raise ValidationFailed({"into": [_("There is no ticket with this number.")]})

    def apply(ticket, at):
        if target.pk == ticket.pk:
            raise rule_error("merge_into_self")
        if target.duplicate_of_id is not None:
            raise rule_error("merge_into_merged")
        ticket.state = State.MERGED
        ticket.duplicate_of = target
        ticket.closed_at = at
        return {"into": target.number}

    return _desk_action(actor, number, Action.MERGE, occurred_at, apply)


# ---------------------------------------------------------------- act


def act(
    *,
    actor: User,
    number: str,
    action: str,
    data: Mapping | None = None,
    occurred_at: dt.datetime | None = None,
    version: int | None = None,
) -> Ticket:
    """Take the public ``action`` on ticket ``number``. Raises NotFound (not visible), Forbidden,
    ValidationFailed (the input) or DomainError (a rule or a stale ``version``)."""
    if action not in PUBLIC_ACTIONS:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    if not isinstance(data, Mapping | None):
        raise ValidationFailed({"data": [_("Enter an object.")]})
    data = dict(data or {})
    if occurred_at is not None and not _may_state_time(actor):
        raise ValidationFailed({"occurred_at": [_("Only staff may state when a step happened.")]})
    handler = _HANDLERS[action]
    with transaction.atomic():
        ticket = _lock(actor, number)
        if version is not None and version != ticket.version:
            raise rule_error("stale_version")
        roles = acting_roles(actor, ticket)
        _precheck(ticket.state, action, roles)
        at = _stated(occurred_at, not_before=_last_event_at(ticket))
        handler(actor, ticket, roles, data, at)
        _save(ticket)
    return ticket


# Public actions whose table action depends on what is sent.
_OUTCOMES = {
    "review_return": (Action.RETURN_APPROVED, Action.RETURN_REJECTED),
    "approve_extension": (Action.EXTENSION_APPROVED, Action.EXTENSION_REJECTED),
    "callback": (Action.CALLBACK, Action.CALLBACK_OPEN),
}


def _precheck(state: str, action: str, roles) -> None:
    """The state and the roles first: a ticket in the wrong state gets a 409 (and a caller
    without the role a 403) whatever was sent with the action."""
    candidates = _OUTCOMES[action] if action in _OUTCOMES else (Action(action),)
    first = None
    for candidate in candidates:
        try:
            rules.transition(state, candidate, roles)
            return
        except TicketRuleError as error:
            first = first or error
    raise rule_error(first.code) from first


def _step(ticket, roles, action: Action, actor, at, event_data: dict) -> None:
    """Check ``action`` against the table, move the state and record the event."""
    next_state = _check(ticket.state, action, roles)
    if next_state is not None:
        ticket.state = next_state
    _append(ticket, kind=action, actor=actor, occurred_at=at, data=event_data)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationFailed(errors)


def _dispatch_to(ticket: Ticket, department: Department, at: dt.datetime, due) -> dict:
    accept, due_at = deadlines(ticket, at)
    if due is not None:
        due_at = clock.end_of_day(due)
        accept = min(accept, due_at)
    ticket.department = department
    ticket.dispatched_at = at
    ticket.accept_due = accept
    ticket.accepted_at = None
    ticket.due_at = due_at
    return {
        "department": department.code,
        "department_name": department.name,
        "accept_due": _iso(accept),
        "due_at": _iso(due_at),
    }


def _due_date(value, at: dt.datetime, errors: dict) -> dt.date | None:
    """The optional reply deadline a dispatcher sets by hand: a date, not before the dispatch."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = clock.local_date(value) if value.tzinfo else value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            errors["due"] = [_("Enter a valid date (YYYY-MM-DD).")]
            return None
    if not isinstance(value, dt.date):
        errors["due"] = [_("Enter a valid date (YYYY-MM-DD).")]
        return None
    if value < clock.local_date(at):
        errors["due"] = [_("The deadline cannot be before the dispatch.")]
        return None
    return value


def _dispatch(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    department = _department(data.get("department"), "department", errors, required=True)
    due = _due_date(data.get("due"), at, errors)
    _raise(errors)
    _check(ticket.state, Action.DISPATCH, roles)
    _step(ticket, roles, Action.DISPATCH, actor, at, _dispatch_to(ticket, department, at, due))


def _accept(actor, ticket, roles, data, at):
    _check(ticket.state, Action.ACCEPT, roles)
    in_time = ticket.accept_due is None or at <= ticket.accept_due
    ticket.accepted_at = at
    if ticket.urge_due is not None and (ticket.due_at is None or at <= ticket.due_at):
        ticket.urge_due = None  # a 督办 for not accepting is answered
    _step(ticket, roles, Action.ACCEPT, actor, at, {"in_time": in_time})


def _return(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    reason = clean_text(data.get("reason"), "reason", required=True, errors=errors)
    _raise(errors)
    _check(ticket.state, Action.RETURN, roles)
    if ticket.returned:
        raise rule_error("already_returned")
    ticket.returned = True
    _step(ticket, roles, Action.RETURN, actor, at, {"reason": reason, "from": ticket.state})


def _review_return(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    approve = _bool(data.get("approve"), "approve", errors)
    department = None
    if approve and data.get("department") not in (None, ""):
        department = _department(data.get("department"), "department", errors, required=True)
    note = clean_text(data.get("note"), "note", required=False, errors=errors)
    _raise(errors)
    if not approve:
        _check(ticket.state, Action.RETURN_REJECTED, roles)
        ticket.accepted_at = ticket.accepted_at or at
        _step(ticket, roles, Action.RETURN_REJECTED, actor, at, {"approve": False, "note": note})
        return
    _check(ticket.state, Action.RETURN_APPROVED, roles)
    previous = ticket.department
    ticket.department = None
    ticket.dispatched_at = ticket.accept_due = ticket.accepted_at = ticket.due_at = None
    ticket.urge_due = None
    _step(
        ticket,
        roles,
        Action.RETURN_APPROVED,
        actor,
        at,
        {"approve": True, "from": previous.code if previous else "", "note": note},
    )
    if department is not None:
        _step(ticket, roles, Action.DISPATCH, actor, at, _dispatch_to(ticket, department, at, None))


def _extend(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    workdays = data.get("workdays")
    limit = settings.TICKET_EXTENSION_MAX_WORKDAYS
    if isinstance(workdays, bool) or not isinstance(workdays, int):
        errors["workdays"] = [_("Enter a whole number.")]
    elif not 1 <= workdays <= limit:
        errors["workdays"] = [_("An extension is 1 to %(limit)d working days.") % {"limit": limit}]
    reason = clean_text(data.get("reason"), "reason", required=True, errors=errors)
    _raise(errors)
    _check(ticket.state, Action.EXTEND, roles)
    if ticket.extension_status:
        raise rule_error("already_extended")
    if ticket.due_at is not None and at > ticket.due_at:
        raise rule_error("extension_after_due")
    ticket.extension_status = ExtensionStatus.REQUESTED
    _step(ticket, roles, Action.EXTEND, actor, at, {"workdays": workdays, "reason": reason})


def _approve_extension(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    approve = _bool(data.get("approve"), "approve", errors)
    note = clean_text(data.get("note"), "note", required=False, errors=errors)
    _raise(errors)
    action = Action.EXTENSION_APPROVED if approve else Action.EXTENSION_REJECTED
    _check(ticket.state, action, roles)
    event = {"approve": approve, "note": note}
    if approve:
        asked = (
            ticket.events.filter(kind=Action.EXTEND)
            .order_by("-seq")
            .values_list("data", flat=True)
            .first()
        )
        workdays = int((asked or {}).get("workdays", 0))
        ticket.due_at = rules.extended_due(
            due_at=ticket.due_at, workdays=workdays, calendar=get_calendar(), tz=_tz()
        )
        ticket.extension_workdays = workdays
        ticket.extension_status = ExtensionStatus.APPROVED
        event.update(workdays=workdays, due_at=_iso(ticket.due_at))
    else:
        ticket.extension_status = ExtensionStatus.REJECTED
    _step(ticket, roles, action, actor, at, event)


def _reply(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    result = clean_text(
        data.get("result"), "result", required=True, errors=errors, limit=MAX_CONTENT
    )
    _raise(errors)
    _check(ticket.state, Action.REPLY, roles)
    on_time = ticket.due_at is None or at <= ticket.due_at
    ticket.reply = result
    ticket.replied_at = at
    ticket.urge_due = None
    _step(ticket, roles, Action.REPLY, actor, at, {"result": result, "on_time": on_time})


def _urge(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    level = data.get("level")
    if isinstance(level, bool) or not isinstance(level, int):
        errors["level"] = [_("Enter a whole number.")]
    elif not 1 <= level <= rules.URGE_MAX_LEVEL:
        errors["level"] = [_("An urge level is 1, 2 or 3.")]
    reason = clean_text(data.get("reason"), "reason", required=True, errors=errors)
    _raise(errors)
    _check(ticket.state, Action.URGE, roles)
    if level > rules.urge_level_allowed(roles):
        raise rule_error("urge_level_role")
    if level < ticket.urge_level:
        raise rule_error("urge_level_down")
    _record_urge(ticket, actor=actor, at=at, level=level, reason=reason, auto=False)


def _record_urge(ticket, *, actor, at, level: int, reason: str, auto: bool) -> None:
    ticket.urge_level = level
    ticket.urge_due = _urge_due(at, level)
    _append(
        ticket,
        kind=Action.URGE,
        actor=actor,
        occurred_at=at,
        data={"level": level, "reason": reason, "auto": auto, "respond_by": _iso(ticket.urge_due)},
    )


def _callback(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    reached = _bool(data.get("reached"), "reached", errors)
    resolved = None
    satisfaction = ""
    if reached:
        resolved = _bool(data.get("resolved"), "resolved", errors)
        satisfaction = _choice(
            data.get("satisfaction"), "satisfaction", Satisfaction.values, errors
        )
    elif reached is False:
        for field in ("resolved", "satisfaction"):
            if data.get(field) not in (None, ""):
                errors[field] = [_("Leave this empty when the caller was not reached.")]
    note = clean_text(data.get("note"), "note", required=False, errors=errors)
    _raise(errors)
    settled = reached and satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASIC)
    action = Action.CALLBACK if settled else Action.CALLBACK_OPEN
    _check(ticket.state, action, roles)
    ticket.callback_reached = reached
    ticket.callback_resolved = resolved
    ticket.satisfaction = satisfaction
    ticket.callback_at = at
    ticket.callback_round = ticket.redo_count
    if settled:
        ticket.closed_at = at
    _step(
        ticket,
        roles,
        action,
        actor,
        at,
        {"reached": reached, "resolved": resolved, "satisfaction": satisfaction, "note": note},
    )


def _redo(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    reason = clean_text(data.get("reason"), "reason", required=True, errors=errors)
    _raise(errors)
    _check(ticket.state, Action.REDO, roles)
    if not ticket.callback_reached or (
        ticket.satisfaction != Satisfaction.UNSATISFIED and ticket.callback_resolved is not False
    ):
        raise rule_error("redo_not_allowed")
    _accept_due, due_at = deadlines(ticket, at)
    ticket.redo_count += 1
    ticket.due_at = due_at
    ticket.reply = ""
    ticket.replied_at = None
    _step(
        ticket,
        roles,
        Action.REDO,
        actor,
        at,
        {"reason": reason, "round": ticket.redo_count, "due_at": _iso(due_at)},
    )


def _investigate(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    outcome = _choice(data.get("outcome"), "outcome", Outcome.values, errors)
    department = None
    if data.get("department") not in (None, ""):
        department = _department(data.get("department"), "department", errors, required=True)
    staff = clean_text(data.get("staff"), "staff", required=False, errors=errors, limit=100)
    note = clean_text(data.get("note"), "note", required=False, errors=errors)
    _raise(errors)
    _check(ticket.state, Action.INVESTIGATE, roles)
    if not ticket.category.is_efficiency:
        raise rule_error("not_efficiency")
    if ticket.investigation_outcome:
        raise rule_error("already_investigated")
    department = department or ticket.related_department or ticket.department
    ticket.investigation_outcome = outcome
    ticket.investigated_department = department
    ticket.investigated_staff = staff
    case = ticket.related_case.number if ticket.related_case_id else ""
    _step(
        ticket,
        roles,
        Action.INVESTIGATE,
        actor,
        at,
        {
            "outcome": outcome,
            "department": department.code if department else "",
            "staff": staff,
            "note": note,
            "case": case,
        },
    )


def _close(actor, ticket, roles, data, at):
    errors: dict[str, list] = {}
    note = clean_text(data.get("note"), "note", required=False, errors=errors)
    _raise(errors)
    _check(ticket.state, Action.CLOSE, roles)
    ticket.closed_at = at
    _step(ticket, roles, Action.CLOSE, actor, at, {"note": note})


_HANDLERS = {
    "dispatch": _dispatch,
    "accept": _accept,
    "return": _return,
    "review_return": _review_return,
    "extend": _extend,
    "approve_extension": _approve_extension,
    "reply": _reply,
    "urge": _urge,
    "callback": _callback,
    "redo": _redo,
    "investigate": _investigate,
    "close": _close,
}


# ---------------------------------------------------------------- the sweep

NOT_ACCEPTED = "not_accepted"
OVERDUE = "overdue"
ESCALATED = "escalated"


def _late(now: dt.datetime) -> Q:
    """Handling tickets whose unit is late: not accepted by the acceptance deadline, or not
    replied by the reply deadline."""
    return Q(state=State.DISPATCHED, accept_due__lt=now) | Q(due_at__lt=now)


def _sweep_rule(now: dt.datetime, condition: Q, change, batch: int) -> int:
    """Lock each ticket matching ``condition`` in turn, check it again under the lock (a
    concurrent sweep may have got there first), and apply ``change``; how many changed."""
    base = Ticket.objects.filter(state__in=HANDLING_STATE_VALUES).filter(condition)
    done = 0
    last_id = 0
    while True:
        ids = list(base.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:batch])
        if not ids:
            return done
        last_id = ids[-1]
        for ticket_id in ids:
            with transaction.atomic():
                ticket = base.select_for_update().filter(pk=ticket_id).first()
                if ticket is None:
                    continue
                change(ticket)
                _save(ticket)
                done += 1


def sweep(*, now: dt.datetime | None = None, batch: int = 500) -> dict:
    """Automatic 督办 (DOMAIN.md §7): a level-1 urge (or the current level, levels never go down)
    for a unit late to accept or to reply, and one level up for an urge not answered by its
    response deadline, up to level 3. Idempotent: a second run, or one running at the same time,
    finds nothing left to record."""
    now = now or clock.now()

    def first_urge(ticket):
        not_accepted = ticket.state == State.DISPATCHED and ticket.accept_due < now
        overdue = ticket.due_at is not None and ticket.due_at < now
        reason = OVERDUE if overdue or not not_accepted else NOT_ACCEPTED
        _record_urge(
            ticket, actor=None, at=now, level=max(ticket.urge_level, 1), reason=reason, auto=True
        )

    def escalate(ticket):
        _record_urge(
            ticket, actor=None, at=now, level=ticket.urge_level + 1, reason=ESCALATED, auto=True
        )

    urged = _sweep_rule(now, _late(now) & Q(urge_due__isnull=True), first_urge, batch)
    escalated = _sweep_rule(
        now, Q(urge_due__lt=now, urge_level__lt=rules.URGE_MAX_LEVEL), escalate, batch
    )
    return {"urged": urged, "escalated": escalated}


def seed_ticket_categories() -> int:
    """The default category tree (``defaults.TREE``); idempotent: creates only what is missing."""
    from zhengwu.tickets.defaults import load

    with transaction.atomic():
        return load(Category)

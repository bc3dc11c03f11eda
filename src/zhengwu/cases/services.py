"""Every write to a case (DESIGN.md: services). One transaction per action, the case row locked,
the transition table and the clocks checked by replaying the events with the new one, the event
appended to the hash chain, and the stored clocks rewritten from ``compute_clocks``.

- ``submit``: a new application (window or online);
- ``act``: any later action (``inputs.PUBLIC_ACTIONS``), by staff or by the applicant;
- ``deem_overdue``: deemed acceptances, the first step of the supervision sweep
  (``zhengwu.supervision.sweep``, which brings the levels up to date set-based);
- ``recompute_provisional``: after an official calendar year is entered.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import Applicant, User
from zhengwu.accounts.services import register_applicant
from zhengwu.cases import inputs, observers
from zhengwu.cases.clocks import ClockError, Clocks, Event, Terms, compute_clocks
from zhengwu.cases.models import OPEN_STATE_VALUES, Case, CaseEvent, Channel
from zhengwu.cases.rules import (
    Action,
    State,
    TransitionError,
    missing_for_acceptance,
    transition,
)
from zhengwu.cases.selectors import as_of_today, scope, staff_department_ids
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.catalog.selectors import intake_version, material_codes, window_may_receive
from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.queries import one_by_one
from zhengwu.core.roles import Role, role_names
from zhengwu.workdays.loader import check_supported, get_calendar
from zhengwu.workdays.retroactive import is_retroactive

log = logging.getLogger(__name__)

SYSTEM_ACTOR = trail.SYSTEM_ACTOR
RECOMPUTED = "clocks_recomputed"
# Clock fields copied onto the case (name on Clocks → name on Case).
CLOCK_FIELDS = (
    "received_on",
    "intake_due",
    "accepted_on",
    "deemed_accepted",
    "promised_due",
    "statutory_due",
    "delivery_due",
    "delivered_on",
    "suspended_since",
    "suspended_workdays",
    "extension_workdays",
    "completed_on",
    "completion",
    "level",
    "statutory_overdue",
    "delivery_overdue",
    "provisional",
    "supplement_due",
)

RULE_MESSAGES = {
    "illegal_transition": gettext_lazy("This action is not possible in the case's current state."),
    "role_not_allowed": gettext_lazy("Your role may not take this action."),
    "already_extended": gettext_lazy("The decision period may be extended only once."),
    "unknown_state": gettext_lazy("The case is in an unknown state."),
    "unknown_action": gettext_lazy("Unknown action."),
    "event_out_of_order": gettext_lazy("The stated time is earlier than the case's last step."),
    "intake_expired": gettext_lazy(
        "The intake limit has passed: the application is deemed accepted."
    ),
    "intake_not_expired": gettext_lazy("The intake limit has not passed yet."),
    "invalid_extension": gettext_lazy("An extension is 1 to 10 working days."),
    "extension_after_due": gettext_lazy(
        "The statutory limit has already passed; an extension must be approved before it."
    ),
    "no_events": gettext_lazy("The case has no events."),
    "deemed_accepted": gettext_lazy(
        "The intake limit passed without an intake decision: the application is deemed "
        "accepted as of the day it was received."
    ),
    "materials_incomplete": gettext_lazy(
        "Not every required material has been handed in: %(names)s."
    ),
    "stale_version": gettext_lazy(
        "The case was changed by someone else in the meantime; reload it and try again."
    ),
}


def rule_error(error: TransitionError | ClockError) -> DomainError | Forbidden:
    message = RULE_MESSAGES.get(error.code, gettext_lazy("This action is not allowed."))
    if error.code == "role_not_allowed":
        return Forbidden(message, code="role_not_allowed")
    return DomainError(message, code=error.code)


def terms_for(version: ServiceItemVersion) -> Terms:
    immediate = version.handling_type == "immediate"
    statutory = version.statutory_limit
    promised = version.promised_limit or None
    if promised is not None and promised > statutory:
        promised = statutory
    return Terms(statutory_limit=statutory, promised_limit=promised, immediate=immediate)


def _event_tuple(row: CaseEvent) -> Event:
    return Event(row.kind, clock.local_date(row.occurred_at), row.data)


def event_payload(row: CaseEvent, case_number: str) -> dict:
    """What the hash of a case event covers (``zhengwu.core.trail.payload``)."""
    return trail.payload("case", case_number, row)


def _chained(
    case: Case,
    *,
    kind: str,
    actor: User | None,
    occurred_at: dt.datetime,
    data: Mapping,
    retroactive: bool = False,
    recorded_at: dt.datetime | None = None,
) -> CaseEvent:
    """The next event of ``case``, hashed onto its chain but not saved; the case's event count
    and head hash already count it."""
    row = CaseEvent(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        actor=actor,
        data=data,
        retroactive=retroactive,
    )
    return trail.chain(case, row, label="case")


def _append(case: Case, **event) -> CaseEvent:
    """Append the next event (``_chained``'s arguments) to a saved case."""
    row = _chained(case, **event)
    row.save(force_insert=True)
    return row


def _apply_clocks(case: Case, clocks: Clocks) -> list[str]:
    """Copy the clocks onto the case; the names of the fields that changed."""
    changed = []
    for name in CLOCK_FIELDS:
        value = getattr(clocks, name)
        if name in ("completion", "level"):
            value = "" if value is None else str(value)
        elif isinstance(value, dt.date):
            value = dt.date(value.year, value.month, value.day)
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    used = workdays_used(clocks)
    if case.workdays_used != used:
        case.workdays_used = used
        changed.append("workdays_used")
    if case.clocks_on != clocks.as_of:
        case.clocks_on = clocks.as_of
        changed.append("clocks_on")
    return changed


def workdays_used(clocks: Clocks) -> int | None:
    """Working days a decided case took: from acceptance (not counted) to the decision day
    (counted), less the working days of its special procedures; ``None`` until decided. The
    speed-up indicators (docs/assessment.md) sum it."""
    if clocks.completed_on is None or clocks.accepted_on is None:
        return None
    spent = int(get_calendar().between(clocks.accepted_on, clocks.completed_on))
    return max(spent - clocks.suspended_workdays, 0)


def backfill_workdays_used(*, cases=None, events=None, batch: int = 500) -> int:
    """Fill ``workdays_used`` of the decided cases that lack it (decided before the field
    existed), ``batch`` cases per transaction, from their events through ``compute_clocks`` (the
    one clock computation) as of the decision day; the number of cases filled. ``cases`` and
    ``events`` default to ``Case`` and ``CaseEvent``; a migration passes its historical models.
    A case whose events break a clock rule is left empty (and logged)."""
    cases = cases or Case
    events = events or CaseEvent
    calendar = None
    done = last_id = 0
    while True:
        rows = list(
            cases.objects.filter(
                workdays_used__isnull=True,
                completed_on__isnull=False,
                accepted_on__isnull=False,
                id__gt=last_id,
            )
            .select_related("item_version")
            .order_by("id")[:batch]
        )
        if not rows:
            return done
        last_id = rows[-1].id
        calendar = calendar or get_calendar()
        steps: dict[int, list[Event]] = {row.id: [] for row in rows}
        for row in (
            events.objects.filter(case_id__in=list(steps))
            .order_by("case_id", "seq")
            .only("case_id", "kind", "occurred_at", "data")
        ):
            steps[row.case_id].append(_event_tuple(row))
        with transaction.atomic():
            for case in rows:
                try:
                    clocks = compute_clocks(
                        terms=terms_for(case.item_version),
                        events=steps[case.id],
                        calendar=calendar,
                        as_of=case.completed_on,
                    )
                except (TransitionError, ClockError, ValueError) as error:
                    log.warning("workdays_used not filled for case %s: %s", case.number, error)
                    continue
                used = workdays_used(clocks)
                if used is not None:
                    done += cases.objects.filter(pk=case.pk, workdays_used__isnull=True).update(
                        workdays_used=used
                    )


def _clocks(case: Case, events: Sequence[Event], as_of: dt.date) -> Clocks:
    try:
        return compute_clocks(
            terms=terms_for(case.item_version),
            events=events,
            calendar=get_calendar(),
            as_of=as_of,
        )
    except (TransitionError, ClockError) as error:
        raise rule_error(error) from error


def clocks_after(case: Case, rows: Sequence[CaseEvent]) -> Clocks:
    """The clocks of ``case`` as they stood right after the last of ``rows`` (its first events):
    what a certificate issued at that step states."""
    events = [_event_tuple(r) for r in rows]
    return _clocks(case, events, events[-1].occurred_on)


def stated_time(value: dt.datetime | None, *, field: str, not_before: dt.datetime | None):
    stated = trail.stated_time(
        value,
        field=field,
        not_before=not_before,
        earlier_message=_("The time cannot be earlier than the case's last step."),
    )
    check_supported(clock.local_date(stated), field=field)  # the clocks count from it
    return stated


def _is_retroactive(occurred_at: dt.datetime) -> bool:
    return is_retroactive(
        clock.local_date(occurred_at),
        clock.today(),
        get_calendar(),
        margin_workdays=settings.RETROACTIVE_MARGIN_WORKDAYS,
    )


# ---------------------------------------------------------------- submit


@dataclass(frozen=True)
class ApplicantInput:
    kind: str
    name: str
    phone: str
    id_number: str = ""
    uscc: str = ""
    contact: str = ""
    legal_representative: str = ""


def without_nul(data: ApplicantInput) -> ApplicantInput:
    """The applicant's details as the database can store them (PostgreSQL refuses NUL)."""
    return replace(
        data,
        **{
            f.name: getattr(data, f.name).replace("\x00", "")
            for f in fields(data)
            if isinstance(getattr(data, f.name), str)
        },
    )


def _prefixed(error: ValidationFailed, prefix: str) -> dict:
    return {f"{prefix}.{field}": messages for field, messages in error.errors.items()}


def _check_submitter(actor: User, channel: str, version: ServiceItemVersion) -> None:
    if channel == Channel.ONLINE and Role.PLATFORM in role_names(actor):
        return  # the provincial platform files what was applied for there
    if channel == Channel.WINDOW:
        departments = staff_department_ids(actor)  # first: it reads the roles along
        if Role.WINDOW_CLERK not in role_names(actor):
            raise Forbidden(_("Only a window clerk may file an application at the window."))
        if version.item.department_id not in departments:
            raise ValidationFailed(
                {"item": [_("Your window does not take applications for this department.")]}
            )
        if actor.window_id and not window_may_receive(actor.window_id, version.item):
            # A township's center receives only the items delegated down to it.
            raise ValidationFailed(
                {"item": [_("Your center does not handle this item: it is not delegated to it.")]}
            )
    elif Role.APPLICANT not in role_names(actor):
        raise Forbidden(_("Only an applicant may apply online."))


def filing_applicant(
    actor: User, channel: str, data: ApplicantInput, errors: dict
) -> Applicant | None:
    kind = data.kind
    number = data.id_number if kind == Applicant.Kind.PERSON else data.uscc
    link = None
    if channel == Channel.ONLINE and Role.PLATFORM in role_names(actor):
        pass  # the platform asserts the applicant's real-name details; no account is linked
    elif channel == Channel.ONLINE and kind == Applicant.Kind.PERSON:
        own = Applicant.objects.filter(user=actor).first()
        claimed = (number or "").strip().upper()
        taken = (
            own is None
            and Applicant.objects.filter(kind=kind, id_number=claimed, user__isnull=False).exists()
        )
        if (own is not None and own.id_number != claimed) or taken:
            # ``taken``: the number belongs to another account already.
            errors["applicant.id_number"] = [
                _("Online, a person applies in their own name: use your own ID number.")
            ]
            return None
        link = actor if own is None else None
    try:
        person = register_applicant(
            kind=kind,
            name=data.name,
            id_number=data.id_number,
            uscc=data.uscc,
            phone=data.phone,
            contact=data.contact,
            legal_representative=data.legal_representative,
            user=link,
        )
    except ValidationFailed as error:
        errors.update(_prefixed(error, "applicant"))
        return None
    if link is not None:
        claim_platform_cases(applicant=person, user=link)
    return person


def case_number(filed_on: dt.date, case_id: int) -> str:
    """A case's number: the day it was filed and its id, zero-padded to eight digits
    (``2025093000000042``). Unique because the id is, and fixed when the case is filed."""
    return f"{filed_on:%Y%m%d}{case_id:08d}"


def _new_case_id() -> int:
    """The id the case being filed will have, taken before its row is written so the row is
    written with its number. PostgreSQL: the next value of the id column's sequence (never handed
    out twice, whatever commits). SQLite: one past the table's AUTOINCREMENT counter, read inside
    the filing's transaction, which holds the database's only write lock from its start
    (``transaction_mode`` IMMEDIATE in settings), so no other filing reads it before this one's
    row raises it."""
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        return (row[0] if row else 0) + 1


def submit(
    *,
    actor: User,
    item: str,
    channel: str,
    applicant: ApplicantInput,
    materials: Sequence[str] = (),
    received_at: dt.datetime | None = None,
    platform_number: str | None = None,
    references: Mapping[str, str] | None = None,
) -> Case:
    """File an application: at the window by a clerk, or online by the applicant or by the
    provincial platform (``platform_number``, its own application number, required of it and of
    no one else; ``references``: where the platform keeps the file of each material handed in
    there). The case is returned with its one event (``case.events.all()`` reads nothing)."""
    errors: dict[str, list] = {}
    by_platform = Role.PLATFORM in role_names(actor)
    applicant = without_nul(applicant)
    if channel not in Channel.values:
        raise ValidationFailed({"channel": [_("The channel is window or online.")]})
    try:
        version = intake_version(str(item or "")[:64])
    except NotFound:
        raise ValidationFailed(
            {"item": [_("There is no published service item with this code.")]}
        ) from None
    _check_submitter(actor, channel, version)
    if received_at is not None and channel != Channel.WINDOW and not by_platform:
        errors["received_at"] = [_("Only the window states when an application was received.")]
    if by_platform:
        platform_number = core_inputs.text(
            platform_number, "platform_number", limit=64, required=True, errors=errors
        )
    elif platform_number is not None:
        errors["platform_number"] = [
            _("Only the provincial platform states its application number.")
        ]
    known = material_codes(version)
    codes = inputs.material_codes(list(materials), "materials", known=known, errors=errors)
    references = dict(references or {})
    if references and not by_platform:
        errors["references"] = [_("Only the provincial platform refers to files it keeps.")]
    elif references:
        inputs.material_codes(list(references), "references", known=known, errors=errors)
        codes = list(dict.fromkeys([*codes, *(c for c in references if c in known)]))
    core_inputs.phone(applicant.phone, "applicant.phone", errors=errors)
    if errors:
        raise ValidationFailed(errors)
    received_at = stated_time(received_at, field="received_at", not_before=None)

    with transaction.atomic():
        person = filing_applicant(actor, channel, applicant, errors)
        if errors:
            raise ValidationFailed(errors)
        now = clock.now()
        received_on = clock.local_date(received_at)
        case_id = _new_case_id()
        case = Case(
            pk=case_id,
            number=case_number(clock.local_date(now), case_id),
            item=version.item,
            item_version=version,
            department=version.item.department,
            applicant=person,
            owner=actor if channel == Channel.ONLINE and not by_platform else person.user,
            contact_phone=applicant.phone.strip(),
            channel=channel,
            window_id=actor.window_id if channel == Channel.WINDOW else None,
            platform_number=platform_number if by_platform else None,
            created_by=actor,
            state=State.SUBMITTED,
            materials=codes,
            received_at=received_at,
            received_on=received_on,
            intake_due=received_on,
            clocks_on=clock.today(),
            created_at=now,
            updated_at=now,
        )
        clocks = _clocks(case, [Event(Action.SUBMIT, received_on, {})], clock.today())
        _apply_clocks(case, clocks)
        event = _chained(
            case,
            kind=Action.SUBMIT,
            actor=actor,
            occurred_at=received_at,
            retroactive=channel == Channel.WINDOW and _is_retroactive(received_at),
            data={
                "item": version.item.impl_code,
                "version": version.number,
                "channel": channel,
                "applicant": person.pk,
                "applicant_name": person.name,
                "materials": codes,
                **(
                    {"platform_number": platform_number, "references": references}
                    if by_platform
                    else {}
                ),
            },
        )
        case.save(force_insert=True)
        event.save(force_insert=True)
        observers.saved(case, event)
    # Held as Django's prefetch would hold it: the caller presents the case without a read.
    held = case.events.all()
    held._result_cache, held._prefetch_done = [event], True
    case._prefetched_objects_cache = {"events": held}
    return case


def once_per_platform_number(
    *, actor: User, platform_number: str | None, create: Callable[[], Case]
) -> tuple[Case, bool]:
    """``(case, filed now)``: ``create()`` (a ``submit`` by the platform), or the case the
    platform filed first under the same ``platform_number`` when this is a resend, also one
    racing the first (the unique index makes it wait for the first to commit). A number another
    account filed under is a 409."""
    number = str(platform_number or "").strip()[:64]

    def first() -> Case | None:
        if not number or "\x00" in number:
            return None
        case = Case.objects.filter(platform_number=number).first()
        if case is not None and case.created_by_id != actor.pk:
            raise DomainError(
                _("Another account filed an application under this platform number."),
                code="platform_number_taken",
            )
        return case

    existing = first()
    if existing is not None:
        return existing, False
    try:
        return create(), True
    except IntegrityError:
        existing = first()
        if existing is None:
            raise
        return existing, False


def claim_platform_cases(*, applicant: Applicant, user: User) -> int:
    """Give ``user``, the account just linked to ``applicant``, the platform's filings for that
    applicant that no account follows yet: the applicant logs in and finds them."""
    return Case.objects.filter(
        applicant=applicant, owner__isnull=True, platform_number__isnull=False
    ).update(owner=user)


# ---------------------------------------------------------------- actions


def _lock(actor: User | None, number: str) -> Case:
    queryset = Case.objects.select_for_update().select_related("item_version", "item")
    if actor is not None:
        queryset = queryset.filter(scope(actor))
    number = str(number or "")[:32]
    case = None if "\x00" in number else queryset.filter(number=number).first()
    if case is None:
        raise NotFound()
    return case


def acting_roles(actor: User, case: Case) -> frozenset[str]:
    """The roles ``actor`` holds *for this case*: the applicant role only on their own case, the
    staff roles only on cases of their departments."""
    roles = set()
    held = role_names(actor)
    if Role.APPLICANT in held and case.owner_id == actor.pk:
        roles.add(Role.APPLICANT.value)
    if case.department_id in staff_department_ids(actor):
        roles |= {str(r) for r in held if r in (Role.WINDOW_CLERK, Role.REVIEWER)}
        roles |= {str(r) for r in held if r == Role.DEPARTMENT_HEAD}
    return frozenset(roles)


def _stored_events(case: Case) -> list[CaseEvent]:
    return list(case.events.order_by("seq"))


def _deem_if_due(case: Case, on: dt.date) -> bool:
    """Record the deemed acceptance of a locked case whose intake limit passed before ``on``."""
    if case.state != State.SUBMITTED or on <= case.intake_due:
        return False
    occurred = clock.start_of_day(case.intake_due + dt.timedelta(days=1))
    rows = _stored_events(case)
    events = [_event_tuple(r) for r in rows]
    events.append(Event(Action.DEEM_ACCEPT, clock.local_date(occurred), {}))
    clocks = _clocks(case, events, max(clock.today(), clock.local_date(occurred)))
    row = _append(
        case,
        kind=Action.DEEM_ACCEPT,
        actor=None,
        occurred_at=occurred,
        data={"intake_due": case.intake_due.isoformat(), "accepted_on": str(clocks.accepted_on)},
    )
    observers.recorded(case, row)
    case.state = clocks.state
    _apply_clocks(case, clocks)
    case.version += 1
    case.updated_at = clock.now()
    case.save()
    observers.saved(case, row)
    return True


def act(
    *,
    actor: User,
    number: str,
    action: str,
    data: Mapping | None = None,
    occurred_at: dt.datetime | None = None,
    version: int | None = None,
) -> Case:
    """Take the public ``action`` on case ``number``. Raises NotFound (not visible), Forbidden,
    ValidationFailed (the input) or DomainError (a rule or a stale ``version``)."""
    data = dict(data or {})
    if action not in inputs.PUBLIC_ACTIONS:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    held = role_names(actor)
    if occurred_at is not None and not held & {
        Role.WINDOW_CLERK,
        Role.REVIEWER,
        Role.DEPARTMENT_HEAD,
    }:
        raise ValidationFailed({"occurred_at": [_("Only staff may state when a step happened.")]})
    stated_on = None
    if occurred_at is not None:
        # Checked before the deemed acceptance below: a naive or future time must not record it.
        stated_on = clock.local_date(stated_time(occurred_at, field="occurred_at", not_before=None))

    # A late intake action first records the deemed acceptance it comes too late for; the deemed
    # acceptance stands whatever becomes of the action (which runs in a savepoint).
    failure: Exception | None = None
    with transaction.atomic():
        case = _lock(actor, number)
        if version is None or version == case.version:
            deemed = _deem_if_due(case, stated_on or clock.today())
            if deemed and version is not None:
                version = case.version
        try:
            with transaction.atomic():
                _act_locked(actor, case, action, data, occurred_at, version)
        except (DomainError, Forbidden, ValidationFailed) as error:
            failure = error
    if failure is not None:
        raise failure
    return case


def _act_locked(actor, case: Case, action: str, data: dict, occurred_at, version) -> None:
    if version is not None and version != case.version:
        raise DomainError(RULE_MESSAGES["stale_version"], code="stale_version")
    rows = _stored_events(case)
    last_at = rows[-1].occurred_at if rows else None
    occurred_at = stated_time(occurred_at, field="occurred_at", not_before=last_at)
    item_version = case.item_version
    known = material_codes(item_version)
    required = material_codes(item_version, required_only=True)
    table_action, event_data = inputs.clean_action(
        action,
        data,
        known_codes=known,
        required_codes=required,
        handed_in=case.materials,
        extension_max=terms_for(item_version).extension_max,
        parallel_allowed=item_version.parallel_approval,
    )
    try:
        transition(
            case.state,
            table_action,
            acting_roles(actor, case),
            extended=case.extension_workdays > 0,
        )
    except TransitionError as error:
        if (
            error.code == "illegal_transition"
            and case.deemed_accepted
            and table_action in (Action.ACCEPT, Action.REFUSE, Action.REQUEST_SUPPLEMENT)
        ):
            raise DomainError(RULE_MESSAGES["deemed_accepted"], code="deemed_accepted") from None
        raise rule_error(error) from error

    materials = list(case.materials)
    if table_action is Action.ACCEPT:
        missing = missing_for_acceptance(required, materials)
        if missing:
            names = dict(item_version.materials.values_list("code", "name"))
            raise DomainError(
                RULE_MESSAGES["materials_incomplete"]
                % {"names": "、".join(names.get(c, c) for c in missing)},
                code="materials_incomplete",
            )
    elif table_action is Action.REQUEST_SUPPLEMENT:
        earlier = [r for r in rows if r.kind == Action.REQUEST_SUPPLEMENT]
        event_data["round"] = len(earlier) + 1
        if earlier:
            event_data["added"] = new_in_notice(case, event_data["missing"], rows=rows)
        due = get_calendar().add(clock.local_date(occurred_at), settings.SUPPLEMENT_PERIOD_WORKDAYS)
        event_data["due"] = dt.date(due.year, due.month, due.day).isoformat()
    elif table_action is Action.SUPPLEMENT:
        materials += [c for c in event_data["materials"] if c not in materials]
        if still_missing(case, event_data["materials"]):
            # the case waits on for the rest of the notice's materials (no second notice)
            table_action = Action.SUPPLEMENT_PART
            transition(case.state, table_action, acting_roles(actor, case))

    events = [_event_tuple(r) for r in rows]
    on = clock.local_date(occurred_at)
    events.append(Event(table_action, on, event_data))
    clocks = _clocks(case, events, clock.today())
    staff = bool(acting_roles(actor, case) - {Role.APPLICANT.value})
    row = _append(
        case,
        kind=table_action,
        actor=actor,
        occurred_at=occurred_at,
        data=event_data,
        retroactive=staff and _is_retroactive(occurred_at),
    )
    case.state = clocks.state
    case.materials = materials
    if event_data.get("parallel"):
        case.parallel = True
    if table_action is Action.REQUEST_SUPPLEMENT:
        case.missing = event_data["missing"]
    elif table_action in (Action.SUPPLEMENT, Action.SUPPLEMENT_PART):
        case.missing = [c for c in case.missing if c not in materials]
    observers.recorded(case, row)
    _apply_clocks(case, clocks)
    case.version += 1
    case.updated_at = clock.now()
    case.save()
    observers.saved(case, row)
    observers.acted(case, str(table_action))


def new_in_notice(case: Case, missing: Sequence[str], *, rows=None) -> list[str]:
    """The materials of a further notice ``missing`` that the case's first one-time notice did
    not ask for (a second notice asking them breaks 一次性告知: an irregularity, DOMAIN §4); empty
    when the case has had no notice yet."""
    rows = _stored_events(case) if rows is None else rows
    first = next((r for r in rows if r.kind == Action.REQUEST_SUPPLEMENT), None)
    if first is None:
        return []
    asked = set(first.data.get("missing", []))
    return [code for code in missing if code not in asked]


def still_missing(case: Case, handing_in: Sequence[str]) -> list[str]:
    """The materials the case's notice asked for that remain missing after ``handing_in``."""
    return [code for code in case.missing if code not in handing_in and code not in case.materials]


# ---------------------------------------------------------------- the sweep


def deem_overdue() -> int:
    """Record the deemed acceptance of every case whose intake limit has passed (DOMAIN §3.1).

    Such cases are rare: one query on the (state, intake due) index finds them all (no ORDER BY
    on the id, which would tempt PostgreSQL into walking the whole primary key), then each is
    recorded under its row lock in its own transaction."""
    today = clock.today()
    ids = Case.objects.filter(state=State.SUBMITTED, intake_due__lt=today).values_list(
        "id", flat=True
    )
    return one_by_one(
        Case.objects.select_related("item_version"), list(ids), lambda c: _deem_if_due(c, today)
    )


def _recompute(case: Case, as_of: dt.date) -> tuple[Clocks, list[str]]:
    events = [_event_tuple(r) for r in _stored_events(case)]
    clocks = _clocks(case, events, as_of)
    return clocks, _apply_clocks(case, clocks)


def _jsonable(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def recompute_provisional(*, years: Iterable[int] = (), batch: int = 200) -> int:
    """Recompute every case whose clocks relied on a provisional calendar year, after the official
    schedule was entered; a case whose dates change records what changed (an event)."""
    today = clock.today()
    years = sorted({int(y) for y in years})
    done = 0
    last_id = 0
    while True:
        ids = list(
            Case.objects.filter(provisional=True, id__gt=last_id)
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            return done
        last_id = ids[-1]
        for case_id in ids:
            with transaction.atomic():
                case = (
                    Case.objects.select_for_update()
                    .select_related("item_version")
                    .filter(pk=case_id)
                    .first()
                )
                if case is None:
                    continue
                # a suspended case's dates as they stand today, so only the schedule's changes
                # are recorded
                as_of_today(case, today=today)
                before = {name: getattr(case, name) for name in CLOCK_FIELDS}
                as_of = today if case.state in OPEN_STATE_VALUES else case.clocks_on
                _clocks_now, changed = _recompute(case, as_of)
                dates = [n for n in changed if n not in ("clocks_on", "level", "provisional")]
                if dates:
                    _append(
                        case,
                        kind=RECOMPUTED,
                        actor=None,
                        occurred_at=clock.now(),
                        data={
                            "years": years,
                            "changes": {
                                n: [_jsonable(before[n]), _jsonable(getattr(case, n))]
                                for n in dates
                            },
                        },
                    )
                    case.version += 1
                    done += 1
                if changed:
                    case.updated_at = clock.now()
                    case.save()

"""Pages of the hotline: the operator's intake with its live suggestions, the work queues of every
role, the ticket page with the actions the user may take, the knowledge base, the reports, the
citizen's submission and follow-up without login, and the public monthly statistics.

Thin: they parse, call a selector or a service, and show the result with the services' own
messages (422 / 409 / 403 re-render the page with what was typed; 404 never says why).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core import clock, paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.cursors import decode_cursor
from zhengwu.core.display import cn_datetime
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.forms import attempt
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.identity import mask_name
from zhengwu.core.ratelimit import rate_limited
from zhengwu.core.replicas import reads_from_replica
from zhengwu.core.roles import Role, role_names
from zhengwu.core.views import applicant_required, guarded
from zhengwu.tickets import duplicates, knowledge, lookup, presenters, rules, selectors, services
from zhengwu.tickets import forms as f
from zhengwu.tickets.models import (
    HANDLING_STATE_VALUES,
    Category,
    EmergencyService,
    Kind,
    Outcome,
    Satisfaction,
    Ticket,
    TicketState,
)
from zhengwu.tickets.suggestions import suggest

PAGE_SIZE = 20
FOLLOW_LIMIT = 10  # tries per address per window, as the cases portal's track page
FOLLOW_WINDOW = 600
DESK = frozenset({Role.OPERATOR, Role.ADMIN})
UNIT = selectors.UNIT_ROLES
WATCH = frozenset({Role.SUPERVISOR, Role.LEADER})
STAFF = DESK | UNIT | WATCH

# Queue tabs per role, in order (the names are the selectors' queues).
QUEUE_LABELS = {
    "dispatch": gettext_lazy("New, awaiting dispatch"),
    "accept": gettext_lazy("Awaiting acceptance"),
    "handling": gettext_lazy("Being handled"),
    "returns": gettext_lazy("Returns to review"),
    "extensions": gettext_lazy("Extension requests"),
    "overdue": gettext_lazy("Overdue"),
    "callback": gettext_lazy("Awaiting callback"),
    "unsettled": gettext_lazy("Called back, not settled"),
    "urged": gettext_lazy("Urged (督办)"),
    "investigate": gettext_lazy("Efficiency complaints to investigate"),
    "open": gettext_lazy("All open"),
    "closed": gettext_lazy("Finished"),
    "all": gettext_lazy("All"),
}
ROLE_QUEUES = [
    (DESK, ("dispatch", "returns", "extensions", "overdue", "callback", "unsettled", "urged")),
    (UNIT, ("accept", "handling", "overdue", "urged")),
    (frozenset({Role.SUPERVISOR}), ("urged", "overdue", "investigate")),
    (frozenset({Role.LEADER}), ("overdue", "urged")),
    (STAFF, ("open", "closed", "all")),
]
# The transition table's actions → the page's action that takes them.
PAGE_ACTION = {
    rules.Action.DISPATCH: "dispatch",
    rules.Action.ACCEPT: "accept",
    rules.Action.RETURN: "return",
    rules.Action.RETURN_APPROVED: "review_return",
    rules.Action.RETURN_REJECTED: "review_return",
    rules.Action.EXTEND: "extend",
    rules.Action.EXTENSION_APPROVED: "approve_extension",
    rules.Action.EXTENSION_REJECTED: "approve_extension",
    rules.Action.REPLY: "reply",
    rules.Action.URGE: "urge",
    rules.Action.CALLBACK: "callback",
    rules.Action.CALLBACK_OPEN: "callback",
    rules.Action.REDO: "redo",
    rules.Action.INVESTIGATE: "investigate",
    rules.Action.CLOSE: "close",
    rules.Action.ANSWER: "answer",
    rules.Action.TRANSFER: "transfer",
    rules.Action.MERGE: "merge",
}
DESK_ACTIONS = {"answer", "transfer", "merge"}
# Acts that end a ticket (工单办结): confirmed on a step of their own (``core.confirm``).
CONFIRMED_ACTIONS = {
    "close": gettext_lazy(
        "Closing finishes the ticket (办结): it leaves the work queues and takes no further step."
    ),
}
EVENT_LABELS = {
    "create": gettext_lazy("Registered"),
    "answer": gettext_lazy("Answered on the spot"),
    "transfer": gettext_lazy("Transferred to emergency services"),
    "merge": gettext_lazy("Merged as a duplicate"),
    "dispatch": gettext_lazy("Dispatched to a unit"),
    "accept": gettext_lazy("Accepted by the unit"),
    "return": gettext_lazy("Returned by the unit"),
    "return_approved": gettext_lazy("Return approved"),
    "return_rejected": gettext_lazy("Return rejected"),
    "extend": gettext_lazy("Extension asked for"),
    "extension_approved": gettext_lazy("Extension approved"),
    "extension_rejected": gettext_lazy("Extension rejected"),
    "reply": gettext_lazy("Replied"),
    "urge": gettext_lazy("Urged (督办)"),
    "callback": gettext_lazy("Called back: settled"),
    "callback_open": gettext_lazy("Called back: not settled"),
    "redo": gettext_lazy("Sent back for redoing"),
    "investigate": gettext_lazy("Investigated"),
    "close": gettext_lazy("Closed"),
    "platform_transfer": gettext_lazy("Handed over to another platform"),
    "platform_acknowledged": gettext_lazy("Acknowledged by the other platform"),
    "platform_urged": gettext_lazy("Urged: the other platform has not acknowledged"),
}
DETAIL_LABELS = {
    "platform_name": gettext_lazy("Platform"),
    "department_name": gettext_lazy("Handling unit"),
    "due_at": gettext_lazy("Reply due"),
    "accept_due": gettext_lazy("Acceptance due"),
    "reason": gettext_lazy("Reason"),
    "note": gettext_lazy("Note"),
    "result": gettext_lazy("Reply"),
    "answer": gettext_lazy("Answer"),
    "workdays": gettext_lazy("Working days"),
    "level": gettext_lazy("Urge level"),
    "respond_by": gettext_lazy("Respond by"),
    "service": gettext_lazy("Emergency service"),
    "into": gettext_lazy("Merged into"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "outcome": pgettext_lazy("investigation", "Outcome"),
    "staff": gettext_lazy("Staff member named"),
    "round": gettext_lazy("Redo round"),
}

# Stored values shown by their labels.
DETAIL_CHOICES = {"satisfaction": Satisfaction, "outcome": Outcome, "service": EmergencyService}
# Why the sweep urged a ticket (``services.OVERDUE``...), in words.
SWEEP_REASONS = {
    services.NOT_ACCEPTED: gettext_lazy("Not accepted by the acceptance deadline"),
    services.OVERDUE: gettext_lazy("Not replied by the reply deadline"),
    services.ESCALATED: gettext_lazy("Still late after the last urge"),
}


def _roles(user) -> frozenset[str]:
    return role_names(user)


# Login, a ticket staff role, and the domain errors of a read turned into 403 / 404.
staff_page = guarded(lambda user: bool(_roles(user) & STAFF))


def _desk_only(user) -> None:
    if not (_roles(user) & DESK):
        raise PermissionDenied


def once(request, form, scope: str, write) -> tuple[Ticket | None, str]:
    """Run ``write()`` (which makes a ticket) once per form token (``zhengwu.core.idempotency``):
    ``(ticket, number)`` the first time; ``(None, number of the first ticket)`` when the same
    form is sent again (a double click, a reload). A form without a token is written each time."""

    def create():
        ticket = write()
        created[:] = [ticket]
        return 201, {"number": ticket.number}

    created: list[Ticket] = []
    _status, body, _replayed = run_once(
        user=request.user,
        scope=scope,
        key=form.cleaned_data.get("once") or None,
        # The token alone: whatever is sent again with it, the form was sent once.
        fingerprint=fingerprint({"form": scope}),
        create=create,
    )
    return (created[0] if created else None), body["number"]


def sent_again(request, number: str) -> None:
    messages.info(
        request, _("This form was already sent: it is ticket %(number)s.") % {"number": number}
    )


# --- queues --------------------------------------------------------------------------------------


def queues_for(roles) -> list[str]:
    names: list[str] = []
    for held, queue_names in ROLE_QUEUES:
        if roles & held:
            names += [n for n in queue_names if n not in names]
    return names


@staff_page
def workbench(request):
    user = request.user
    roles = _roles(user)
    names = queues_for(roles)
    name = request.GET.get("queue") if request.GET.get("queue") in names else names[0]
    form = f.FilterForm(request.GET or None, departments=selectors.filter_departments(user))
    values = form.values() if request.GET else {}
    filters = selectors.TicketFilters(
        kind=values.get("kind", ""),
        category=values.get("category", ""),
        department=values.get("department", ""),
        number=values.get("number", ""),
        phone=values.get("phone", ""),
        urgent=True if values.get("urgent") else None,
        received_from=values.get("received_from"),
        received_to=values.get("received_to"),
    )
    queryset = selectors.queue(user, name, filters)
    after = str(request.GET.get("after", ""))[:64]
    rows, next_cursor = selectors.page(queryset, after=after, limit=PAGE_SIZE)
    masked = presenters.masked_for(user)
    now = clock.now()
    return render(
        request,
        "tickets/workbench.html",
        {
            "tabs": [
                {
                    "key": key,
                    "label": QUEUE_LABELS[key],
                    "active": key == name,
                    "query": paging.query_with(request, queue=key, after=""),
                }
                for key in names
            ],
            "queue": name,
            "queue_label": QUEUE_LABELS[name],
            "form": form,
            "rows": [
                {
                    "ticket": t,
                    "caller": presenters.summary(t, masked=masked),
                    "overdue": t.due_at is not None
                    and t.due_at < now
                    and t.state in HANDLING_STATE_VALUES,
                }
                for t in rows
            ],
            "can_take_calls": bool(roles & DESK),
            "pager": paging.keyset_page(
                queryset,
                after_id=decode_cursor(after),
                rows=len(rows),
                next_query=paging.query_with(request, after=next_cursor) if next_cursor else None,
                first_query=paging.query_with(request, after="") if after else None,
            ),
        },
    )


# --- intake --------------------------------------------------------------------------------------

INTENTS = ("register", "dispatch", "answer", "transfer", "merge")


def _category_or_none(code: str) -> Category | None:
    return Category.objects.filter(code=str(code or "")[:32], active=True).first()


@staff_page
@require_http_methods(["GET", "POST"])
def new(request):
    _desk_only(request.user)
    if request.method == "GET":
        form = f.IntakeForm(initial={"kind": "complaint"})
        return render(request, "tickets/new.html", {"form": form})
    form = f.IntakeForm(request.POST)
    # A duplicate's button sends the number to merge into; the others send their intent.
    intent = "merge" if request.POST.get("into") else request.POST.get("intent", "register")
    intent = intent if intent in INTENTS else "register"
    result, problems, status = attempt(
        form,
        lambda: once(
            request,
            form,
            "tickets.intake",
            lambda: _take_call(request.user, form.cleaned_data, intent),
        ),
    )
    if result is not None:
        ticket, number = result
        if ticket is None:
            sent_again(request, number)
            return redirect("tickets:detail", number=number)
        messages.success(request, _outcome_message(ticket, intent))
        if intent in ("answer", "transfer", "merge"):
            return redirect("tickets:new")
        return redirect("tickets:detail", number=ticket.number)
    return render(
        request,
        "tickets/new.html",
        {"form": form, "problems": problems, "intent": intent, "assist": _assist(form.data)},
        status=status,
    )


def _take_call(user, data: dict, intent: str) -> Ticket:
    """Register the call and, in the same transaction, what the operator chose to do with it:
    a failure of the second step leaves nothing written."""
    missing = {
        "dispatch": ("department", _("Choose the handling unit to dispatch to.")),
        "answer": ("answer", _("Write the answer given to the caller.")),
        "transfer": ("service", _("Choose the emergency service.")),
        "merge": ("into", _("Choose the earlier ticket to merge into.")),
    }.get(intent)
    if missing and not data.get(missing[0]):
        raise ValidationFailed({missing[0]: [missing[1]]})
    with transaction.atomic():
        ticket = services.create_ticket(
            actor=user,
            kind=data["kind"],
            category=data.get("category") or "",
            content=data["content"],
            caller_phone=data["caller_phone"],
            caller_name=data.get("caller_name", ""),
            address=data.get("address", ""),
            area=data.get("area", ""),
            channel="phone",
            urgent=data.get("urgent", False),
            related_case=data.get("related_case", ""),
            related_department=data.get("related_department") or None,
        )
        number = ticket.number
        if intent == "dispatch":
            ticket = services.act(
                actor=user,
                number=number,
                action="dispatch",
                data={"department": data["department"]},
            )
        elif intent == "answer":
            ticket = services.answer_on_the_spot(actor=user, number=number, answer=data["answer"])
        elif intent == "transfer":
            ticket = services.transfer_emergency(actor=user, number=number, service=data["service"])
        elif intent == "merge":
            ticket = services.merge_duplicate(actor=user, number=number, into=data["into"])
    return ticket


def _outcome_message(ticket: Ticket, intent: str) -> str:
    messages_by_intent = {
        "register": _("Ticket %(number)s is registered."),
        "dispatch": _("Ticket %(number)s is registered and dispatched."),
        "answer": _("Ticket %(number)s is answered on the spot and closed."),
        "transfer": _("Ticket %(number)s is transferred to %(service)s and closed."),
        "merge": _("Ticket %(number)s is merged into %(into)s."),
    }
    return messages_by_intent[intent] % {
        "number": ticket.number,
        "service": ticket.get_emergency_service_display(),
        "into": ticket.duplicate_of.number if ticket.duplicate_of_id else "",
    }


def _assist(data) -> dict:
    """The suggestions for what has been typed so far."""
    content = str(data.get("content", ""))[:5000]
    address = str(data.get("address", ""))[:200]
    area = str(data.get("area", ""))[:100]
    phone = str(data.get("caller_phone", ""))[:20]
    kind = str(data.get("kind", ""))
    if not content.strip():
        return {"empty": True}
    chosen = _category_or_none(data.get("category", ""))
    suggestion = suggest(content=content, address=address, area=area, category=chosen)
    found = duplicates.find(content=content, caller_phone=phone, address=address)
    answers = knowledge.search(content, limit=5) if kind == "consult" else []
    return {
        "empty": False,
        "suggestion": suggestion,
        "duplicates": [{"ticket": t, "match": m} for t, m in found],
        "answers": answers,
        "consult": kind == "consult",
    }


@staff_page
@require_POST
def assist(request):
    """The htmx fragment beside the intake form (suggested category and unit, duplicates,
    knowledge-base answers): nothing is written."""
    _desk_only(request.user)
    return render(request, "tickets/_assist.html", {"assist": _assist(request.POST)})


# --- the ticket page -----------------------------------------------------------------------------


def page_actions(ticket: Ticket, roles) -> list[str]:
    """The page actions the user may take on the ticket now, in the page's order: the table's
    (``rules.allowed_actions``) less the ones the ticket has used up."""
    table = rules.allowed_actions(ticket.state, roles)
    allowed = {PAGE_ACTION[a] for a in table if a in PAGE_ACTION}
    if ticket.returned:
        allowed.discard("return")
    if ticket.extension_status:
        allowed.discard("extend")
    if ticket.kind != "consult":
        allowed.discard("answer")
    if not ticket.category.is_efficiency or ticket.investigation_outcome:
        allowed.discard("investigate")
    if not (
        ticket.callback_reached
        and (ticket.satisfaction == "unsatisfied" or ticket.callback_resolved is False)
    ):
        allowed.discard("redo")
    return [name for name in f.ACTIONS if name in allowed]


def _event_details(data: dict) -> list[tuple[str, str]]:
    out = []
    for key, label in DETAIL_LABELS.items():
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        if key in ("due_at", "accept_due", "respond_by"):
            try:
                value = cn_datetime(dt.datetime.fromisoformat(value))
            except (TypeError, ValueError):
                pass
        elif key in DETAIL_CHOICES:
            value = dict(DETAIL_CHOICES[key].choices).get(value, value)
        elif key == "reason" and value in SWEEP_REASONS:
            value = SWEEP_REASONS[value]
        out.append((label, str(value)))
    return out


def _render_detail(request, ticket: Ticket, *, failed=None, status: int = 200):
    user = request.user
    acting = services.acting_roles(user, ticket)
    names = page_actions(ticket, acting)
    if failed is not None and failed[0] not in names:
        names.insert(0, failed[0])  # refused: shown again with what was typed
    forms = []
    for name in names:
        form_class, label, colour = f.ACTIONS[name]
        if failed is not None and failed[0] == name:
            form = failed[1]
        else:
            form = form_class(initial={"version": ticket.version})
        if name == "urge":
            top = rules.urge_level_allowed(acting)
            form.fields["level"].choices = [
                c for c in form.fields["level"].choices if ticket.urge_level <= c[0] <= top
            ]
        forms.append({"name": name, "label": label, "colour": colour, "form": form})
    masked = presenters.masked_for(user)
    timeline = [
        {
            "row": row,
            "label": EVENT_LABELS.get(row.kind, row.kind),
            "details": _event_details(row.data or {}),
        }
        for row in selectors.events(ticket)
    ]
    return render(
        request,
        "tickets/detail.html",
        {
            "ticket": ticket,
            "caller": presenters.summary(ticket, masked=masked),
            "timeline": timeline,
            "action_forms": forms,
            "failed": failed,
            "overdue": ticket.due_at is not None
            and ticket.due_at < clock.now()
            and ticket.state in HANDLING_STATE_VALUES,
        },
        status=status,
    )


@staff_page
def detail(request, number: str):
    return _render_detail(request, selectors.get_ticket(request.user, number))


@staff_page
@require_POST
def act(request, number: str, action: str):
    if action not in f.ACTIONS:
        raise Http404
    user = request.user
    ticket = selectors.get_ticket(user, number)
    form = f.ACTIONS[action][0](request.POST)
    if (
        action in CONFIRMED_ACTIONS
        and not confirmed(request)
        and action in page_actions(ticket, _roles(user))
        and form.is_valid()
    ):
        return confirmation_page(
            request,
            title=f.ACTIONS[action][1],
            subject=_("Ticket %(number)s") % {"number": ticket.number},
            facts=[
                (bound.label, form.cleaned_data.get(bound.name))
                for bound in form.visible_fields()
                if form.cleaned_data.get(bound.name)
            ],
            warning=CONFIRMED_ACTIONS[action],
            back_url=reverse("tickets:detail", args=(ticket.number,)),
        )
    done, problems, status = attempt(form, lambda: _run_action(user, ticket, action, form))
    if done is not None:
        messages.success(request, _("Done: %(action)s.") % {"action": f.ACTIONS[action][1]})
        try:
            selectors.get_ticket(user, number)
        except NotFound:  # dispatched away from the unit, say
            return redirect("tickets:workbench")
        return redirect("tickets:detail", number=ticket.number)
    ticket = selectors.get_ticket(user, number)
    data = request.POST.copy()
    data["version"] = str(ticket.version)
    form.data = data
    return _render_detail(request, ticket, failed=(action, form, problems), status=status)


def _run_action(user, ticket: Ticket, action: str, form) -> bool:
    data = form.cleaned_data
    version = data.get("version")
    if action in DESK_ACTIONS and version is not None and version != ticket.version:
        raise services.rule_error("stale_version")
    if action == "answer":
        services.answer_on_the_spot(actor=user, number=ticket.number, answer=data["answer"])
    elif action == "transfer":
        services.transfer_emergency(
            actor=user, number=ticket.number, service=data["service"], note=data["note"]
        )
    elif action == "merge":
        services.merge_duplicate(actor=user, number=ticket.number, into=data["into"])
    else:
        services.act(
            actor=user, number=ticket.number, action=action, data=form.payload(), version=version
        )
    return True


# --- knowledge base ------------------------------------------------------------------------------


@staff_page
def knowledge_search(request):
    form = f.KnowledgeSearchForm(request.GET or None)
    hits = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        hits = knowledge.search(query, limit=20, kind=form.cleaned_data["kind"])
    return render(request, "tickets/knowledge.html", {"form": form, "hits": hits, "query": query})


# --- reports -------------------------------------------------------------------------------------


def _default_period() -> tuple[dt.date, dt.date]:
    today = clock.today()
    return dt.date(today.year, 1, 1), today


@staff_page
@reads_from_replica
def report(request):
    if not (_roles(request.user) & (WATCH | DESK)):
        raise PermissionDenied
    start, end = _default_period()
    form = f.ReportForm(request.GET or None, initial={"start": start, "end": end})
    status = 200
    if request.GET:
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            status = 422
    categories = selectors.category_report(start=start, end=end, reader=request.user)
    years = []
    for year in range(end.year - 2, end.year + 1):
        first = max(dt.date(year, 1, 1), start) if year == start.year else dt.date(year, 1, 1)
        last = min(dt.date(year, 12, 31), end)
        years.append((year, selectors.category_report(start=first, end=last, reader=request.user)))
    codes = []
    for _year, data in years:
        for row in data["rows"]:
            if row["code"] not in codes:
                codes.append(row["code"])
    names = dict(Category.objects.filter(code__in=codes).values_list("code", "name"))
    by_year = [
        {
            "year": year,
            "received": {r["code"]: r["received"].numerator for r in data["rows"]},
            "substantiated": {r["code"]: r["substantiated"].numerator for r in data["rows"]},
        }
        for year, data in years
    ]
    chart = {
        "categories": [names.get(c, c) for c in codes],
        "years": [str(y["year"]) for y in by_year],
        "received": [[y["received"].get(c, 0) for c in codes] for y in by_year],
        "substantiated": [[y["substantiated"].get(c, 0) for c in codes] for y in by_year],
    }
    table = [
        {
            "name": names.get(code, code),
            "received": [y["received"].get(code, 0) for y in by_year],
            "substantiated": [y["substantiated"].get(code, 0) for y in by_year],
        }
        for code in codes
    ]
    return render(
        request,
        "tickets/reports.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "categories": categories,
            "years": selectors.year_report(
                start=dt.date(end.year - 2, 1, 1), end=end, reader=request.user
            ),
            "chart": chart,
            "chart_years": [y["year"] for y in by_year],
            "chart_table": table,
            "performance": selectors.performance_report(start=start, end=end, reader=request.user),
        },
        status=status,
    )


# --- citizens ------------------------------------------------------------------------------------


def _citizen_ticket(user, form, channel: str) -> Ticket:
    data = form.cleaned_data
    return services.create_ticket(
        actor=user,
        kind=data["kind"],
        category=data["category"],
        content=data["content"],
        caller_phone=data["caller_phone"],
        caller_name=data.get("caller_name", ""),
        address=data.get("address", ""),
        channel=channel,
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def submit(request):
    user = request.user
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = f.CitizenForm(request.POST)
        mobile = "Mobile" in request.headers.get("User-Agent", "")
        channel = "mobile" if mobile else "web"
        result, problems, status = attempt(
            form,
            lambda: once(
                request, form, "tickets.submit", lambda: _citizen_ticket(user, form, channel)
            ),
        )
        if result is not None:
            ticket, number = result
            if ticket is None:
                sent_again(request, number)
            else:
                messages.success(
                    request,
                    _("Your request is registered as %(number)s. Keep the number to follow it.")
                    % {"number": number},
                )
            return redirect("tickets:mine")
    else:
        applicant = getattr(user, "applicant", None)
        form = f.CitizenForm(
            initial={
                "kind": "complaint",
                "caller_phone": getattr(applicant, "phone", "") or user.phone,
                "caller_name": getattr(applicant, "name", "") or user.display_name,
            }
        )
    mine = selectors.queue(user, "mine").select_related("category").order_by("-id")[:5]
    return render(
        request,
        "tickets/submit.html",
        {"form": form, "problems": problems, "mine": mine},
        status=status,
    )


@applicant_required
def mine(request):
    user = request.user
    queryset = selectors.queue(user, "mine")
    after = str(request.GET.get("after", ""))[:64]
    rows, next_cursor = selectors.page(queryset, after=after, limit=PAGE_SIZE)
    return render(
        request,
        "tickets/mine.html",
        {
            "rows": rows,
            "pager": paging.keyset_page(
                queryset,
                after_id=decode_cursor(after),
                rows=len(rows),
                next_query=paging.query_with(request, after=next_cursor) if next_cursor else None,
                first_query=paging.query_with(request, after="") if after else None,
            ),
        },
    )


NOT_FOUND_FOLLOW = gettext_lazy(
    "No ticket matches this number and phone. Check both and try again."
)


REPLY_SHOWN = (TicketState.REPLIED, TicketState.CALLED_BACK, TicketState.CLOSED)


def _follow_result(ticket: Ticket) -> dict:
    steps = [
        {"label": EVENT_LABELS.get(kind, kind), "at": at}
        for kind, at in ticket.events.order_by("seq").values_list("kind", "occurred_at")
        if kind in EVENT_LABELS
    ]
    return {
        "number": ticket.number,
        "kind": ticket.get_kind_display(),
        "category": ticket.category.name,
        "state": ticket.state,
        "state_label": ticket.get_state_display(),
        "caller": mask_name(ticket.caller_name) if ticket.caller_name else "",
        "received_at": ticket.received_at,
        "department": ticket.department.name if ticket.department_id else "",
        "due_at": ticket.due_at,
        "reply": ticket.reply if ticket.state in REPLY_SHOWN else "",
        "steps": steps,
    }


@require_http_methods(["GET", "POST"])
def follow(request):
    """Follow a ticket by its number and the caller's phone, without login (rate-limited by
    address, with the cases portal's mechanism)."""
    if request.method == "GET":
        return render(request, "tickets/follow.html", {"form": f.FollowForm()})
    form = f.FollowForm(request.POST)
    if rate_limited(request, "ticket_follow", limit=FOLLOW_LIMIT, window=FOLLOW_WINDOW):
        return render(
            request,
            "tickets/follow.html",
            {
                "form": form,
                "problem": _("Too many tries. Wait ten minutes and try again."),
                "problem_code": "rate_limited",
            },
            status=429,
        )
    if not form.is_valid():
        return render(request, "tickets/follow.html", {"form": form}, status=422)
    ticket = lookup.find_by_number_and_phone(
        form.cleaned_data["number"], form.cleaned_data["phone"]
    )
    if ticket is None:
        return render(
            request,
            "tickets/follow.html",
            {"form": form, "problem": NOT_FOUND_FOLLOW, "problem_code": "not_found"},
            status=404,
        )
    return render(
        request, "tickets/follow.html", {"form": f.FollowForm(), "result": _follow_result(ticket)}
    )


@reads_from_replica
def stats(request):
    """The public monthly statistics: the last twelve months, no personal data."""
    today = clock.today()
    months = []
    year, month = today.year, today.month
    for _month in range(12):
        months.append(selectors.public_monthly_stats(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    kinds = list(Kind.choices)
    return render(
        request,
        "tickets/stats.html",
        {
            "months": months,
            "kinds": kinds,
            "chart": {
                "months": [f"{m['year']}-{m['month']:02d}" for m in months],
                "received": [m["received"] for m in months],
                "closed": [m["closed"] for m in months],
                "kinds": [str(label) for _v, label in kinds],
                "by_kind": [[m["by_kind"][value] for m in months] for value, _l in kinds],
            },
        },
    )

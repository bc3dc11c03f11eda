"""Pages of the hall's queue (docs/hall.md): the kiosk (取号机) and the number it gives with a
QR code to follow it, the public waiting page, the hall screen (叫号屏) with its feed, the
clerk's window panel, the citizen's appointments, and the queue figures. Thin: parse, call a
service or a selector, render."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from zhengwu.core import clock
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.ratelimit import rate_limited
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, has_role
from zhengwu.core.views import applicant_required, guarded
from zhengwu.hall import queue_rules as rules
from zhengwu.hall import queue_selectors as selectors
from zhengwu.hall import queue_services as services
from zhengwu.hall.models.queue import Ticket

KIOSK_LIMIT, KIOSK_WINDOW = 60, 60
FIGURE_GROUPS = {
    "business_type": gettext_lazy("Business type"),
    "window": gettext_lazy("Window"),
    "staff": gettext_lazy("Staff member"),
    "hour": gettext_lazy("Hour of the day"),
}


def _hall(request):
    try:
        return selectors.hall_by_code(request.GET.get("hall"))
    except NotFound:
        raise Http404 from None


def _problem(error) -> tuple[str, str]:
    if isinstance(error, ValidationFailed):
        return "invalid", "；".join(m for ms in error.errors.values() for m in ms)
    return error.code, str(error.message)


# ---------------------------------------------------------------- kiosk and public pages


@require_http_methods(["GET", "POST"])
def kiosk(request):
    """The touch kiosk: one big button per business type, the green channel, an appointment's
    code. No login: the kiosk stands in the hall."""
    hall = _hall(request)
    problem = code = ""
    typed = {"appointment": request.POST.get("appointment", "")[:12]}
    if request.method == "POST":
        if rate_limited(request, "hall_kiosk", limit=KIOSK_LIMIT, window=KIOSK_WINDOW):
            problem, code = _("Too many tries; wait a minute."), "rate_limited"
        else:
            try:
                ticket = services.take_number(
                    business_type=request.POST.get("business_type", ""),
                    appointment=typed["appointment"].strip(),
                    green=request.POST.get("green") == "1",
                    phone=request.POST.get("phone", ""),
                )
            except (DomainError, ValidationFailed) as error:
                code, problem = _problem(error)
            else:
                return redirect("hall:kiosk_ticket", token=ticket.token)
    status = selectors.status(hall)
    return render(
        request,
        "hall/queue/kiosk.html",
        {
            "hall": hall,
            "types": status.types,
            "open": services.hall_open(hall, clock.now()),
            "problem": problem,
            "problem_code": code,
            "typed": typed,
        },
        status=200 if not problem else 409 if code not in ("invalid", "rate_limited") else 422,
    )


def _ticket_by_token(token) -> Ticket:
    found = (
        Ticket.objects.select_related("business_type", "window", "hall").filter(token=token).first()
    )
    if found is None:
        raise Http404
    return found


def _ticket_context(request, ticket: Ticket) -> dict:
    follow = request.build_absolute_uri(reverse("hall:follow", args=[ticket.token]))
    return {
        "ticket": ticket,
        "ahead": selectors.waiting_ahead(ticket),
        "follow_url": follow,
        "hall": ticket.hall,
    }


@require_GET
def kiosk_ticket(request, token):
    """The number just taken, shown large with a QR code to follow it (printable)."""
    ticket = _ticket_by_token(token)
    return render(request, "hall/queue/kiosk_ticket.html", _ticket_context(request, ticket))


@require_GET
def follow(request, token):
    """A number's public page: how many are ahead, or the window it is called to."""
    ticket = _ticket_by_token(token)
    return render(request, "hall/queue/follow.html", _ticket_context(request, ticket))


@require_GET
def waiting(request):
    """Public: the numbers waiting per business type and what each window serves now."""
    hall = _hall(request)
    return render(request, "hall/queue/waiting.html", {"status": selectors.status(hall)})


@require_GET
def screen(request):
    """The hall screen (叫号屏): full screen, live, announced aloud by the browser."""
    hall = _hall(request)
    return render(
        request,
        "hall/queue/screen.html",
        {
            "hall": hall,
            "status": selectors.status(hall),
            "after": selectors.last_event_id(),
            "recent": list(reversed(selectors.recent_calls(hall))),
        },
    )


@require_GET
def screen_feed(request):
    """The screen's poll: calls after ``after`` (to announce) and every window's number."""
    hall = _hall(request)
    try:
        after = max(0, min(int(request.GET.get("after", "0")), 2**62))
    except ValueError:
        after = 0
    status = selectors.status(hall)
    return JsonResponse(
        {
            "calls": selectors.calls_after(hall, after),
            "windows": status.windows,
            "types": status.types,
        }
    )


# ---------------------------------------------------------------- the clerk's window panel


def _is_clerk(user) -> bool:
    return has_role(user, Role.WINDOW_CLERK)


clerk_page = guarded(_is_clerk)


@clerk_page
@require_http_methods(["GET", "POST"])
def panel(request):
    """The clerk's window panel: sign in, call next, recall, skip, transfer, finish, walk-ins,
    link the case filed for the number, sign out."""
    problem = code = ""
    typed = {k: request.POST.get(k, "")[:32] for k in ("case", "business_type", "window")}
    if request.method == "POST":
        action = request.POST.get("action", "")
        number = request.POST.get("number", "")[:16]
        user = request.user
        try:
            if action == "sign-in":
                services.sign_in(actor=user, window_code=typed["window"])
            elif action == "sign-out":
                services.sign_out(actor=user, window_code=typed["window"])
            elif action == "call-next":
                if services.call_next(actor=user) is None:
                    code, problem = "empty", _("Nobody is waiting for this window's business.")
            elif action == "walk-in":
                services.walk_in(
                    actor=user,
                    business_type=typed["business_type"],
                    green=request.POST.get("green") == "1",
                )
            elif action in ("recall", "skip", "finish"):
                getattr(services, action)(actor=user, number=number)
            elif action == "transfer":
                services.transfer(actor=user, number=number, business_type=typed["business_type"])
            elif action == "case":
                services.link_case(actor=user, number=number, case_number=typed["case"])
            else:
                code, problem = "invalid", _("Choose one of the actions.")
        except NotFound:
            code, problem = "not_found", _("No such number or case of yours today.")
        except (DomainError, ValidationFailed) as error:
            code, problem = _problem(error)
        if not problem:
            return redirect("hall:panel")
    return render(request, "hall/queue/panel.html", _panel_context(request, problem, code, typed))


def _panel_context(request, problem, code, typed) -> dict:
    session = selectors.open_session(request.user)
    context = {"session": session, "problem": problem, "problem_code": code, "typed": typed}
    if session is None:
        context["windows"] = list(selectors.windows_to_sign_in(request.user))
        return context
    window = session.window
    type_ids = selectors.window_type_ids(window.pk)
    today = clock.today()
    current = (
        Ticket.objects.select_related("business_type", "case")
        .filter(window=window, state=rules.CALLED)
        .first()
    )
    status = selectors.status(window.post.hall)
    served = (
        Ticket.objects.select_related("business_type", "case")
        .filter(window=window, day=today, state=rules.DONE)
        .order_by("-finished_at")[:10]
    )
    context.update(
        {
            "window": window,
            "current": current,
            "mine": [t for t in status.types if t["code"] in _codes(type_ids)],
            "all_types": status.types,
            "served": served,
        }
    )
    return context


def _codes(type_ids) -> set[str]:
    from zhengwu.hall.models.queue import BusinessType

    return set(BusinessType.objects.filter(pk__in=type_ids).values_list("code", flat=True))


# ---------------------------------------------------------------- appointments


@applicant_required
@require_http_methods(["GET", "POST"])
def appointments(request):
    """The citizen's appointments: choose a business type and a day, book a slot, cancel."""
    problem = code = ""
    types = list(selectors.business_types().filter(slot_capacity__gt=0))
    chosen = request.GET.get("business_type") or (types[0].code if types else "")
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = clock.today() + dt.timedelta(days=1)
    typed = {
        "name": request.POST.get("name", request.user.full_name)[:60],
        "phone": request.POST.get("phone", request.user.phone)[:20],
    }
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.cancel(actor=request.user, code=request.POST.get("code", ""))
            else:
                slot_id = int(request.POST.get("slot", "0") or 0)
                services.book(
                    slot_id=slot_id, name=typed["name"], phone=typed["phone"], user=request.user
                )
        except ValueError:
            code, problem = "invalid", _("Choose one of the slots.")
        except NotFound:
            code, problem = "not_found", _("No such appointment of yours.")
        except (DomainError, ValidationFailed) as error:
            code, problem = _problem(error)
        if not problem:
            return redirect(request.get_full_path())
    kind = next((t for t in types if t.code == chosen), None)
    slots = []
    if kind is not None and services.bookable_day(day):
        services.open_slots(business_type=kind, day=day)
        now = clock.local_datetime(clock.now())
        slots = [
            s
            for s in selectors.slots(kind, day)
            if dt.datetime.combine(s.day, s.starts_at, tzinfo=clock.LOCAL_TZ) > now
        ]
    mine = list(selectors.appointments_of(request.user)[:20])
    for booking in mine:
        booking.no_show = selectors.is_no_show(booking)
    return render(
        request,
        "hall/queue/appointments.html",
        {
            "types": types,
            "chosen": chosen,
            "day": day,
            "bookable": services.bookable_day(day),
            "slots": slots,
            "mine": mine,
            "problem": problem,
            "problem_code": code,
            "typed": typed,
        },
    )


# ---------------------------------------------------------------- figures


def may_see_figures(user) -> bool:
    return has_role(user, Role.DEPARTMENT_HEAD, *CENTER_WIDE_ROLES)


@guarded(may_see_figures)
@require_GET
def figures(request):
    """Numbers taken, served, missed, waits and no-shows per business type, window, staff or
    hour over a period, with their definitions."""
    today = clock.today()
    errors = {}
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today.replace(day=1)
        if request.GET.get("from"):
            errors["from"] = _("Enter a date as YYYY-MM-DD.")
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
        if request.GET.get("to"):
            errors["to"] = _("Enter a date as YYYY-MM-DD.")
    if end < start:
        errors["to"] = _("The end is before the start.")
    if (end - start).days > 366:
        errors["to"] = _("Choose a period of at most a year.")
    group = request.GET.get("group", "business_type")
    if group not in FIGURE_GROUPS:
        group = "business_type"
    rows, total = (
        ([], None)
        if errors
        else selectors.figures_with_total(
            hall=None,
            start=start,
            end=end,
            group=group,
            within=selectors.visible_halls(request.user),
        )
    )
    return render(
        request,
        "hall/queue/figures.html",
        {
            "rows": rows,
            "total": total if rows else None,
            "start": start,
            "end": end,
            "group": group,
            "groups": list(FIGURE_GROUPS.items()),
            "errors": errors,
            "raw": {
                "from": request.GET.get("from", start.isoformat()),
                "to": request.GET.get("to", end.isoformat()),
            },
        },
    )

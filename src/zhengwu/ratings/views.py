"""Pages of 好差评 (docs/ratings.md). Thin: they parse, call a selector or a service, and show the
result with the services' own messages (422 / 409 re-render the form with what was typed).

- the mobile rating page of a signed link (QR code / SMS), no login;
- the window page: the QR code of the window's latest completed case, for the counter's tablet;
- staff: the ratings list, the department's rectification queue, the task page;
- supervisors: escalated tasks, appeals, overdue tasks, real-name bad ratings without callback;
- the portal: rate online, read the feedback, accept or reject it once.
(The state of the push to the provincial platform is the exchange's page.)
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department, Window
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed, ZhengwuError
from zhengwu.core.roles import Role, has_role, is_center_wide
from zhengwu.core.views import guarded
from zhengwu.ratings import presenters, rules, selectors, services, tokens
from zhengwu.ratings.models import Appeal, Channel, Rating

PAGE_SIZE = 20
CALLBACK_METHODS = {
    "phone": gettext_lazy("Telephone"),
    "sms": gettext_lazy("Text message"),
    "visit": gettext_lazy("Visit"),
    "other": gettext_lazy("Other"),
}


def _guard(view, allowed):
    return guarded(allowed)(view)


def staff_page(view):
    return _guard(view, selectors.may_see_ratings)


def supervisor_page(view):
    return _guard(view, selectors.may_supervise_ratings)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return params.urlencode()


def _flat(error: ZhengwuError) -> str:
    errors, general = _errors(error)
    return " ".join([m for ms in errors.values() for m in ms] or general)


def _pages(request, queryset, size: int = PAGE_SIZE) -> dict:
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    return {
        "page": page,
    }


def _errors(error: ZhengwuError) -> tuple[dict, list]:
    if isinstance(error, ValidationFailed):
        general = error.errors.get("__all__", [])
        return error.errors, general or [str(error.message)]
    return {}, [str(error.message)]


# ---------------------------------------------------------------- public rating page


def _rating_context(case: Case, channel: str, values=None) -> dict:
    values = values or {"real_name": False, "dimensions": {}}
    return {
        "case": case,
        "levels": sorted(rules.LEVELS.items(), reverse=True),
        "dimensions": presenters.dimension_fields(channel, case.channel, values.get("dimensions")),
        "channel": channel,
        "values": values,
    }


def _form_values(request, dims) -> dict:
    data = request.POST
    dimensions = {}
    for key in dims:
        value = data.get(f"dim_{key}", "")
        if value.isdigit():
            dimensions[key] = int(value)
    level = data.get("level", "")
    return {
        "level": int(level) if level.isdigit() else None,
        "dimensions": dimensions,
        "comment": data.get("comment", ""),
        "real_name": data.get("real_name") == "1",
    }


def _closed(request, message, status: int):
    """The page of a link that can no longer be rated; it offers the portal only to those the
    portal admits (visitors, who are asked to log in, and applicants)."""
    user = request.user
    portal = not user.is_authenticated or has_role(user, Role.APPLICANT)
    return render(
        request,
        "ratings/rate_closed.html",
        {"message": message, "portal": portal},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    """The mobile rating page a QR code or an SMS link opens; no login."""
    try:
        claims = tokens.read(token)
    except (tokens.BadRatingLink, tokens.RatingLinkExpired) as error:
        return _closed(request, error.message, error.status)
    case = (
        Case.objects.select_related("item_version", "department")
        .filter(number=claims.number)
        .first()
    )
    if case is None:
        return _closed(request, tokens.BadRatingLink().message, 400)
    context = _rating_context(case, claims.channel)
    if request.method == "POST":
        values = _form_values(request, rules.dimensions_for(claims.channel, case.channel))
        context = _rating_context(case, claims.channel, values)
        try:
            rating = services.submit_rating(
                number=case.number, channel=claims.channel, token=token, **values
            )
        except ZhengwuError as error:
            context["errors"], context["general_errors"] = _errors(error)
            return render(request, "ratings/rate.html", context, status=error.status)
        return render(request, "ratings/rate_done.html", {"rating": rating, "case": case})
    existing = Rating.objects.filter(case=case, service_event=claims.service_event).first()
    window = rules.rating_window(case.completed_on, clock.today(), settings.RATINGS_WINDOW_DAYS)
    if existing is None and window == "closed":
        message = services.MESSAGES["rating_closed"] % {"days": settings.RATINGS_WINDOW_DAYS}
        return _closed(request, message, 409)
    if existing is not None:
        return render(
            request, "ratings/rate_done.html", {"rating": existing, "case": case, "again": True}
        )
    return render(request, "ratings/rate.html", context)


def window_page(request, window_id: int):
    """The page shown at a window (or on its tablet): the QR code of the window's latest
    completed case that is still open for rating, and a button to rate on the tablet itself."""
    window = Window.objects.filter(pk=window_id, is_active=True).first()
    if window is None:
        raise Http404
    today = clock.today()
    case = (
        Case.objects.filter(
            window=window,
            completed_on__gte=today - dt.timedelta(days=settings.RATINGS_WINDOW_DAYS),
        )
        .exclude(ratings__isnull=False)
        .order_by("-completed_on", "-id")
        .first()
    )
    link = ""
    if case is not None:
        event = services.decision_event(case)
        if event is not None:
            link = services.rating_link(case.number, event.seq)
    return render(
        request,
        "ratings/window.html",
        {
            "window": window,
            "case": case,
            "link": link,
            "url": services.public_url(link, request) if link else "",
        },
    )


# ---------------------------------------------------------------- staff


@staff_page
def rating_list(request):
    user = request.user
    level = request.GET.get("level", "")
    filters = selectors.RatingFilters(
        case=request.GET.get("case", "").strip()[:32],
        department=request.GET.get("department", "").strip()[:32],
        level=int(level) if level in ("1", "2", "3", "4", "5") else None,
        channel=request.GET.get("channel", "")
        if request.GET.get("channel") in Channel.values
        else "",
        rated_from=_date(request.GET.get("rated_from")),
        rated_to=_date(request.GET.get("rated_to")),
        bad_only=request.GET.get("bad") == "1",
    )
    return render(
        request,
        "ratings/list.html",
        {
            **_pages(request, selectors.ratings(user, filters)),
            "filters": filters,
            "levels": sorted(rules.LEVELS.items(), reverse=True),
            "channels": Channel.choices,
            "departments": Department.objects.filter(regions.department_q(user, "pk")).order_by(
                "sort_order", "code"
            )
            if is_center_wide(user)
            else [],
        },
    )


@staff_page
def task_list(request):
    state = request.GET.get("state", "pending")
    if state not in ("pending", "all", *[s.value for s in rules.TaskState]):
        state = "pending"
    overdue = request.GET.get("overdue") == "1"
    queryset = selectors.tasks(request.user, state="" if state == "all" else state, overdue=overdue)
    return render(
        request,
        "ratings/tasks.html",
        {
            **_pages(request, queryset),
            "state": state,
            "overdue": overdue,
            "states": [s.value for s in rules.TaskState],
            "today": clock.today(),
        },
    )


def _task_page(request, task, *, errors=None, general=(), values=None, status=200):
    may_handle = services.department_may_handle(request.user, task.department_id)
    return render(
        request,
        "ratings/task.html",
        {
            "task": task,
            "rating": task.rating,
            "steps": list(task.events.select_related("actor").order_by("seq")),
            "appeals": list(task.appeals.order_by("filed_at")),
            "may_handle": may_handle,
            "may_appeal": may_handle and has_role(request.user, Role.DEPARTMENT_HEAD),
            "may_decide": has_role(request.user, Role.SUPERVISOR),
            "methods": CALLBACK_METHODS,
            "appeal_reasons": Appeal.Reason.choices,
            "errors": errors or {},
            "general_errors": list(general),
            "values": values or {},
            "today": clock.today(),
        },
        status=status,
    )


@staff_page
def task_detail(request, task_id: int):
    return _task_page(request, selectors.get_task(request.user, task_id))


def _moment(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({"called_at": [_("Enter a valid date and time.")]}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LOCAL_TZ)
    return moment


@staff_page
@require_POST
def task_step(request, task_id: int, step: str):
    task = selectors.get_task(request.user, task_id)
    data = request.POST
    version = data.get("version") or None
    try:
        if step == "callback":
            services.record_callback(
                actor=request.user,
                task_id=task.pk,
                called_at=_moment(data.get("called_at", "")),
                method=data.get("method", ""),
                rater_said=data.get("rater_said", ""),
                version=version,
            )
        elif step == "outcome":
            services.record_outcome(
                actor=request.user,
                task_id=task.pk,
                outcome=data.get("outcome", ""),
                text=data.get("text", ""),
                ledger_due=_date(data.get("ledger_due")),
                version=version,
            )
        elif step == "feedback":
            services.send_feedback(
                actor=request.user, task_id=task.pk, text=data.get("text", ""), version=version
            )
        elif step == "appeal":
            services.file_appeal(
                actor=request.user,
                task_id=task.pk,
                reason=data.get("reason", ""),
                evidence=data.get("evidence", ""),
            )
        else:
            raise Http404
    except (ValidationFailed, DomainError) as error:
        errors, general = _errors(error)
        return _task_page(
            request,
            task,
            errors=errors,
            general=general,
            values={**data.dict(), "step": step},
            status=error.status,
        )
    messages.success(request, _("Saved."))
    return redirect("ratings:task", task_id=task.pk)


@staff_page
@require_POST
def rating_reply(request, rating_id: int):
    try:
        services.reply(actor=request.user, rating_id=rating_id, text=request.POST.get("text", ""))
    except ValidationFailed as error:
        messages.error(request, _flat(error))
    else:
        messages.success(request, _("Reply published."))
    return redirect(reverse("ratings:list") + "?" + _query(request))


# ---------------------------------------------------------------- supervisors


def month_indicators(today: dt.date) -> list[dict]:
    """The center's six rating indicators for the month so far, each with its formula."""
    start = today.replace(day=1)
    pairs = selectors.rating_indicator_counts(start=start, end=today, group="center")
    center = {
        key: (
            sum(row[key][0] for row in pairs.values()),
            sum(row[key][1] for row in pairs.values()),
        )
        for key in rules.INDICATORS
    }
    return [
        {
            "key": key,
            "name": name,
            "formula": formula,
            "numerator": center[key][0],
            "denominator": center[key][1],
            "rate": rules.rate(center[key]),
        }
        for key, (name, formula) in rules.INDICATORS.items()
    ]


@supervisor_page
def supervision(request):
    today = clock.today()
    return render(
        request,
        "ratings/supervision.html",
        {
            "indicators": month_indicators(today),
            "month_start": today.replace(day=1),
            "escalated": list(selectors.escalated_tasks()[:50]),
            "appeals": list(selectors.pending_appeals()[:50]),
            "overdue": list(selectors.overdue_rectifications()[:50]),
            "no_callback": list(selectors.real_name_bad_without_callback()[:50]),
            "closed": list(selectors.recently_closed()),
            "may_decide": has_role(request.user, Role.SUPERVISOR),
            "today": clock.today(),
        },
    )


@supervisor_page
@require_POST
def decide_appeal(request, appeal_id: int):
    try:
        appeal = services.decide_appeal(
            actor=request.user,
            appeal_id=appeal_id,
            upheld=request.POST.get("decision") == "upheld",
            note=request.POST.get("note", ""),
        )
    except (ValidationFailed, DomainError) as error:
        messages.error(request, _flat(error))
        return redirect("ratings:supervision")
    messages.success(request, _("The appeal is decided."))
    return redirect("ratings:task", task_id=appeal.task_id)


# ---------------------------------------------------------------- the portal


def _owned(request, number: str) -> Case:
    case = (
        Case.objects.select_related("item_version")
        .filter(number=str(number)[:32], owner=request.user)
        .first()
    )
    if case is None:
        raise Http404
    return case


@login_required
@require_POST
def portal_rate(request, number: str):
    case = _owned(request, number)
    values = _form_values(request, rules.dimensions_for(Channel.ONLINE, case.channel))
    try:
        services.submit_rating(
            number=case.number, channel=Channel.ONLINE, user=request.user, **values
        )
    except (ValidationFailed, DomainError) as error:
        messages.error(request, _flat(error))
    except NotFound:
        raise Http404 from None
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("portal:case", number=case.number)


@login_required
@require_POST
def portal_answer(request, number: str):
    case = _owned(request, number)
    rating = selectors.case_rating(case)
    task = getattr(rating, "task", None) if rating is not None and rating.is_bad else None
    if task is None:
        raise Http404
    accept = request.POST.get("answer") == "accept"
    try:
        services.answer_feedback(
            user=request.user, task_id=task.pk, accept=accept, reason=request.POST.get("reason", "")
        )
    except (ValidationFailed, DomainError) as error:
        messages.error(request, _flat(error))
    except NotFound:
        raise Http404 from None
    else:
        messages.success(
            request,
            _("Thank you: your answer was recorded.")
            if accept
            else _("Your rejection was recorded; the supervisors will follow it up."),
        )
    return redirect("portal:case", number=case.number)

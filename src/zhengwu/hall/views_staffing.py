"""The staffing pages of the hall (docs/hall.md, 值守与考勤). Thin: parse, call a service or
a read, render; the same messages as the API."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department, User, Window
from zhengwu.core import clock, paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.display import cn_date, person_name
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.forms import attempt
from zhengwu.core.roles import STAFF_ROLES, has_role
from zhengwu.core.schemas import MAX_ROW_ID
from zhengwu.core.views import guarded
from zhengwu.hall import staffing_forms as f
from zhengwu.hall import staffing_reports as reports
from zhengwu.hall import staffing_rules as rules
from zhengwu.hall import staffing_selectors as s
from zhengwu.hall import staffing_services as services
from zhengwu.hall.models import WindowPost
from zhengwu.hall.models.staffing import (
    AssistedService,
    HallIrregularity,
    LeaveRequest,
    PatrolFinding,
)

PAGE_SIZE = 25

staff_page = guarded(lambda user: has_role(user, *STAFF_ROLES))
config_page = guarded(s.may_configure)
sheet_page = guarded(lambda user: s.may_oversee(user) or s.is_head(user))


def _month(request) -> tuple[dt.date, dt.date, str]:
    try:
        first, last = reports.parse_month(request.GET.get("month", ""))
    except ValidationFailed:
        first, last = reports.parse_month("")
    return first, last, f"{first:%Y-%m}"


def _hall(user):
    hall = s.hall_of(user)
    if hall is None:
        raise Http404
    return hall


def _no_hall(request):
    """The page shown while no service hall is set up for the user."""
    return render(request, "hall/staffing/no_hall.html")


def _people(hall) -> list[tuple[int, str]]:
    users = User.objects.filter(department__center=hall.center_id, is_active=True).order_by(
        "department__sort_order", "full_name", "id"
    )
    return [(u.pk, person_name(u)) for u in users]


# -- attendance ----------------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def attendance(request):
    """Sign in and out (window panel, kiosk with a face photo, mobile with location), the
    month's own record and leave requests."""
    user = request.user
    form = f.AttendanceForm(initial={"method": "panel"})
    leave_form = f.LeaveForm()
    problems: list = []
    status = 200
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "leave":
            leave_form = f.LeaveForm(request.POST)
            done, problems, status = attempt(
                leave_form,
                lambda: services.request_leave(user=user, **_fields(leave_form, "once")),
            )
        else:
            form = f.AttendanceForm(request.POST, request.FILES)
            write = services.sign_out if what == "sign_out" else services.sign_in
            done, problems, status = attempt(
                form,
                lambda: write(user=user, **form.cleaned_data),
            )
        if done is not None:
            return redirect("hall:attendance")
    first, last, month = _month(request)
    today = clock.today()
    rows = s.attendance(user).filter(user=user, day__gte=first, day__lte=last).order_by("day")
    return render(
        request,
        "hall/staffing/attendance.html",
        {
            "form": form,
            "leave_form": leave_form,
            "problems": problems,
            "today": s.attendance(user).filter(user=user, day=today).first(),
            "rows": rows,
            "month": month,
            "leave": s.leave_requests(user).filter(user=user)[:20],
            "hall": s.hall_of(user),
            "is_head": s.is_head(user) or s.may_oversee(user),
        },
        status=status,
    )


def _fields(form, *drop) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in drop}


@sheet_page
def department_attendance(request):
    """A department's monthly attendance sheet (its head; the center-wide roles choose the
    department), its .xlsx, and the leave requests waiting for the head."""
    user = request.user
    first, last, month = _month(request)
    departments = (
        Department.objects.filter(regions.department_q(user, "pk"), is_active=True).order_by(
            "sort_order", "code"
        )
        if s.may_oversee(user)
        else Department.objects.filter(pk=user.department_id)
    )
    chosen = request.GET.get("department", "")
    department = (
        departments.filter(pk=chosen).first() if chosen.isdigit() else None
    ) or departments.first()
    if department is None:
        raise Http404
    sheet = reports.attendance_sheet(department, first, last)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.sheet_xlsx(sheet),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"attendance-{department.code}-{month}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    pending = LeaveRequest.objects.none()
    if s.is_head(user):
        pending = (
            s.leave_requests(user)
            .filter(
                department_id=user.department_id,
                state=LeaveRequest.State.PENDING,
                first_day__gt=clock.today(),
            )
            .exclude(user=user)
            .order_by("first_day")
        )
    return render(
        request,
        "hall/staffing/department_attendance.html",
        {
            "sheet": sheet,
            "rows": [
                {
                    "row": r,
                    "cells": [reports.STATUS_LABELS[x] for x in r.statuses],
                    "totals": reports.sheet_totals(r),
                }
                for r in sheet.rows
            ],
            "month": month,
            "department": department,
            "departments": departments,
            "pending": pending,
            "xlsx_query": paging.query_with(request, format="xlsx"),
            "headings": reports.TOTAL_HEADINGS,
            "day_heads": list(zip(sheet.days, sheet.workdays, strict=True)),
        },
    )


@sheet_page
@require_POST
def decide_leave(request, leave_id: int):
    user = request.user
    if leave_id > MAX_ROW_ID:
        raise Http404
    row = s.leave_requests(user).filter(pk=leave_id, department_id=user.department_id).first()
    if row is None or not s.is_head(user):
        raise Http404
    approve = request.POST.get("decision") == "approve"
    back = reverse("hall:department_attendance")
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Approve leave") if approve else _("Refuse leave"),
            subject=person_name(row.user),
            facts=[
                (_("Kind of leave"), row.get_kind_display()),
                (_("From"), cn_date(row.first_day)),
                (_("To"), cn_date(row.last_day)),
                (_("Reason"), row.reason),
            ],
            warning=_("The decision is recorded with your name and cannot be changed."),
            back_url=back,
            danger=not approve,
        )
    try:
        services.decide_leave(head=user, leave_id=row.pk, approve=approve)
    except NotFound:
        raise Http404 from None
    except (DomainError, Forbidden) as error:
        return render(
            request,
            "hall/staffing/problem.html",
            {"problems": [error.message], "back": back},
            status=error.status,
        )
    return redirect(back)


# -- configuration -------------------------------------------------------------------------------


@config_page
@require_http_methods(["GET", "POST"])
def posts(request):
    """A and B posts of each window, the hall's staffing settings and patrol times."""
    hall = s.hall_of(request.user)
    if hall is None:
        return _no_hall(request)
    conf = s.settings_of(hall)
    people = _people(hall)
    settings_form = f.SettingsForm(
        initial={
            "radius_m": hall.radius_m,
            "empty_grace_minutes": conf.empty_grace_minutes,
            "patrol_grace_minutes": conf.patrol_grace_minutes,
            "finding_workdays": conf.finding_workdays,
            "late_tolerance_minutes": conf.late_tolerance_minutes,
            "areas": conf.areas,
        }
    )
    times = [t.strftime("%H:%M") for _n, t in s.patrol_times(hall)]
    problems: list = []
    status = 200
    if request.method == "POST" and request.POST.get("what") == "settings":
        settings_form = f.SettingsForm(request.POST)
        done, problems, status = attempt(
            settings_form,
            lambda: services.save_settings(
                actor=request.user, hall=hall, **settings_form.cleaned_data
            ),
        )
        if done is not None:
            return redirect("hall:posts")
    elif request.method == "POST":
        try:
            if request.POST.get("what") == "times":
                times = [request.POST.get(f"time_{i}", "") for i in range(1, 7)]
                services.save_patrol_times(actor=request.user, hall=hall, times=times)
            else:
                window = request.POST.get("window", "")
                services.save_post(
                    actor=request.user,
                    window_id=int(window) if window.isdigit() and len(window) < 18 else 0,
                    post_a=request.POST.get("post_a"),
                    post_b=request.POST.get("post_b"),
                )
            return redirect("hall:posts")
        except ValidationFailed as failed:
            problems, status = [str(m) for ms in failed.errors.values() for m in ms], 422
    rows = WindowPost.objects.filter(hall=hall).select_related(
        "window", "window__department", "post_a", "post_b"
    )
    return render(
        request,
        "hall/staffing/posts.html",
        {
            "hall": hall,
            "rows": rows,
            "people": people,
            "settings_form": settings_form,
            "times": times,
            "problems": problems,
        },
        status=status,
    )


@config_page
@require_http_methods(["GET", "POST"])
def rosters(request):
    """The duty rosters from today on, and a roster to make or replace."""
    hall = s.hall_of(request.user)
    if hall is None:
        return _no_hall(request)
    people = _people(hall)
    form = f.RosterForm(people=people, initial={"day": clock.today().isoformat()})
    problems: list = []
    status = 200
    if request.method == "POST":
        form = f.RosterForm(request.POST, people=people)
        done, problems, status = attempt(
            form,
            lambda: services.save_roster(actor=request.user, hall=hall, **form.cleaned_data),
        )
        if done is not None:
            return redirect("hall:rosters")
    rows = (
        hall.rosters.filter(day__gte=clock.today() - dt.timedelta(days=7))
        .select_related("leader_a", "leader_b")
        .prefetch_related("patrol_staff")
        .order_by("day")
    )
    return render(
        request,
        "hall/staffing/rosters.html",
        {"hall": hall, "form": form, "rows": rows, "problems": problems},
        status=status,
    )


# -- patrols -------------------------------------------------------------------------------------


@staff_page
def patrols(request):
    """Today's roster and patrols (those on duty record them), and the findings assigned to
    the user to follow up."""
    user = request.user
    hall = s.hall_of(user)
    today = clock.today()
    day = reports.day_patrols(hall, today) if hall else None
    open_findings = (
        PatrolFinding.objects.filter(assignee=user, followed_up_at__isnull=True)
        .select_related("patrol", "window")
        .order_by("deadline")
    )
    return render(
        request,
        "hall/staffing/patrols.html",
        {
            "hall": hall,
            "roster": s.roster_of(hall, today) if hall else None,
            "day": day,
            "states": reports_states(hall, today) if hall else [],
            "on_duty": bool(hall) and (has_role(user, "admin") or s.on_duty(user, hall, today)),
            "findings": open_findings,
            "oversee": s.may_oversee(user),
        },
    )


def reports_states(hall, day):
    log, _done, _due = reports.patrol_log(hall, day, day)
    return log[0].rows if log else []


@staff_page
@require_http_methods(["GET", "POST"])
def record_patrol(request, number: int):
    """The checklist of every area and window, and up to three findings, each assigned."""
    user = request.user
    hall = _hall(user)
    today = clock.today()
    if not (has_role(user, "admin") or s.on_duty(user, hall, today)):
        raise Http404
    windows = list(Window.objects.filter(post__hall=hall, is_active=True).order_by("number"))
    areas = s.settings_of(hall).area_list()
    targets = [("w", w.pk, _("Window %(number)s") % {"number": w.number}) for w in windows] + [
        ("a", a, a) for a in areas
    ]
    problems: list = []
    status = 200
    data = request.POST
    if request.method == "POST":
        checks = []
        for i, (kind, key, _label) in enumerate(targets):
            row = {"window": key} if kind == "w" else {"area": key}
            for item in rules.CHECK_ITEMS:
                row[item] = data.get(f"t{i}_{item}") == "on"
            checks.append(row)
        findings = []
        for k in range(3):
            description = data.get(f"f{k}_description", "").strip()
            if not description:
                continue
            kind, _sep, key = data.get(f"f{k}_target", "").partition(":")
            findings.append(
                {
                    "window" if kind == "w" else "area": key,
                    "item": data.get(f"f{k}_item"),
                    "description": description,
                    "assignee": data.get(f"f{k}_assignee"),
                    "photo": request.FILES.get(f"f{k}_photo"),
                }
            )
        try:
            services.record_patrol(
                actor=user,
                hall=hall,
                number=number,
                checks=checks,
                findings=findings,
                notes=data.get("notes", ""),
            )
            return redirect("hall:patrols")
        except ValidationFailed as failed:
            problems = [str(m) for ms in failed.errors.values() for m in ms]
            status = 422
        except (DomainError, Forbidden) as error:
            problems, status = [str(error.message)], error.status
    times = dict(s.patrol_times(hall))
    if number not in times:
        raise Http404
    return render(
        request,
        "hall/staffing/record_patrol.html",
        {
            "hall": hall,
            "number": number,
            "at": times[number],
            "targets": [
                {
                    "index": i,
                    "label": label,
                    "checks": [
                        (
                            item,
                            PatrolFinding.Item(item).label,
                            request.method == "GET" or data.get(f"t{i}_{item}") == "on",
                        )
                        for item in rules.CHECK_ITEMS
                    ],
                }
                for i, (_kind, _key, label) in enumerate(targets)
            ],
            "target_choices": [(f"{kind}:{key}", label) for kind, key, label in targets],
            "items": PatrolFinding.Item.choices,
            "people": _people(hall),
            "finding_rows": [
                {
                    "k": k,
                    "target": data.get(f"f{k}_target", ""),
                    "item": data.get(f"f{k}_item", ""),
                    "description": data.get(f"f{k}_description", ""),
                    "assignee": data.get(f"f{k}_assignee", ""),
                }
                for k in range(3)
            ],
            "notes": data.get("notes", ""),
            "problems": problems,
        },
        status=status,
    )


@staff_page
@require_POST
def follow_up(request, finding_id: int):
    form = f.FollowUpForm(request.POST)
    done, problems, status = attempt(
        form,
        lambda: services.follow_up(
            actor=request.user, finding_id=finding_id, text=form.cleaned_data["follow_up"]
        ),
    )
    if done is None:
        return render(
            request,
            "hall/staffing/problem.html",
            {"problems": problems, "back": reverse("hall:patrols")},
            status=status,
        )
    return redirect("hall:patrols")


@guarded(s.may_oversee)
def patrol_log(request):
    """The 巡查日志 of a month: each working day's six patrols, who did them, their findings,
    and the completion rate per day and for the month."""
    hall = s.hall_of(request.user)
    if hall is None:
        return _no_hall(request)
    first, last, month = _month(request)
    days, done, due = reports.patrol_log(hall, first, last)
    findings = reports.findings_by_day(hall, first, last)
    return render(
        request,
        "hall/staffing/patrol_log.html",
        {
            "hall": hall,
            "month": month,
            "first": first,
            "days": [{"day": d, "findings": findings.get(d.day, [])} for d in days],
            "done": done,
            "due": due,
            "rate": reports.percent_text(done, due),
        },
    )


# -- irregularities ------------------------------------------------------------------------------


@guarded(lambda user: s.may_oversee(user) or s.is_head(user))
def irregularities(request):
    """Empty posts, patrols not done in time and findings not followed up, in the user's scope,
    filtered by kind and month."""
    first, last, month = _month(request)
    rows = s.irregularities(request.user).filter(day__gte=first, day__lte=last)
    kind = request.GET.get("kind", "")
    if kind in HallIrregularity.Kind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    return render(
        request,
        "hall/staffing/irregularities.html",
        {
            "rows": [{"row": r, "minutes": reports.irregularity_minutes(r, now)} for r in page],
            "kinds": HallIrregularity.Kind.choices,
            "kind": kind,
            "month": month,
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
    )


# -- 帮办代办 ----------------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def assisted(request):
    """帮办代办 records in the user's scope, the month's figures, a new record."""
    user = request.user
    first, last, month = _month(request)
    form = f.AssistedForm(initial={"mode": AssistedService.Mode.ON_SITE})
    problems: list = []
    status = 200
    if request.method == "POST":
        form = f.AssistedForm(request.POST)
        done, problems, status = attempt(
            form, lambda: services.record_assisted(actor=user, **_fields(form, "once"))
        )
        if done is not None:
            return redirect("hall:assisted")
    scope = s.assisted(user)
    rows = scope.filter(served_on__gte=first, served_on__lte=last)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hall/staffing/assisted.html",
        {
            "form": form,
            "problems": problems,
            "rows": page,
            "figures": reports.assisted_figures(scope, first, last),
            "month": month,
            "callback_form": f.CallbackForm(),
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
        status=status,
    )


@staff_page
@require_POST
def call_back(request, service_id: int):
    form = f.CallbackForm(request.POST)
    done, problems, status = attempt(
        form,
        lambda: services.call_back(actor=request.user, service_id=service_id, **form.cleaned_data),
    )
    if done is None:
        return render(
            request,
            "hall/staffing/problem.html",
            {"problems": problems, "back": reverse("hall:assisted")},
            status=status,
        )
    return redirect("hall:assisted")

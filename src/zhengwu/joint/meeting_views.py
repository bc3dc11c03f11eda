"""Staff pages of the joint review meetings (联审会) and the search by investment project code.
Thin: they parse with ``meeting_forms``, call ``zhengwu.joint.meetings`` or the selectors, and
show the result; the services' messages go back on the forms (input kept)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core import paging
from zhengwu.core.cursors import decode_cursor
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.masking import watches_only
from zhengwu.core.roles import STAFF_ROLES, role_names
from zhengwu.core.views import guarded
from zhengwu.joint import meeting_forms as f
from zhengwu.joint import meetings, presenters, selectors, services
from zhengwu.joint.models import JointMeeting

PAGE_SIZE = 20
staff_page = guarded(lambda user: bool(role_names(user) & STAFF_ROLES))


def _attendee_departments(meeting: JointMeeting):
    chosen = list(meeting.departments.order_by("code"))
    lead = meeting.joint.lead_department
    return [lead, *[d for d in chosen if d.pk != lead.pk]]


def _meeting_page(request, meeting: JointMeeting, *, forms=None, problem="", status=200):
    joint = meeting.joint
    items = meetings.agenda(meeting)
    keeps = meetings.may_convene(request.user, joint) and meeting.is_open
    departments = _attendee_departments(meeting)
    forms = forms or {}
    decisions = {d.child_id: d for d in meeting.decisions.all()}
    return render(
        request,
        "joint/meetings/meeting.html",
        {
            "joint": joint,
            "meeting": meeting,
            "departments": meeting.departments.order_by("code"),
            "attendees": meeting.attendees.select_related("department").order_by("id"),
            "rows": [{"child": c, "decision": decisions.get(c.pk)} for c in items],
            "keeps": keeps,
            "attendee_form": forms.get("attendee") or f.AttendeeForm(departments=departments),
            "decision_form": forms.get("decision") or f.DecisionForm(items=items),
            "close_form": forms.get("close") or f.CloseForm(),
            "problem": problem,
        },
        status=status,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def meeting_list(request, number: str):
    """A joint case's meetings; the lead department convenes one here."""
    joint = meetings.visible_joint(request.user, number)
    may = meetings.may_convene(request.user, joint)
    concerned = list(meetings.concerned_departments(joint))
    form = f.ConveneForm(request.POST or None, departments=concerned)
    problem, status = "", 200
    if request.method == "POST":
        if not may:
            raise Forbidden()
        if form.is_valid():
            try:
                meeting = meetings.convene(
                    actor=request.user, number=joint.number, **form.cleaned_data
                )
            except ValidationFailed as failed:
                problem = " ".join(form.put_errors(failed))
                status = 422
            except DomainError as error:
                problem, status = str(error.message), 409
            else:
                return redirect("joint_meetings:meeting", joint.number, meeting.seq)
        else:
            status = 422
    return render(
        request,
        "joint/meetings/list.html",
        {
            "joint": joint,
            "meetings": meetings.meetings_visible(request.user, joint)
            .prefetch_related("departments")
            .order_by("seq"),
            "may_convene": may and joint.state == "accepted",
            "form": form,
            "problem": problem,
        },
        status=status,
    )


@staff_page
def meeting(request, number: str, seq: int):
    return _meeting_page(request, meetings.get_meeting(request.user, number, seq))


def _minutes_step(request, number: str, seq: int, name: str, form, call):
    meeting = meetings.get_meeting(request.user, number, seq)
    if form.is_valid():
        try:
            call(meeting, form.cleaned_data)
        except ValidationFailed as failed:
            return _meeting_page(
                request,
                meeting,
                forms={name: form},
                problem=" ".join(form.put_errors(failed)),
                status=422,
            )
        except DomainError as error:
            return _meeting_page(
                request, meeting, forms={name: form}, problem=str(error.message), status=409
            )
        return redirect("joint_meetings:meeting", meeting.joint.number, meeting.seq)
    return _meeting_page(request, meeting, forms={name: form}, status=422)


@staff_page
@require_POST
def attend(request, number: str, seq: int):
    meeting = meetings.get_meeting(request.user, number, seq)
    form = f.AttendeeForm(request.POST, departments=_attendee_departments(meeting))
    return _minutes_step(
        request,
        number,
        seq,
        "attendee",
        form,
        lambda m, data: meetings.record_attendee(
            actor=request.user, number=m.joint.number, seq=m.seq, **data
        ),
    )


@staff_page
@require_POST
def decide(request, number: str, seq: int):
    meeting = meetings.get_meeting(request.user, number, seq)
    form = f.DecisionForm(request.POST, items=meetings.agenda(meeting))
    return _minutes_step(
        request,
        number,
        seq,
        "decision",
        form,
        lambda m, data: meetings.record_decision(
            actor=request.user, number=m.joint.number, seq=m.seq, **data
        ),
    )


@staff_page
@require_POST
def close(request, number: str, seq: int):
    return _minutes_step(
        request,
        number,
        seq,
        "close",
        f.CloseForm(request.POST),
        lambda m, data: meetings.close(
            actor=request.user, number=m.joint.number, seq=m.seq, **data
        ),
    )


@staff_page
def minutes(request, number: str, seq: int):
    """The minutes (会议纪要) for printing."""
    meeting = meetings.get_meeting(request.user, number, seq)
    decisions = {d.child_id: d for d in meeting.decisions.all()}
    return render(
        request,
        "joint/meetings/minutes.html",
        {
            "joint": meeting.joint,
            "meeting": meeting,
            "departments": meeting.departments.order_by("code"),
            "attendees": meeting.attendees.select_related("department").order_by("id"),
            "rows": [
                {"child": c, "decision": decisions.get(c.pk)} for c in meetings.agenda(meeting)
            ],
        },
    )


# ---------------------------------------------------------------- 按投资项目代码查询


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return params.urlencode()


@staff_page
def projects(request):
    """The joint cases of one investment project, newest first, with their total."""
    form = f.ProjectSearchForm(request.GET or None)
    rows, pager, code, status = [], None, "", 200
    if request.GET and form.is_valid() and form.cleaned_data["code"]:
        errors: dict[str, list] = {}
        code = services.clean_project_code(form.cleaned_data["code"], "code", errors)
        if errors:
            form.put_errors(ValidationFailed(errors))
            status = 422
        else:
            queryset = selectors.filtered(request.user, selectors.JointFilters(project_code=code))
            after = str(request.GET.get("after", ""))[:64]
            found, cursor = selectors.page(queryset, after=after, limit=PAGE_SIZE)
            masked = watches_only(request.user)
            rows = [
                {"joint": j, "applicant": presenters.applicant(j, masked=masked)} for j in found
            ]
            pager = paging.keyset_page(
                queryset,
                after_id=decode_cursor(after),
                rows=len(found),
                next_query=_query(request, after=cursor) if cursor else None,
                first_query=_query(request, after="") if after else None,
            )
    return render(
        request,
        "joint/projects.html",
        {
            "form": form,
            "rows": rows,
            "pager": pager,
            "code": code,
            "title": _("Search by investment project code"),
        },
        status=status,
    )

"""Staff pages of cases: the workbench queues, the window application, the case page with its
actions, and the printable notices. Thin: they parse, call a selector or a service, and show the
result with the services' own messages (422 / 409 / 403 re-render the page; 404 never says why)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from zhengwu.cases import forms as f
from zhengwu.cases import notices, presenters, queues, rules, selectors, services
from zhengwu.cases.inputs import PUBLIC_ACTIONS
from zhengwu.cases.models import Case, CaseCompletion, CaseFile
from zhengwu.cases.templatetags.case_tags import (
    channel_label,
    cn_date,
    delivery_label,
    event_label,
    procedure_label,
)
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.core import paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.display import cn_datetime
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.core.views import guarded

PAGE_SIZE = 20


# Login, a workbench role, and the domain errors a read can raise turned into 403 / 404.
staff_page = guarded(queues.may_use_workbench)


def _case_or_404(user, number: str) -> Case:
    try:
        return selectors.get_case(user, number)
    except NotFound:
        raise Http404 from None


def _handles(user, case: Case) -> bool:
    """Whether the user handles the case (sees the applicant's numbers unmasked)."""
    return case.department_id in selectors.staff_department_ids(user)


# --- the workbench -------------------------------------------------------------------------------


def _previous(queryset, after: str) -> tuple[bool, str]:
    """Whether there is a newer page, and its cursor ("" for the first page)."""
    after_id = selectors.decode_cursor(after)
    if after_id is None:
        return False, ""
    ids = list(
        queryset.filter(id__gte=after_id)
        .order_by("id")
        .values_list("id", flat=True)[: PAGE_SIZE + 1]
    )
    if not ids:
        return False, ""
    if len(ids) <= PAGE_SIZE:
        return True, ""
    return True, selectors.encode_cursor(ids[PAGE_SIZE - 1] + 1)


@staff_page
def workbench(request):
    user = request.user
    roles = role_names(user)
    queue = queues.resolve(request.GET.get("queue"), roles)
    values = f.WorkbenchFilterForm(request.GET).values()
    own = selectors.staff_department_ids(user)
    departments = selectors.filter_departments(user)
    if not departments:
        values.pop("department", None)
    base = selectors.CaseFilters(
        number=values.get("number", ""),
        item=values.get("item", ""),
        applicant=values.get("applicant", ""),
        received_from=values.get("received_from"),
        received_to=values.get("received_to"),
        department=values.get("department", ""),
    )
    queryset = queues.queryset(user, queue, base)
    after = str(request.GET.get("after", ""))[:64]
    cases, next_cursor = selectors.page(queryset, after=after, limit=PAGE_SIZE)
    has_previous, previous_cursor = _previous(queryset, after) if after else (False, "")
    hints = queues.hints(roles, queue.key)
    rows = [
        {
            "case": case,
            "applicant": presenters.applicant(case, masked=case.department_id not in own),
            "extendable": "extension" in hints and queues.extension_candidate(case),
        }
        for case in cases
    ]
    counts = queues.counts(user, base)
    after_id = selectors.decode_cursor(after)
    pager = paging.keyset(
        total=queues.parse_count(counts[queue.key]),
        before=paging.capped_count(queryset.filter(id__gte=after_id))
        if after_id is not None
        else None,
        rows=len(cases),
        previous_query=paging.query_with(request, after=previous_cursor) if has_previous else None,
        next_query=paging.query_with(request, after=next_cursor) if next_cursor else None,
    )
    tabs = [
        {
            "key": q.key,
            "label": q.label,
            "count": counts[q.key],
            "query": paging.query_with(request, queue=q.key, after=""),
            "active": q.key == queue.key,
        }
        for q in queues.QUEUES
    ]
    return render(
        request,
        "cases/staff/workbench.html",
        {
            "queue": queue,
            "tabs": tabs,
            "rows": rows,
            "filters": values,
            "departments": departments,
            "hints": hints,
            "can_file": Role.WINDOW_CLERK in roles,
            "read_only": not (roles & queues.STAFF_ROLES),
            "pager": pager,
        },
    )


# --- the window application ----------------------------------------------------------------------


def _window_items(user):
    return (
        catalog_selectors.published_versions()
        .filter(item__department_id__in=sorted(selectors.staff_department_ids(user)))
        .order_by("item__impl_code")
    )


@staff_page
def new(request):
    user = request.user
    if Role.WINDOW_CLERK not in role_names(user):
        raise PermissionDenied
    impl_code = str(request.POST.get("item") or request.GET.get("item") or "")[:64].strip()
    version = None
    problems: list[str] = []
    if impl_code:
        try:
            version = catalog_selectors.published_version(impl_code)
        except NotFound:
            problems.append(_("There is no published service item with this code."))
    materials = list(version.materials.all()) if version is not None else []
    status = 200
    if request.method == "POST":
        form = f.IntakeForm(request.POST, materials=materials)
        if form.is_valid():
            try:
                case = services.submit(
                    actor=user,
                    item=impl_code,
                    channel="window",
                    applicant=services.ApplicantInput(**form.applicant()),
                    materials=form.cleaned_data["materials"],
                    received_at=form.cleaned_data["received_at"],
                )
            except ValidationFailed as failed:
                problems += form.put_errors(failed, f.SUBMIT_FIELDS)
                problems.insert(0, str(failed.message))
                status = 422
            except DomainError as error:
                problems.append(str(error.message))
                status = 409
            else:
                messages.success(
                    request,
                    _("Application %(number)s is filed.") % {"number": case.number},
                )
                return redirect("cases:detail", number=case.number)
        else:
            problems.insert(0, _("The submitted data is not valid."))
            status = 422
    else:
        form = f.IntakeForm(
            initial={"item": impl_code, "kind": "person"},
            materials=materials,
        )
    return render(
        request,
        "cases/staff/new.html",
        {
            "form": form,
            "version": version,
            "impl_code": impl_code,
            "items": _window_items(user),
            "problems": problems,
            "required": [m.code for m in materials if m.required],
        },
        status=status,
    )


# --- the case page -------------------------------------------------------------------------------


def public_actions(case: Case, roles) -> list[str]:
    """The public actions ``roles`` may take on the case now, in the forms' order."""
    allowed = rules.allowed_actions(case.state, roles, extended=case.extension_workdays > 0)
    return [
        name for name in f.ACTION_FORMS if any(action in allowed for action in PUBLIC_ACTIONS[name])
    ]


def _due_lines(case: Case) -> list[dict]:
    lines = []

    def add(testid, text, badge=""):
        lines.append({"testid": testid, "text": text, "badge": badge})

    # Only the clocks still running (``rules.running_clocks``).
    running = rules.running_clocks(case.state)
    if rules.Clock.INTAKE in running:
        add(
            "due-intake",
            _("Intake decision due by %(date)s") % {"date": cn_date(case.intake_due)},
        )
    if case.accepted_on:
        add(
            "accepted-on",
            _("Accepted on %(date)s") % {"date": cn_date(case.accepted_on)},
            _("Deemed accepted")
            if case.deemed_accepted
            else (_("Parallel approval") if case.parallel else ""),
        )
    deciding = rules.Clock.DECISION in running
    if case.promised_due and deciding:
        add(
            "due-promised",
            _("Promised decision by %(date)s") % {"date": cn_date(case.promised_due)},
        )
    if case.statutory_due and deciding:
        add(
            "due-statutory",
            _("Statutory limit ends on %(date)s") % {"date": cn_date(case.statutory_due)},
            _("Past the statutory limit") if case.statutory_overdue else "",
        )
    if case.suspended_since:
        add(
            "suspended-since",
            _("In a special procedure since %(date)s") % {"date": cn_date(case.suspended_since)},
        )
    if case.suspended_workdays:
        add(
            "suspended-workdays",
            _("Special procedures took %(n)s working days, not counted in the limit")
            % {"n": case.suspended_workdays},
        )
    if case.extension_workdays:
        add(
            "extension-workdays",
            _("Extended by %(n)s working days") % {"n": case.extension_workdays},
        )
    if case.completed_on:
        completion = CaseCompletion(case.completion).label if case.completion else ""
        add(
            "completed-on",
            _("Completed on %(date)s") % {"date": cn_date(case.completed_on)},
            completion,
        )
    if case.delivery_due and rules.Clock.DELIVERY in running:
        add(
            "due-delivery",
            _("To be delivered by %(date)s") % {"date": cn_date(case.delivery_due)},
            _("Delivery overdue") if case.delivery_overdue else "",
        )
    if case.delivered_on:
        add("delivered-on", _("Delivered on %(date)s") % {"date": cn_date(case.delivered_on)})
    return lines


# Actions that end the case against the applicant's interest or undo it look destructive.
DESTRUCTIVE_ACTIONS = frozenset({"refuse", "withdraw"})


def _blocked(action: str, missing_required) -> str:
    """Why the action cannot apply now ("" when it can): 受理 needs every required material."""
    if action == "accept" and missing_required:
        return _("Cannot accept yet: required materials missing (%(names)s).") % {
            "names": "、".join(m.name for m in missing_required)
        }
    return ""


def _names(codes, names: dict) -> str:
    return "、".join(names.get(code, code) for code in codes or [])


def _event_details(row, names: dict) -> list[tuple[str, str]]:
    data = row.data or {}
    out: list[tuple[str, str]] = []
    kind = row.kind
    if kind == "submit":
        out.append((_("Channel"), channel_label(data.get("channel", ""))))
        out.append((_("Materials"), _names(data.get("materials"), names) or "—"))
    elif kind == "accept" and data.get("parallel"):
        out.append((_("Procedure"), _("Parallel approval")))
    elif kind == "request_supplement":
        out.append((_("Materials asked for"), _names(data.get("missing"), names)))
        if data.get("round"):
            out.append((_("Round"), str(data["round"])))
        if data.get("due"):
            out.append((_("Hand the materials in by"), cn_date(data["due"])))
    elif kind in ("supplement", "supplement_part"):
        out.append((_("Materials"), _names(data.get("materials"), names)))
    elif kind == "suspend":
        out.append((_("Special procedure"), procedure_label(data.get("procedure"))))
    elif kind == "extend":
        out.append((_("Working days"), str(data.get("workdays", ""))))
    elif kind == "deliver":
        out.append((_("Delivery method"), delivery_label(data.get("method", ""))))
    elif kind == "deem_accept":
        out.append((_("Intake due"), cn_date(data.get("intake_due"))))
    elif kind == "clocks_recomputed":
        for field, (before, after) in (data.get("changes") or {}).items():
            out.append((field, f"{before or '—'} → {after or '—'}"))
    if data.get("reason"):
        out.append((_("Reason"), data["reason"]))
    if data.get("note"):
        out.append((_("Note"), data["note"]))
    return out


def _file_url(case: Case, row: CaseFile) -> str:
    try:
        return reverse("portal:file", args=(case.number, row.pk))
    except NoReverseMatch:
        return ""


def _joint_url(number: str) -> str:
    """The page of the joint case (联办件) a case was opened for, when that app is installed."""
    if not number:
        return ""
    try:
        return reverse("joint:detail", args=(number,))
    except NoReverseMatch:
        return ""


def _render_detail(request, case: Case, *, failed=None, status: int = 200):
    """The case page; ``failed`` is ``(action, bound form, [messages])`` after a refused action."""
    user = request.user
    version = case.item_version
    materials = list(version.materials.order_by("position", "id"))
    names = {m.code: m.name for m in materials}
    handed_in = set(case.materials)
    missing_codes = rules.missing_for_acceptance(
        [m.code for m in materials if m.required], handed_in
    )
    missing_required = [m for m in materials if m.code in missing_codes]
    acting = services.acting_roles(user, case)
    handles = _handles(user, case)
    actions = public_actions(case, acting)
    forms = []
    for name in actions:
        form_class = f.ACTION_FORMS[name]
        if failed is not None and failed[0] == name:
            form = failed[1]
        else:
            initial = {"version": case.version}
            if name == "request_supplement":
                initial["missing"] = [
                    m.code for m in materials if m.required and m.code not in handed_in
                ]
            form = form_class(initial=initial, materials=materials, **_form_options(name, case))
        forms.append(
            {
                "name": name,
                "label": f.ACTION_LABELS[name],
                "form": form,
                "blocked": _blocked(name, missing_required),
                "destructive": name in DESTRUCTIVE_ACTIONS,
                "legal": name in LEGAL_ACTS,
            }
        )
    timeline = []
    joint_number = ""
    for row in selectors.events(case):
        data = row.data or {}
        joint_number = joint_number or str(data.get("joint") or "")
        timeline.append(
            {
                "row": row,
                "label": event_label(row.kind),
                "actor": row.actor.display_name if row.actor else _("System"),
                "details": _event_details(row, names),
                "added": _names(data.get("added"), names)
                if row.kind == "request_supplement" and data.get("added")
                else "",
                "notice": notices.has_notice(row.kind),
            }
        )
    files = [
        {"row": row, "url": _file_url(case, row)}
        for row in CaseFile.objects.filter(case=case).order_by("material_code", "id")
    ]
    return render(
        request,
        "cases/staff/detail.html",
        {
            "case": case,
            "version": version,
            "applicant": presenters.applicant(case, masked=not handles),
            "handles": handles,
            "due_lines": _due_lines(case),
            "materials": [
                {"material": m, "handed_in": m.code in handed_in, "asked": m.code in case.missing}
                for m in materials
            ],
            "missing_required": missing_required,
            "timeline": timeline,
            "files": files,
            "action_forms": forms,
            "failed": failed,
            "joint_number": joint_number,
            "joint_url": _joint_url(joint_number),
            "status": status,
        },
        status=status,
    )


@staff_page
def detail(request, number: str):
    return _render_detail(request, _case_or_404(request.user, number))


def _form_options(action: str, case) -> dict:
    """What an action's form needs to know of the case beyond its materials."""
    if action == "accept":
        return {"parallel": case.item_version.parallel_approval}
    if action == "request_supplement":
        return {"repeat": case.events.filter(kind="request_supplement").exists()}
    return {}


def _unconfirmed(action: str, case, form, materials) -> str:
    """The warning a step needs confirmed before it is taken, if any: a supplement that leaves
    listed materials missing, a further notice asking for something new (一次性告知)."""
    names = {m.code: m.name for m in materials}
    data = form.cleaned_data
    if action == "supplement" and not data.get("partial"):
        left = services.still_missing(case, data.get("materials") or [])
        if left and data.get("materials"):
            return _(
                "These listed materials would still be missing: %(names)s. Tick “only part” "
                "to record the supplement; the case then waits for the rest."
            ) % {"names": "、".join(names.get(c, c) for c in left)}
    if action == "request_supplement" and not data.get("breaks_notice"):
        added = services.new_in_notice(case, data.get("missing") or [])
        if added:
            return _(
                "The first one-time notice did not ask for: %(names)s. Asking for them now "
                "breaks the one-time notice rule and is recorded as an irregularity; confirm to "
                "issue it anyway."
            ) % {"names": "、".join(names.get(c, c) for c in added)}
    return ""


# The legal acts (具体行政行为 and their notices): each asks for confirmation before it is done.
LEGAL_ACTS = {
    "accept": _lazy(
        "Accepting starts the time limits and gives the applicant an acceptance notice."
    ),
    "refuse": _lazy("The applicant receives a decision not to accept, and the case ends here."),
    "request_supplement": _lazy(
        "The one-time notice must name every material still needed: asking for another one "
        "later is recorded as an irregularity."
    ),
    "decide": _lazy(
        "The decision is final on this platform and its certificate is issued to the applicant."
    ),
    "deliver": _lazy("Delivery completes the case."),
}
DANGER_ACTS = frozenset({"refuse"})


def _shown(bound, value, names: dict) -> str:
    """A cleaned value as a person reads it: choices by their label, materials by name."""
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(names.get(v, str(v)) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return cn_datetime(value)
    if isinstance(value, dt.date):
        return cn_date(value)
    choices = dict(getattr(bound.field, "choices", ()) or ())
    if value in choices:
        return str(choices[value])
    return str(value)


def _confirm_act(request, case: Case, action: str, form, materials):
    names = {m.code: m.name for m in materials}
    facts = [
        (_("Service item"), case.item_version.name),
        (
            _("Applicant"),
            presenters.applicant(case, masked=not _handles(request.user, case))["name"],
        ),
    ]
    for bound in form.visible_fields():
        shown = _shown(bound, form.cleaned_data.get(bound.name), names)
        if shown:
            facts.append((bound.label, shown))
    return confirmation_page(
        request,
        title=f.ACTION_LABELS[action],
        subject=_("Case %(number)s") % {"number": case.number},
        facts=facts,
        warning=LEGAL_ACTS[action],
        back_url=reverse("cases:detail", args=(case.number,)),
        danger=action in DANGER_ACTS,
    )


@staff_page
@require_POST
def act(request, number: str, action: str):
    if action not in f.ACTION_FORMS:
        raise Http404
    user = request.user
    case = _case_or_404(user, number)
    materials = list(case.item_version.materials.order_by("position", "id"))
    form = f.ACTION_FORMS[action](request.POST, materials=materials, **_form_options(action, case))
    problems: list[str] = []
    status = 422
    if not form.is_valid():
        problems.append(_("The submitted data is not valid."))
    elif warning := _unconfirmed(action, case, form, materials):
        problems, status = [warning], 409
    elif (
        action in LEGAL_ACTS
        and not confirmed(request)
        and action in public_actions(case, services.acting_roles(user, case))
    ):
        return _confirm_act(request, case, action, form, materials)
    else:
        try:
            services.act(
                actor=user,
                number=case.number,
                action=action,
                data=form.payload(),
                occurred_at=form.cleaned_data["occurred_at"],
                version=form.cleaned_data["version"],
            )
        except ValidationFailed as failed:
            problems = [str(failed.message), *form.put_errors(failed)]
        except DomainError as error:
            problems, status = [str(error.message)], 409
        except Forbidden as error:
            problems, status = [str(error.message)], 403
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": f.ACTION_LABELS[action]})
            return redirect("cases:detail", number=case.number)
    # Show the page as it is now, with what was typed and the version now current.
    case = _case_or_404(user, number)
    data = request.POST.copy()
    data["version"] = str(case.version)
    form.data = data
    return _render_detail(request, case, failed=(action, form, problems), status=status)


# --- notices -------------------------------------------------------------------------------------


def _notice(request, number: str, seq: int):
    try:
        return notices.notice_for(request.user, number, seq)
    except NotFound:
        raise Http404 from None


@login_required
def notice(request, number: str, seq: int):
    """The print view of a certificate: for the staff of the case and its applicant."""
    case, event, document = _notice(request, number, seq)
    back = ""
    if queues.may_use_workbench(request.user):
        back = reverse("cases:detail", args=(case.number,))
    return render(
        request,
        "cases/notices/notice.html",
        {"case": case, "event": event, "notice": document, "back": back},
    )


@login_required
def notice_docx(request, number: str, seq: int):
    _case, _event, document = _notice(request, number, seq)
    rating_url = notices.absolute_rating_url(document, request)
    response = HttpResponse(
        notices.render_docx(document, rating_url=rating_url),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = document.content_disposition
    return response

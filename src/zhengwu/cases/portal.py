"""The citizen portal (网上办事大厅): apply online from a guide, hand in materials, read the
one-time notice and supplement online, withdraw, and follow progress by login or by case number and
phone. Thin: the rules and their messages come from the services and the file checks."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.accounts.models import Applicant
from zhengwu.cases import files as case_files
from zhengwu.cases import notices, selectors, services
from zhengwu.cases import portal_forms as f
from zhengwu.cases.models import Case, CaseFile, CaseState
from zhengwu.catalog.choices import SPECIAL_PROCEDURES
from zhengwu.catalog.selectors import published_version
from zhengwu.core import clock, paging
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.identity import mask_name
from zhengwu.core.ratelimit import rate_limited
from zhengwu.core.roles import Role, has_role
from zhengwu.core.views import applicant_required, guarded

PAGE_SIZE = 20
TRACK_LIMIT = 20  # tries per client address ...
TRACK_WINDOW = 600  # ... per ten minutes
# Events the staff side issues a written notice for (cases:notice / cases:notice_docx).
NOTICE_KINDS = frozenset(
    {
        "accept",
        "deem_accept",
        "refuse",
        "request_supplement",
        "suspend",
        "extend",
        "decide_grant",
        "decide_deny",
    }
)
EVENT_TEXT = {
    "submit": gettext_lazy("Application received"),
    "request_supplement": gettext_lazy("Materials requested (one-time notice)"),
    "supplement": gettext_lazy("Materials supplemented"),
    "supplement_part": gettext_lazy("Part of the materials supplemented"),
    "accept": gettext_lazy("Application accepted"),
    "deem_accept": gettext_lazy(
        "Deemed accepted: no intake decision was made within the intake limit"
    ),
    "refuse": gettext_lazy("Application not accepted"),
    "suspend": gettext_lazy("Paused for a special procedure"),
    "resume": gettext_lazy("Review resumed"),
    "extend": gettext_lazy("Decision period extended"),
    "decide_grant": gettext_lazy("Decision: granted"),
    "decide_deny": gettext_lazy("Decision: denied"),
    "deliver": gettext_lazy("Result delivered"),
    "withdraw": gettext_lazy("Application withdrawn"),
    "clocks_recomputed": gettext_lazy(
        "Dates recalculated after the official holiday schedule was published"
    ),
}
DELIVERY_TEXT = {
    "window": gettext_lazy("collected at the window"),
    "mail": gettext_lazy("by post"),
    "electronic": gettext_lazy("electronically"),
}
# Reasons the applicant is told in writing anyway (the notices): shown on the timeline.
REASON_KINDS = frozenset({"refuse", "suspend", "extend", "decide_deny"})
ACCEPT = ".pdf,.ofd,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
NOT_FOUND_TRACK = gettext_lazy(
    "No case matches this case number and phone number. Check both and try again."
)


# --- helpers -------------------------------------------------------------------------------------


def _anyone(user) -> bool:
    return True


# Logged in (else to the login page with ``next``); the case pages then answer 404 to anyone but
# the case's owner (``_owned_case``), and the services' Forbidden becomes a 403.
owner_only = guarded(_anyone)


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _owned_case(user, number: str) -> Case:
    case = selectors.get_case(user, number)
    if case.owner_id != user.pk or not has_role(user, Role.APPLICANT):
        raise NotFound()
    return case


def progress_text(case: Case) -> str:
    """One plain sentence on where the case stands."""
    state = case.state
    if state == CaseState.SUBMITTED and (case.deemed_accepted or case.intake_due < clock.today()):
        return _(
            "The intake limit passed without an answer: the application is deemed accepted "
            "and is under review."
        )
    if state == CaseState.SUBMITTED:
        return _("Received on %(received)s; the window answers by %(due)s.") % {
            "received": _day(case.received_on),
            "due": _day(case.intake_due),
        }
    if state == CaseState.SUPPLEMENT_REQUESTED:
        return _("Materials are missing: see the one-time notice and hand them in.")
    if state == CaseState.ACCEPTED:
        if case.promised_due:
            return _("Under review; the promised date is %(due)s.") % {
                "due": _day(case.promised_due)
            }
        return _("Under review.")
    if state == CaseState.SUSPENDED:
        return _(
            "Paused for a special procedure since %(since)s; this time is not counted in the limit."
        ) % {"since": _day(case.suspended_since)}
    if state == CaseState.GRANTED:
        return _("Granted on %(date)s; the result is being delivered.") % {
            "date": _day(case.completed_on)
        }
    if state == CaseState.DENIED:
        return _("Denied on %(date)s; see the decision notice for the reasons and your rights.") % {
            "date": _day(case.completed_on)
        }
    if state == CaseState.DELIVERED:
        return _("Completed; the result was delivered on %(date)s.") % {
            "date": _day(case.delivered_on or case.completed_on)
        }
    if state == CaseState.REFUSED:
        return _("Not accepted; see the notice for the reasons.")
    if state == CaseState.WITHDRAWN:
        return _("Withdrawn at your request.")
    return case.get_state_display()


def _notice_links(number: str, seq: int) -> dict:
    links = {}
    for key, name in (("html", "cases:notice"), ("docx", "cases:notice_docx")):
        try:
            links[key] = reverse(name, args=(number, seq))
        except NoReverseMatch:
            pass
    return links


def _procedure_label(code: str) -> str:
    for value, label, _chinese in SPECIAL_PROCEDURES:
        if value == code:
            return _(label)
    return code


def timeline(case: Case, names: dict) -> list[dict]:
    """The case's steps in plain words: what happened and when, with the notice of each step
    that has one, and no staff-internal notes beyond what the notices say."""
    steps = []
    for row in selectors.events(case):
        data = row.data or {}
        detail = ""
        if row.kind == "request_supplement":
            detail = "、".join(names.get(c, c) for c in data.get("missing", []))
        elif row.kind in ("supplement", "supplement_part"):
            detail = "、".join(names.get(c, c) for c in data.get("materials", []))
        elif row.kind == "deliver":
            detail = str(DELIVERY_TEXT.get(data.get("method"), ""))
        elif row.kind == "extend" and isinstance(data.get("workdays"), int):
            detail = _("%(days)d working days") % {"days": data["workdays"]}
        elif row.kind == "suspend":
            detail = _procedure_label(str(data.get("procedure", "")))
        reason = str(data.get("reason", "")) if row.kind in REASON_KINDS else ""
        steps.append(
            {
                "seq": row.seq,
                "kind": row.kind,
                "text": EVENT_TEXT.get(row.kind, row.kind),
                "when": clock.local_datetime(row.occurred_at),
                "detail": detail,
                "reason": reason,
                "notice": _notice_links(case.number, row.seq) if row.kind in NOTICE_KINDS else {},
            }
        )
    return steps


def _material_names(version) -> dict:
    return {m.code: m.name for m in version.materials.all()}


def _split_errors(errors: dict, fields=()) -> tuple[dict, list]:
    """Per-field errors (``applicant.x`` → ``x``, ``files.M01`` → ``file_M01``) and the rest."""
    by_field, general = {}, []
    for key, messages_ in errors.items():
        name = key.split(".", 1)[1] if key.startswith("applicant.") else None
        if name in fields:
            by_field.setdefault(name, []).extend(messages_)
        elif key.startswith("files."):
            by_field.setdefault("file_" + key.split(".", 1)[1], []).extend(messages_)
        else:
            general.extend(messages_)
    return by_field, general


# --- my cases ------------------------------------------------------------------------------------


@applicant_required
def home(request):
    user = request.user
    mine = selectors.visible_cases(user).filter(owner=user)
    after = str(request.GET.get("after", ""))[:64]
    cases, cursor = selectors.page(mine, after=after, limit=PAGE_SIZE)
    rows = [{"case": case, "progress": progress_text(case)} for case in cases]
    waiting, running = selectors.applicant_worklist(user)
    pager = paging.keyset_page(
        mine,
        after_id=selectors.decode_cursor(after),
        rows=len(rows),
        next_query=urlencode({"after": cursor}) if cursor else None,
        first_query="" if after else None,
    )
    return render(
        request,
        "cases/portal/home.html",
        {
            "rows": rows,
            "pager": pager,
            "waiting": [{"case": c, "missing": _missing_names(c)} for c in waiting],
            "running": [{"case": c, "progress": progress_text(c)} for c in running],
        },
    )


def _missing_names(case: Case) -> str:
    names = _material_names(case.item_version)
    return "、".join(names.get(code, code) for code in case.missing)


# --- apply ---------------------------------------------------------------------------------------


def _initial(user, kind: str) -> dict:
    if kind == Applicant.Kind.ORG:
        return {"kind": kind, "contact": user.display_name, "phone": user.phone}
    own = Applicant.objects.filter(user=user).first()
    if own is not None and own.kind == Applicant.Kind.PERSON:
        return {
            "kind": kind,
            "name": own.name,
            "id_number": own.id_number,
            "phone": own.phone or user.phone,
        }
    return {"kind": kind, "name": user.full_name, "phone": user.phone}


def _apply_page(request, version, form, *, errors=None, general=(), status=200):
    file_errors = {k: v for k, v in (errors or {}).items() if k.startswith("file_")}
    materials = [
        {"material": m, "field": f"file_{m.code}", "errors": file_errors.get(f"file_{m.code}", [])}
        for m in version.materials.all()
    ]
    return render(
        request,
        "cases/portal/apply.html",
        {
            "version": version,
            "item": version.item,
            "form": form,
            "fields": form.visible(),
            "kind": form.kind_value,
            "materials": materials,
            "general_errors": list(general),
            "had_errors": bool(errors or general),
            "max_size": case_files.size_text(case_files.max_upload_bytes()),
            "accept": ACCEPT,
        },
        status=status,
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def apply(request, impl_code: str):
    try:
        version = published_version(impl_code)
    except NotFound:
        raise Http404 from None
    if request.method == "GET":
        kind = request.GET.get("kind", Applicant.Kind.PERSON)
        form = f.ApplicantForm(kind=kind, initial=_initial(request.user, kind))
        form.fields["kind"].initial = form.kind_value
        return _apply_page(request, version, form)

    form = f.ApplicantForm(request.POST, kind=request.POST.get("kind", ""))
    if not form.is_valid():
        return _apply_page(request, version, form, errors={"form": True}, status=422)
    uploads = {
        m.code: request.FILES.getlist(f"file_{m.code}")
        for m in version.materials.all()
        if request.FILES.getlist(f"file_{m.code}")
    }
    try:
        case = case_files.apply_online(
            actor=request.user, item=version.item, applicant=form.applicant_input(), files=uploads
        )
    except ValidationFailed as error:
        shown = {bound.name for bound in form.visible()}
        by_field, general = _split_errors(error.errors, shown)
        for name, field_messages in by_field.items():
            if name in shown:
                for message in field_messages:
                    form.add_error(name, message)
        if not error.errors:
            general = [str(error.message)]
        return _apply_page(request, version, form, errors=by_field, general=general, status=422)
    except DomainError as error:
        return _apply_page(
            request, version, form, errors={}, general=[str(error.message)], status=409
        )
    messages.success(
        request,
        _("Your application was submitted. Your case number is %(number)s.")
        % {"number": case.number},
    )
    return redirect("portal:case", number=case.number)


# --- one case ------------------------------------------------------------------------------------


def _case_page(
    request,
    case: Case,
    *,
    errors=None,
    general=(),
    withdraw_form=None,
    partial=None,
    status=200,
):
    """``partial``: the materials a supplement just tried would leave missing (a warning)."""
    names = _material_names(case.item_version)
    notice = None
    if case.state == CaseState.SUPPLEMENT_REQUESTED:
        latest = case.events.filter(kind="request_supplement").order_by("-seq").first()
        if latest is not None:
            # what the notice asked for and is still missing (a part may be in already)
            missing = [c for c in latest.data.get("missing", []) if c in case.missing] or list(
                latest.data.get("missing", [])
            )
            notice = {
                "seq": latest.seq,
                "round": latest.data.get("round", 1),
                "when": clock.local_datetime(latest.occurred_at),
                "note": latest.data.get("note", ""),
                "materials": [
                    {
                        "code": code,
                        "name": names.get(code, code),
                        "field": f"file_{code}",
                        "errors": (errors or {}).get(f"file_{code}", []),
                    }
                    for code in missing
                ],
                "links": _notice_links(case.number, latest.seq),
                "due": case.supplement_due,
                "handed_in": [
                    {"code": code, "name": names.get(code, code)}
                    for code in latest.data.get("missing", [])
                    if code not in missing
                ],
                "partial": partial,
            }
    uploaded = list(CaseFile.objects.filter(case=case).order_by("material_code", "id"))
    return render(
        request,
        "cases/portal/case.html",
        {
            "case": case,
            "version": case.item_version,
            "progress": progress_text(case),
            "steps": timeline(case, names),
            "handed_in": [{"code": c, "name": names.get(c, c)} for c in case.materials],
            "files": [{"row": row, "name": names.get(row.material_code, "")} for row in uploaded],
            "notice": notice,
            "documents": delivered_documents(case),
            "withdraw_form": withdraw_form or f.WithdrawForm(),
            "general_errors": list(general),
            "max_size": case_files.size_text(case_files.max_upload_bytes()),
            "accept": ACCEPT,
        },
        status=status,
    )


@owner_only
def case_detail(request, number: str):
    return _case_page(request, _owned_case(request.user, number))


@owner_only
@require_POST
def supplement(request, number: str):
    case = _owned_case(request.user, number)
    codes = [m.code for m in case.item_version.materials.all()]
    uploads = {
        code: request.FILES.getlist(f"file_{code}")
        for code in codes
        if request.FILES.getlist(f"file_{code}")
    }
    remaining = services.still_missing(case, list(uploads))
    if uploads and remaining and request.POST.get("partial") != "on":
        # warn before anything is handed in: what would still be missing
        names = _material_names(case.item_version)
        left = "、".join(names.get(code, code) for code in remaining)
        return _case_page(
            request,
            case,
            general=[
                _(
                    "These materials would still be missing: %(names)s. Choose their files too, "
                    "or confirm that you hand in only part now (the case then waits for the rest)."
                )
                % {"names": left}
            ],
            partial=[names.get(code, code) for code in remaining],
            status=422,
        )
    try:
        case = case_files.supplement_online(
            actor=request.user,
            number=case.number,
            files=uploads,
            version=f.version_from(request.POST.get("version")),
        )
    except ValidationFailed as error:
        by_field, general = _split_errors(error.errors)
        return _case_page(
            request, _owned_case(request.user, number), errors=by_field, general=general, status=422
        )
    except DomainError as error:
        return _case_page(
            request, _owned_case(request.user, number), general=[str(error.message)], status=409
        )
    if case.state == CaseState.SUPPLEMENT_REQUESTED:
        messages.success(
            request,
            _("Part of the materials was handed in; the case waits for the rest: %(names)s.")
            % {"names": _missing_names(case)},
        )
    else:
        messages.success(request, _("Your materials were handed in; the window will check them."))
    return redirect("portal:case", number=case.number)


@owner_only
@require_POST
def withdraw(request, number: str):
    case = _owned_case(request.user, number)
    form = f.WithdrawForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, withdraw_form=form, status=422)
    try:
        services.act(
            actor=request.user,
            number=case.number,
            action="withdraw",
            data={"reason": form.cleaned_data["reason"]},
            version=f.version_from(request.POST.get("version")),
        )
    except ValidationFailed as error:
        _by_field, general = _split_errors(error.errors)
        return _case_page(
            request, case, withdraw_form=form, general=general or [error.message], status=422
        )
    except DomainError as error:
        return _case_page(
            request,
            _owned_case(request.user, number),
            withdraw_form=form,
            general=[str(error.message)],
            status=409,
        )
    messages.success(request, _("Your application was withdrawn."))
    return redirect("portal:case", number=case.number)


@login_required
def case_file(request, number: str, file_id: int):
    """A file handed in with a case: for its owner and for staff who can see the case."""
    try:
        case = selectors.get_case(request.user, number)
    except NotFound:
        raise Http404 from None
    row = CaseFile.objects.filter(case=case, pk=file_id).first()
    if row is None:
        raise Http404
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    stem = row.original_name.rsplit(".", 1)[0] if "." in row.original_name else row.original_name
    filename = stem + case_files.EXTENSIONS.get(row.content_type, "")
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- electronic delivery -------------------------------------------------------------------------


def delivered_documents(case: Case) -> list[dict]:
    """The documents an electronic delivery gives the applicant to download: the decision notice,
    and the electronic licence when the licence register recorded one for the grant (with its
    register number). Empty unless the case was delivered electronically."""
    if case.state != CaseState.DELIVERED:
        return []
    delivery = case.events.filter(kind="deliver").order_by("-seq").first()
    if delivery is None or (delivery.data or {}).get("method") != "electronic":
        return []
    issued = notices.issued_licence(case)
    return [
        {
            "kind": kind,
            "title": DOCUMENT_TITLES[kind],
            "number": issued.number if kind == "licence" else "",
            "url": reverse("portal:document", args=[case.number, kind]),
        }
        for kind in DOCUMENT_KINDS
        if kind != "licence" or issued is not None
    ]


DOCUMENT_KINDS = ("decision", "licence")
DOCUMENT_TITLES = {
    "decision": gettext_lazy("Decision notice (Word)"),
    "licence": gettext_lazy("Electronic licence (Word)"),
}


@owner_only
def document(request, number: str, kind: str):
    """A document of an electronic delivery, for the case's applicant only (404 for anyone else,
    and before the electronic delivery)."""
    case = _owned_case(request.user, number)
    if kind not in {doc["kind"] for doc in delivered_documents(case)}:
        raise Http404
    rows = list(case.events.order_by("seq"))
    cut = next((i for i, r in enumerate(rows) if r.kind == "decide_grant"), None)
    if cut is None:
        raise Http404
    if kind == "licence":
        document_ = notices.licence(case, rows[: cut + 1])
    else:
        document_ = notices.build(case, rows[: cut + 1])
    rating_url = notices.absolute_rating_url(document_, request)
    response = HttpResponse(
        notices.render_docx(document_, rating_url=rating_url),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = document_.content_disposition
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- progress without login ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return render(request, "cases/portal/track.html", {"form": f.TrackForm()})
    if rate_limited(request, "track", limit=TRACK_LIMIT, window=TRACK_WINDOW):
        return render(
            request,
            "cases/portal/track.html",
            {
                "form": f.TrackForm(request.POST),
                "problem": _("Too many tries. Wait ten minutes and try again."),
                "problem_code": "rate_limited",
            },
            status=429,
        )
    form = f.TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/portal/track.html", {"form": form}, status=422)
    try:
        case = selectors.find_by_number_and_phone(
            form.cleaned_data["number"], form.cleaned_data["phone"]
        )
    except NotFound:
        return render(
            request,
            "cases/portal/track.html",
            {"form": form, "problem": NOT_FOUND_TRACK, "problem_code": "not_found"},
            status=404,
        )
    result = {
        "number": case.number,
        "item_name": case.item_version.name,
        "state": case.state,
        "state_label": case.get_state_display(),
        "progress": progress_text(case),
        "applicant": mask_name(case.applicant.name),
        "received_on": case.received_on,
        "promised_due": case.promised_due,
        "completed_on": case.completed_on,
    }
    return render(request, "cases/portal/track.html", {"form": f.TrackForm(), "result": result})

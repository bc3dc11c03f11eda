"""Pages of the rectification ledger (整改台账): the ledgers with their counts, a ledger's tree with
drill-down, a measure with its progress and steps, evidence files, discipline, and the exports.
Thin: parse, call a service or a selector, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core import clock, paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.display import person_name
from zhengwu.core.documents import DOCX_TYPE, content_disposition, render_docx
from zhengwu.core.errors import NotFound
from zhengwu.core.forms import attempt
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.views import guarded
from zhengwu.evaluation import rectification_documents as documents
from zhengwu.evaluation import rectification_forms as f
from zhengwu.evaluation import rectification_rules as rules
from zhengwu.evaluation import rectification_selectors as s
from zhengwu.evaluation import rectification_services as services
from zhengwu.evaluation.models.rectification import DisciplineKind, DisciplineRecord

PAGE_SIZE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ledger_page = guarded(s.may_view)
office_page = guarded(services.is_office)

# What each count means, shown beside it.
DEFINITIONS = {
    "problems": gettext_lazy("specific problems in the ledger"),
    "measures": gettext_lazy("rectification measures set on them"),
    "measures_done": gettext_lazy("measures verified by the supervising office"),
    "problems_done": gettext_lazy("problems whose every measure is verified"),
    "overdue": gettext_lazy("measures not verified after their deadline"),
}


@dataclass(frozen=True)
class Step:
    label: object
    text_label: object
    button: object
    legal: bool = False
    danger: bool = False
    files: bool = False
    warning: object = ""


STEPS = {
    "progress": Step(
        gettext_lazy("Report progress"),
        gettext_lazy("What was done"),
        gettext_lazy("Report progress"),
        files=True,
    ),
    "claim": Step(
        gettext_lazy("Claim completion"),
        gettext_lazy("How the measure was completed"),
        gettext_lazy("Claim completion"),
    ),
    "verify": Step(
        gettext_lazy("Verify completion"),
        gettext_lazy("Note of the verification"),
        gettext_lazy("Verify completion"),
        legal=True,
        warning=gettext_lazy(
            "The measure is recorded as rectified (销号) and counts as done in the published "
            "report."
        ),
    ),
    "return": Step(
        gettext_lazy("Return the claim"),
        gettext_lazy("Reason for returning"),
        gettext_lazy("Return the claim"),
        legal=True,
        danger=True,
        warning=gettext_lazy("The claim goes back to the unit with the reason; work goes on."),
    ),
}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# ------------------------------------------------------------------ the ledgers


@ledger_page
def ledger_list(request):
    user = request.user
    form = f.LedgerFilterForm(request.GET or None)
    rows = s.ledger_rows(user, **form.values())
    page = _page(request, rows)
    return render(
        request,
        "evaluation/rectification/list.html",
        {
            "form": form,
            "rows": page.object_list,
            "pager": paging.numbered(page, paging.query_with(request, page="")),
            "definitions": DEFINITIONS,
            "office": services.is_office(user),
        },
    )


@office_page
@require_http_methods(["GET", "POST"])
def ledger_new(request):
    form = f.LedgerForm(request.POST or None)
    problems, status = [], 200
    if request.method == "POST":

        def write():
            def create():
                ledger = services.create_rectification(actor=request.user, data=form.payload())
                return 201, {"id": ledger.pk}

            _status, body, _replayed = run_once(
                user=request.user,
                scope="evaluation.rectification.page",
                key=form.cleaned_data.get("once"),
                fingerprint=fingerprint(str(form.payload())),
                create=create,
            )
            return body["id"]

        ledger_id, problems, status = attempt(form, write)
        if ledger_id is not None:
            messages.success(request, _("The ledger was recorded."))
            return redirect("evaluation:rectification_detail", ledger_id)
    return render(
        request,
        "evaluation/rectification/new.html",
        {"form": form, "problems": problems},
        status=status,
    )


def _ledger(request, ledger_id):
    ledger = s.ledger(request.user, ledger_id)
    if ledger is None:
        raise NotFound()
    return ledger


def _detail(request, ledger, *, forms=None, problems=(), status=200):
    user = request.user
    office = services.is_office(user)
    today = clock.today()
    unit = request.GET.get("unit", "")
    show = request.GET.get("show", "")
    tree = s.tree(ledger, user)
    for area in tree:
        for item in area["items"]:
            for entry in item["problems"]:
                measures = entry["measures"]
                if unit:
                    measures = [m for m in measures if m.unit.code == unit]
                if show == "overdue":
                    measures = [m for m in measures if rules.is_overdue(m.state, m.deadline, today)]
                elif show == "open":
                    measures = [m for m in measures if m.state != "verified"]
                entry["shown"] = [
                    {
                        "measure": m,
                        "overdue": rules.is_overdue(m.state, m.deadline, today),
                        "leader": person_name(m.leader),
                        "person": person_name(m.person),
                    }
                    for m in measures
                ]
                entry["done"] = bool(entry["measures"]) and all(
                    m.state == "verified" for m in entry["measures"]
                )
            item["problems"] = [e for e in item["problems"] if e["shown"] or not (unit or show)]
        area["items"] = [i for i in area["items"] if i["problems"]]
    tree = [a for a in tree if a["items"]]
    counts = s.counts(ledger, user, today=today).as_dict()
    problem_rows = list(ledger.problems.order_by("pk")) if office else []
    forms = forms or {}
    context = {
        "ledger": ledger,
        "tree": tree,
        "counts": [
            (key, counts[key], DEFINITIONS[key])
            for key in ("problems", "measures", "measures_done", "problems_done", "overdue")
        ],
        "structure": counts,
        "office": office,
        "units": sorted(
            {m.unit.code: m.unit.name for m in ledger.measures.select_related("unit")}.items()
        )
        if office
        else [],
        "unit": unit,
        "show": show,
        "problems": problems,
    }
    if office:
        context["problem_form"] = forms.get("problem") or f.ProblemForm()
        units = services.assignable_units(request.user)
        context["measure_form"] = forms.get("measure") or f.MeasureForm(
            problems=problem_rows, units=units
        )
        context["discipline_form"] = forms.get("discipline") or f.DisciplineForm(
            problems=problem_rows, units=units
        )
        context["discipline"] = ledger.discipline.select_related("problem", "unit")[:50]
    return render(request, "evaluation/rectification/detail.html", context, status=status)


@ledger_page
def ledger_detail(request, ledger_id: int):
    return _detail(request, _ledger(request, ledger_id))


@office_page
@require_POST
def add_problem(request, ledger_id: int):
    ledger = _ledger(request, ledger_id)
    form = f.ProblemForm(request.POST)
    done, problems, status = attempt(
        form,
        lambda: services.add_problem(
            actor=request.user,
            rectification_id=ledger.pk,
            area_title=form.cleaned_data["area"],
            item_title=form.cleaned_data["item"],
            text=form.cleaned_data["text"],
        ),
    )
    if done is not None:
        messages.success(request, _("The problem was added."))
        return redirect("evaluation:rectification_detail", ledger.pk)
    return _detail(request, ledger, forms={"problem": form}, problems=problems, status=status)


@office_page
@require_POST
def add_measure(request, ledger_id: int):
    ledger = _ledger(request, ledger_id)
    form = f.MeasureForm(
        request.POST,
        problems=list(ledger.problems.order_by("pk")),
        units=services.assignable_units(request.user),
    )
    done, problems, status = attempt(
        form,
        lambda: services.add_measure(
            actor=request.user,
            rectification_id=ledger.pk,
            problem=form.cleaned_data["problem"],
            text=form.cleaned_data["text"],
            unit=form.cleaned_data["unit"].code,
            leader=form.cleaned_data["leader"].pk,
            person=form.cleaned_data["person"].pk,
            kind=form.cleaned_data["kind"],
            deadline=form.cleaned_data["deadline"],
        ),
    )
    if done is not None:
        messages.success(request, _("The measure was set."))
        return redirect("evaluation:rectification_detail", ledger.pk)
    return _detail(request, ledger, forms={"measure": form}, problems=problems, status=status)


@office_page
@require_POST
def add_discipline(request, ledger_id: int):
    ledger = _ledger(request, ledger_id)
    form = f.DisciplineForm(
        request.POST,
        problems=list(ledger.problems.order_by("pk")),
        units=services.assignable_units(request.user),
    )
    done, problems, status = attempt(
        form,
        lambda: services.record_discipline(
            actor=request.user,
            rectification_id=ledger.pk,
            kind=form.cleaned_data["kind"],
            person_name=form.cleaned_data["person_name"],
            unit=form.cleaned_data["unit"].code if form.cleaned_data.get("unit") else "",
            problem=form.cleaned_data.get("problem") or None,
            taken_on=form.cleaned_data["taken_on"],
            note=form.cleaned_data.get("note", ""),
        ),
    )
    if done is not None:
        messages.success(request, _("The discipline record was added."))
        return redirect("evaluation:rectification_detail", ledger.pk)
    return _detail(request, ledger, forms={"discipline": form}, problems=problems, status=status)


# ------------------------------------------------------------------ a measure


def _measure(request, measure_id):
    measure = s.measure(request.user, measure_id)
    if measure is None:
        raise NotFound()
    return measure


def _measure_page(request, measure, *, failed=None, status=200):
    user = request.user
    roles = services.roles_on(user, measure)
    names = sorted(
        rules.allowed_actions(measure.state, roles, kind=measure.kind) - {rules.Action.CREATE},
        key=list(STEPS).index,
    )
    forms = []
    for name in names:
        step = STEPS[name]
        form = (
            failed[1]
            if failed is not None and failed[0] == name
            else f.StepForm(
                initial={"version": measure.version}, label=step.text_label, files_wanted=step.files
            )
        )
        forms.append({"name": name, "step": step, "form": form})
    progress = measure.progress.select_related("author").prefetch_related("files")
    return render(
        request,
        "evaluation/rectification/measure.html",
        {
            "measure": measure,
            "ledger": measure.rectification,
            "problem": measure.problem,
            "leader": person_name(measure.leader),
            "person": person_name(measure.person),
            "overdue": rules.is_overdue(measure.state, measure.deadline, clock.today()),
            "progress": [
                {"row": row, "author": person_name(row.author), "files": list(row.files.all())}
                for row in progress
            ],
            "forms": forms,
            "office": services.is_office(user),
            "problems": failed[2] if failed else [],
        },
        status=status,
    )


@ledger_page
def measure_detail(request, measure_id: int):
    return _measure_page(request, _measure(request, measure_id))


@ledger_page
@require_POST
def measure_act(request, measure_id: int, action: str):
    if action not in STEPS:
        raise Http404
    user = request.user
    measure = _measure(request, measure_id)
    step = STEPS[action]
    form = f.StepForm(request.POST, request.FILES, label=step.text_label, files_wanted=step.files)
    allowed = rules.allowed_actions(
        measure.state, services.roles_on(user, measure), kind=measure.kind
    )
    if step.legal and not confirmed(request) and form.is_valid() and action in allowed:
        return confirmation_page(
            request,
            title=step.label,
            subject=_("Measure: %(text)s") % {"text": measure.text[:60]},
            facts=[
                (_("Responsible unit"), measure.unit.name),
                (_("Deadline"), measure.deadline),
                (step.text_label, form.cleaned_data.get("text") or "—"),
            ],
            warning=step.warning,
            back_url=reverse("evaluation:rectification_measure", args=(measure.pk,)),
            danger=step.danger,
        )
    done, problems, status = attempt(
        form,
        lambda: services.act(
            actor=user,
            measure_id=measure.pk,
            action=action,
            text=form.cleaned_data.get("text", ""),
            files=form.cleaned_data.get("files") or (),
            version=form.cleaned_data.get("version"),
        ),
    )
    if done is not None:
        messages.success(request, _("Done: %(action)s.") % {"action": step.label})
        return redirect("evaluation:rectification_measure", measure.pk)
    measure = _measure(request, measure_id)
    return _measure_page(request, measure, failed=(action, form, problems), status=status)


@ledger_page
def evidence_file(request, evidence_id: int):
    row = s.evidence(request.user, evidence_id)
    if row is None:
        raise Http404
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Content-Disposition"] = content_disposition(row.original_name, "evidence")
    return response


# ------------------------------------------------------------------ exports


@ledger_page
def ledger_xlsx(request, ledger_id: int):
    ledger = _ledger(request, ledger_id)
    response = HttpResponse(documents.ledger_xlsx(ledger, request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"整改台账-{ledger.number}.xlsx", f"ledger-{ledger.number}.xlsx"
    )
    return response


@ledger_page
def ledger_docx(request, ledger_id: int):
    ledger = _ledger(request, ledger_id)
    paper = documents.report(ledger, request.user)
    response = HttpResponse(render_docx(paper), content_type=DOCX_TYPE)
    response["Content-Disposition"] = paper.content_disposition
    return response


# ------------------------------------------------------------------ discipline


@office_page
def discipline(request):
    """Discipline records of the period with the 人次 of each kind."""
    today = clock.today()
    form = f.PeriodForm(request.GET or None)
    start = dt.date(today.year, 1, 1)
    end = today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    counts = s.discipline_counts(request.user, period_from=start, period_to=end)
    rows = DisciplineRecord.objects.filter(
        rectification__in=s.ledgers_for(request.user).values("pk"),
        taken_on__range=(start, end),
    ).select_related("rectification", "problem", "unit")
    page = _page(request, rows)
    return render(
        request,
        "evaluation/rectification/discipline.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "counts": [(label, counts[kind]) for kind, label in DisciplineKind.choices],
            "rows": page.object_list,
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
    )

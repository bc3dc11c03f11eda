"""Pages of the surveys (docs/evaluation.md#pages): the evaluations list, a new evaluation, its
links and QR codes, the results report (page, .docx, .xlsx), the templates; and the respondent's
page by an anonymous link, without login, phone-sized. Thin: forms parse, services write,
selectors read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhengwu.core import paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.documents import DOCX_TYPE, content_disposition
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.ratelimit import rate_limited
from zhengwu.core.views import guarded
from zhengwu.evaluation import survey_documents as documents
from zhengwu.evaluation import survey_forms as forms
from zhengwu.evaluation import survey_selectors as selectors
from zhengwu.evaluation import survey_services as services
from zhengwu.evaluation.models.surveys import SurveyToken
from zhengwu.ratings.models import Level

PAGE_SIZE = 25
TOKEN_PAGE_SIZE = 40
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

manager_page = guarded(services.may_manage)


@manager_page
def surveys(request):
    form = forms.FilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.filtered(
        request.user, q=values.get("q") or "", state=values.get("state") or ""
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/surveys/list.html",
        {
            "form": form,
            "page": page,
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
    )


@manager_page
@require_http_methods(["GET", "POST"])
def new_evaluation(request):
    templates = list(selectors.templates())
    form = forms.EvaluationForm(request.POST or None, templates=templates, reader=request.user)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            evaluation, _tokens = services.create_evaluation(actor=request.user, **form.values())
        except ValidationFailed as failed:
            problems = form.put_errors(failed, forms.EvaluationForm.RENAME)
        else:
            return redirect("evaluation:survey_detail", pk=evaluation.pk)
    return render(
        request,
        "evaluation/surveys/new.html",
        {"form": form, "problems": problems, "templates": templates},
    )


@manager_page
@require_http_methods(["GET", "POST"])
def templates(request):
    form = forms.TemplateForm(request.POST or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            services.create_template(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data.get("description") or "",
                questions=form.questions(),
                based_on=int(request.POST["based_on"])
                if request.POST.get("based_on", "").isdigit()
                else None,
            )
        except ValidationFailed as failed:
            problems = form.put_errors(ValidationFailed(form.rename(failed.errors)))
        else:
            return redirect("evaluation:survey_templates")
    return render(
        request,
        "evaluation/surveys/templates.html",
        {"form": form, "problems": problems, "templates": selectors.templates()},
    )


@manager_page
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    evaluation = selectors.get_evaluation(request.user, pk)
    findings = forms.FindingsForm(
        request.POST or None,
        initial={"method": evaluation.method, "findings": evaluation.findings},
    )
    if request.method == "POST" and findings.is_valid():
        services.record_findings(
            actor=request.user, evaluation=evaluation.pk, **findings.cleaned_data
        )
        return redirect("evaluation:survey_detail", pk=evaluation.pk)
    tokens = SurveyToken.objects.filter(evaluation=evaluation).select_related("group")
    group = request.GET.get("group", "")
    if group.isdigit():
        tokens = tokens.filter(group_id=int(group))
    page = Paginator(tokens.order_by("group__position", "pk"), TOKEN_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    from zhengwu.ratings.services import public_url

    return render(
        request,
        "evaluation/surveys/detail.html",
        {
            "evaluation": evaluation,
            "results": selectors.results(evaluation, with_evidence=False, reader=request.user),
            "links": [
                {
                    "token": t,
                    "url": public_url(reverse("evaluation:answer", args=[t.token]), request),
                }
                for t in page.object_list
            ],
            "groups": evaluation.groups.order_by("position"),
            "group": group,
            "page": page,
            "pager": paging.numbered(page, paging.query_with(request, page="")),
            "findings": findings,
        },
    )


@manager_page
@require_http_methods(["POST"])
def close(request, pk: int):
    evaluation = selectors.get_evaluation(request.user, pk)
    back = reverse("evaluation:survey_detail", args=[evaluation.pk])
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("close the evaluation"),
            subject=evaluation.name,
            facts=[(_("Period"), f"{evaluation.start} – {evaluation.end}")],
            warning=_("No link can answer after this; the results stay as they are."),
            back_url=back,
            danger=True,
        )
    try:
        services.close_evaluation(actor=request.user, evaluation=evaluation.pk)
    except DomainError:
        pass  # already closed: the page says so
    return redirect(back)


@manager_page
def report(request, pk: int, fmt: str = "html"):
    if fmt not in ("html", "docx", "xlsx"):
        raise Http404
    found = selectors.results_for(request.user, pk)
    if fmt == "docx":
        response = HttpResponse(documents.report_docx(found), content_type=DOCX_TYPE)
        response["Content-Disposition"] = content_disposition(
            f"评议报告-{found.evaluation.pk}.docx", f"evaluation-report-{found.evaluation.pk}.docx"
        )
        return response
    if fmt == "xlsx":
        response = HttpResponse(documents.report_xlsx(found), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition(
            f"评议结果-{found.evaluation.pk}.xlsx", f"evaluation-results-{found.evaluation.pk}.xlsx"
        )
        return response
    return render(
        request,
        "evaluation/surveys/report.html",
        {"results": found, "report": documents.report_text(found)},
    )


# ---------------------------------------------------------------- the respondent's page

# Tries per address a minute: generous, a meeting room answers from one address at once; the
# links themselves are 128-bit random tokens.
ANSWER_LIMIT = 300
ANSWER_WINDOW = 60


def _posted_answers(request, units, questions) -> dict:
    answers: dict = {}
    for unit in units:
        given = {}
        for question in questions:
            value = request.POST.get(f"a-{unit.key}-{question.code}", "").strip()
            if value:
                given[question.code] = value
        answers[unit.key] = given
    return answers


@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """No login: the questionnaire of one anonymous link; it answers once."""
    if rate_limited(request, "survey_answer", limit=ANSWER_LIMIT, window=ANSWER_WINDOW):
        return render(
            request,
            "evaluation/surveys/answer_closed.html",
            {"reason": _("Too many tries from this address. Please wait a minute and try again.")},
            status=429,
        )
    try:
        found = services.open_token(token)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return render(
            request, "evaluation/surveys/answer_closed.html", {"reason": error.message}, status=409
        )
    evaluation = found.evaluation
    units = list(evaluation.units.order_by("position"))
    questions = list(evaluation.template.questions.order_by("position"))
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        answers = _posted_answers(request, units, questions)
        values = {
            f"{unit}-{code}": value
            for unit, given in answers.items()
            for code, value in given.items()
        }
        try:
            services.submit(token=token, answers=answers)
        except ValidationFailed as failed:
            errors = failed.errors
        except DomainError as error:
            return render(
                request,
                "evaluation/surveys/answer_closed.html",
                {"reason": error.message},
                status=409,
            )
        else:
            return render(request, "evaluation/surveys/answered.html", {"evaluation": evaluation})
    sections = []
    for unit in units:
        rows = []
        for question in questions:
            name = f"{unit.key}-{question.code}"
            rows.append(
                {
                    "question": question,
                    "name": f"a-{name}",
                    "value": values.get(name, ""),
                    "errors": errors.get(f"answers.{unit.key}.{question.code}", []),
                }
            )
        sections.append({"unit": unit, "rows": rows})
    return render(
        request,
        "evaluation/surveys/answer.html",
        {
            "evaluation": evaluation,
            "group": found.group,
            "sections": sections,
            "levels": LEVELS,
            "problems": errors.get("answers", []),
            "has_errors": bool(errors),
        },
        status=422 if errors else 200,
    )


# The five levels of 好差评 (the ratings' own labels), best first.
LEVELS = tuple((str(value), label) for value, label in Level.choices)

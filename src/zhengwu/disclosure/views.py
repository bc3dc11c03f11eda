"""Pages of the disclosure requests (依申请公开): the public request form and the follow-up by
number and phone; the disclosure office's queues, its registration of requests received in
person, by post or fax, the request page with its clocks, trail, documents and actions.

Thin: they parse, call a selector or a service, and show the result with the services' own
messages (422 / 409 / 403 re-render the page with what was typed; 404 never says why).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core import clock, paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.documents import DOCX_TYPE, render_docx
from zhengwu.core.errors import NotFound
from zhengwu.core.forms import attempt
from zhengwu.core.ratelimit import rate_limited
from zhengwu.core.views import guarded
from zhengwu.disclosure import documents, services
from zhengwu.disclosure import forms as f
from zhengwu.disclosure import presenters_pages as p
from zhengwu.disclosure import selectors_pages as s

PAGE_SIZE = 20
APPLY_LIMIT = 10  # requests per address per hour
APPLY_WINDOW = 3600
FOLLOW_LIMIT = 10  # tries per address per window, as the other follow-up pages
FOLLOW_WINDOW = 600
FOLLOWED = "disclosure_followed"  # the numbers this browser looked up (or filed), newest last
FOLLOWED_KEEP = 20

# The disclosure office's pages: login, the officer's role, domain errors as 403 / 404.
officer_page = guarded(s.may_open_office_pages)


def _remember(request, number: str) -> None:
    numbers = [n for n in request.session.get(FOLLOWED, []) if n != number]
    request.session[FOLLOWED] = [*numbers, number][-FOLLOWED_KEEP:]


def _followed(request, number: str):
    """The request ``number`` if this browser filed or looked it up, or it is the logged-in
    applicant's own; else 404."""
    item = s.own_request(request.user, number)
    if item is None and number in request.session.get(FOLLOWED, []):
        item = s.request_by_number(number)
    if item is None:
        raise Http404
    return item


# --- the public request form ----------------------------------------------------------------------


def _prefill(user) -> dict:
    if not user.is_authenticated:
        return {}
    applicant = getattr(user, "applicant", None)
    initial = {"name": user.display_name if user.full_name else "", "phone": user.phone}
    if applicant is not None:
        person = applicant.kind == applicant.Kind.PERSON
        initial.update(
            applicant_kind=f.PERSON if person else f.ORGANIZATION,
            name=applicant.name,
            phone=applicant.phone or user.phone,
            id_number=applicant.id_number if person else "",
            uscc="" if person else applicant.uscc,
        )
    return {k: v for k, v in initial.items() if v}


@require_http_methods(["GET", "POST"])
def apply(request):
    """The online request (art. 29): logged in or not, with real-name details."""
    if request.method == "GET":
        form = f.RequestForm(initial={"applicant_kind": f.PERSON, **_prefill(request.user)})
        return render(request, "disclosure/apply.html", {"form": form})
    form = f.RequestForm(request.POST)
    token = str(request.POST.get("once", ""))[:128]
    sent = request.session.get("disclosure_sent", {})
    if token and token in sent:  # the same form sent again (a double click, a reload)
        messages.info(
            request,
            _("This form was already sent: it is request %(number)s.") % {"number": sent[token]},
        )
        return redirect("disclosure:filed", number=sent[token])
    if rate_limited(request, "disclosure_apply", limit=APPLY_LIMIT, window=APPLY_WINDOW):
        problems = [_("Too many requests from this address. Wait an hour and try again.")]
        return render(
            request, "disclosure/apply.html", {"form": form, "problems": problems}, status=429
        )
    item, problems, status = attempt(
        form,
        lambda: services.file_request(
            actor=request.user if request.user.is_authenticated else None,
            channel="internet",
            **form.request_data(),
        ),
    )
    if item is None:
        return render(
            request, "disclosure/apply.html", {"form": form, "problems": problems}, status=status
        )
    if token:
        request.session["disclosure_sent"] = {**dict(list(sent.items())[-9:]), token: item.number}
    _remember(request, item.number)
    return redirect("disclosure:filed", number=item.number)


def filed(request, number: str):
    """What the applicant sees once the request is filed: its number, the receipt date and the
    rule that dates it (art. 31), the reply's due date."""
    item = _followed(request, number)
    return render(
        request,
        "disclosure/filed.html",
        {"item": item, "receipt_basis": p.receipt_basis(item)},
    )


# --- following a request --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def follow(request):
    """Find a request by its number and the applicant's phone, without login (rate-limited by
    address); a match is remembered for this browser and shown on its own page."""
    if request.method == "GET":
        return render(request, "disclosure/follow.html", {"form": f.FollowForm()})
    form = f.FollowForm(request.POST)
    if rate_limited(request, "disclosure_follow", limit=FOLLOW_LIMIT, window=FOLLOW_WINDOW):
        return render(
            request,
            "disclosure/follow.html",
            {
                "form": form,
                "problem": _("Too many tries. Wait ten minutes and try again."),
                "problem_code": "rate_limited",
            },
            status=429,
        )
    if not form.is_valid():
        return render(request, "disclosure/follow.html", {"form": form}, status=422)
    item = s.find_by_number_and_phone(form.cleaned_data["number"], form.cleaned_data["phone"])
    if item is None:
        return render(
            request,
            "disclosure/follow.html",
            {
                "form": form,
                "problem": _("No request matches this number and phone. Check both and try again."),
                "problem_code": "not_found",
            },
            status=404,
        )
    _remember(request, item.number)
    return redirect("disclosure:followed", number=item.number)


def _render_followed(request, item, *, supplement_form=None, problems=(), status=200):
    supplement = p.open_supplement(item)
    if supplement is not None and supplement_form is None:
        supplement_form = f.SupplementForm()
    return render(
        request,
        "disclosure/followed.html",
        {
            "item": item,
            "applicant": p.applicant(item, masked=True),
            "progress": p.progress_text(item),
            "clocks": p.clock_lines(item),
            "result_text": p.result_text(item),
            "documents": p.documents(item, public=True),
            "steps": p.public_steps(item),
            "supplement_form": supplement_form if supplement is not None else None,
            "supplement_asked": supplement["items"] if supplement else "",
            "supplement_due": supplement["due"] if supplement else None,
            "problems": list(problems),
        },
        status=status,
    )


def followed(request, number: str):
    return _render_followed(request, _followed(request, number))


@require_POST
def supplement(request, number: str):
    """The applicant's supplement while a 补正 notice is open (the reply clock restarts on the
    day it is received)."""
    item = _followed(request, number)
    form = f.SupplementForm(request.POST)
    done, problems, status = attempt(
        form,
        lambda: services.act(
            actor=request.user,
            number=item.number,
            action="supplement",
            data={"note": form.cleaned_data["note"]},
            applicant_phone=item.phone,
        ),
    )
    if done is not None:
        messages.success(request, _("Your supplement is received."))
        return redirect("disclosure:followed", number=item.number)
    item = s.request_by_number(item.number)
    return _render_followed(request, item, supplement_form=form, problems=problems, status=status)


@login_required
def mine(request):
    """The logged-in applicant's own requests."""
    queryset = s.own_requests(request.user)
    page = _page(request, queryset)
    return render(
        request,
        "disclosure/mine.html",
        {
            "rows": page.object_list,
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
    )


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def followed_document(request, number: str, document_number: str, fmt: str = "html"):
    """A document addressed to the applicant of a request this browser follows (the 补正告知书,
    the 答复书...), identity numbers masked."""
    item = _followed(request, number)
    row = p.document(item, document_number, public=True)
    if row is None:
        raise Http404
    paper = documents.build(item, row, masked=True)
    if fmt == "docx":
        return _docx(paper)
    return _paper(request, paper, row, back=reverse("disclosure:followed", args=(item.number,)))


# --- the disclosure office ------------------------------------------------------------------------


@officer_page
def queues(request):
    user = request.user
    names = list(s.QUEUES)
    name = request.GET.get("queue") if request.GET.get("queue") in names else names[0]
    form = f.FilterForm(request.GET or None, departments=s.sees_all(user))
    queryset = s.queue(user, name, form.values() if request.GET else {})
    page = _page(request, queryset)
    today = clock.today()
    return render(
        request,
        "disclosure/queues.html",
        {
            "tabs": [
                {
                    "key": key,
                    "label": label,
                    "active": key == name,
                    "query": paging.query_with(request, queue=key, page=""),
                }
                for key, (label, _definition) in s.QUEUES.items()
            ],
            "queue": name,
            "queue_label": s.QUEUES[name][0],
            "queue_definition": s.QUEUES[name][1],
            "form": form,
            "rows": [
                {
                    "item": item,
                    "applicant": p.applicant(item, masked=True),
                    "overdue": s.is_overdue(item, today),
                }
                for item in page.object_list
            ],
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
    )


@officer_page
@require_http_methods(["GET", "POST"])
def register(request):
    """A request received in person, by post or by fax, entered by the office."""
    if request.method == "GET":
        form = f.RegisterForm(
            initial={"applicant_kind": f.PERSON, "received_at": clock.local_datetime(clock.now())}
        )
        return render(request, "disclosure/register.html", {"form": form})
    form = f.RegisterForm(request.POST)
    item, problems, status = attempt(
        form,
        lambda: services.file_request(
            actor=request.user,
            channel=form.cleaned_data["channel"],
            received_at=form.cleaned_data["received_at"],
            confirmed_at=form.cleaned_data["confirmed_at"],
            **form.request_data(),
        ),
    )
    if item is None:
        return render(
            request, "disclosure/register.html", {"form": form, "problems": problems}, status=status
        )
    messages.success(
        request,
        _("Request %(number)s is registered, received on %(date)s.")
        % {"number": item.number, "date": p.day(item.received_on)},
    )
    return redirect("disclosure:detail", number=item.number)


def _render_detail(request, item, *, failed=None, status: int = 200):
    user = request.user
    names = s.page_actions(user, item)
    if failed is not None and failed[0] not in names:
        names.insert(0, failed[0])
    action_forms = []
    for name in names:
        spec = p.ACTIONS[name]
        form = (
            failed[1]
            if failed is not None and failed[0] == name
            else spec.form(initial=p.initial(name, item))
        )
        action_forms.append(
            {
                "name": name,
                "label": spec.label,
                "help": spec.help,
                "colour": spec.colour,
                "legal": spec.legal,
                "form": form,
            }
        )
    return render(
        request,
        "disclosure/detail.html",
        {
            "item": item,
            "applicant": p.applicant(item, masked=not s.handles(user, item)),
            "clocks": p.clock_lines(item),
            "result_text": p.result_text(item),
            "overdue": s.is_overdue(item, clock.today()),
            "documents": p.documents(item, public=False),
            "timeline": p.timeline(item),
            "action_forms": action_forms,
            "failed": failed,
        },
        status=status,
    )


@officer_page
def detail(request, number: str):
    return _render_detail(request, s.get_request(request.user, number))


@officer_page
@require_POST
def act(request, number: str, action: str):
    if action not in p.ACTIONS:
        raise Http404
    user = request.user
    item = s.get_request(user, number)
    spec = p.ACTIONS[action]
    form = spec.form(request.POST)
    if spec.legal and not confirmed(request) and form.is_valid():
        if action in s.page_actions(user, item):
            return confirmation_page(
                request,
                title=spec.label,
                subject=_("Information request %(number)s") % {"number": item.number},
                facts=p.confirm_facts(form),
                warning=spec.warning,
                back_url=reverse("disclosure:detail", args=(item.number,)),
                danger=spec.danger,
            )
    done, problems, status = attempt(
        form,
        lambda: services.act(
            actor=user,
            number=item.number,
            action=spec.service_action,
            data=form.payload(),
            version=form.cleaned_data.get("version"),
        ),
    )
    if done is not None:
        messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
        try:
            s.get_request(user, number)
        except NotFound:  # routed away from the officer's department
            return redirect("disclosure:queues")
        return redirect("disclosure:detail", number=item.number)
    item = s.get_request(user, number)
    return _render_detail(request, item, failed=(action, form, problems), status=status)


def _docx(paper) -> HttpResponse:
    response = HttpResponse(render_docx(paper), content_type=DOCX_TYPE)
    response["Content-Disposition"] = paper.content_disposition
    return response


def _paper(request, paper, record, *, back: str):
    docx_url = request.path.rstrip("/") + ".docx"
    return render(
        request,
        "core/official_document.html",
        {"paper": paper, "record": record, "docx_url": docx_url, "back": back},
    )


# The documents of a request in the reader's scope (the office, the watchers, the applicant's
# account): identity numbers whole for those who handle the request.
anyone = guarded(lambda user: True)


@anyone
def document(request, number: str, document_number: str):
    item, record, paper = documents.document_for(request.user, number, document_number)
    back = (
        reverse("disclosure:detail", args=(item.number,))
        if s.may_open_office_pages(request.user)
        else reverse("disclosure:followed", args=(item.number,))
    )
    return _paper(request, paper, record, back=back)


@anyone
def document_docx(request, number: str, document_number: str):
    _item, _record, paper = documents.document_for(request.user, number, document_number)
    return _docx(paper)

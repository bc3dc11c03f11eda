"""Pages of the trading record (DOMAIN.md §12): the deal list, the deal page (lots, bids,
committee, scores, on-site log, trail, flags), a flag's page with its evidence and the shared
passages side by side and its review, the board of open flags, the credit pages of bidders and
experts. Bidders' files and their metadata only for the trading center and the supervisors.

Thin: they parse, call a selector or a service, and show the services' own messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.core import paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.display import cn_datetime, people_by_login, person_name
from zhengwu.core.forms import attempt
from zhengwu.core.roles import Role, has_role
from zhengwu.core.views import guarded
from zhengwu.trading import committee as committees
from zhengwu.trading import onsite, selectors, services
from zhengwu.trading import selectors_pages as s
from zhengwu.trading.forms import CreditFilterForm, DealFilterForm, OnsiteForm, ReviewForm
from zhengwu.trading.labels_pages import (
    EVENT_LABELS,
    EVIDENCE_HIDDEN,
    EVIDENCE_LABELS,
    FLAG_DEFINITIONS,
    PATTERN_LABELS,
)
from zhengwu.trading.models import FlagKind, FlagStatus, OnsiteEntry

PAGE_SIZE = 20
reader_page = guarded(selectors.may_read)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR)


# --- the deal list -------------------------------------------------------------------------------


@reader_page
def deals(request):
    form = DealFilterForm(request.GET or None)
    page = _page(request, s.deals(request.user, form.values() if request.GET else {}))
    return render(
        request,
        "trading/deals.html",
        {
            "form": form,
            "rows": page.object_list,
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
    )


# --- the deal page -------------------------------------------------------------------------------


def _trail(deal) -> list[dict]:
    events = list(deal.events.order_by("seq"))
    names = people_by_login(e.actor_name for e in events)
    return [
        {
            "seq": e.seq,
            "label": EVENT_LABELS.get(e.kind, _("Other step")),
            "at": e.occurred_at,
            "recorded_at": e.recorded_at,
            "actor": names.get(e.actor_name) or _("The system"),
            "hash": e.hash,
        }
        for e in events
    ]


def _scores(deal, committee, lots) -> list[dict]:
    """Per lot: its bids with each member's total and the committee's mean."""
    if committee is None:
        return []
    ranked = committees.ranking(deal)
    seats = list(committee.seats.all())
    out = []
    for lot in lots:
        rows = []
        for bid in lot.bids.all():
            entry = ranked.get(bid.pk)
            if entry is None:
                continue
            rows.append(
                {
                    "bid": bid,
                    "totals": [entry["by_seat"].get(seat.pk) for seat in seats],
                    "mean": entry["mean"],
                }
            )
        rows.sort(key=lambda r: -r["mean"])
        if rows:
            out.append({"lot": lot, "rows": rows})
    return out


def _render_deal(request, deal, *, onsite_form=None, problems=(), status=200):
    user = request.user
    committee = s.committee(deal)
    lots = list(deal.lots.all())
    supervisor = _is_supervisor(user)
    return render(
        request,
        "trading/deal.html",
        {
            "deal": deal,
            "lots": lots,
            "files": selectors.may_read_files(user),
            "flags": [
                {"flag": f, "label": f.get_kind_display(), "bidders": _bidders(f)}
                for f in deal.flags.all()
            ],
            "committee": committee,
            "seats": list(committee.seats.all()) if committee else [],
            "draw_verified": committees.verify(committee) if committee else None,
            "seed_shown": committees.seed_shown(committee) if committee else False,
            "recused": _recused(deal, committee),
            "score_tables": _scores(deal, committee, lots),
            "onsite": OnsiteEntry.objects.filter(deal=deal).order_by("observed_at", "pk"),
            "onsite_form": (onsite_form or OnsiteForm()) if supervisor else None,
            "problems": list(problems),
            "trail": _trail(deal),
        },
        status=status,
    )


def _bidders(flag) -> str:
    names = []
    for bid in flag.bids.all():
        if bid.bidder_name not in names:
            names.append(bid.bidder_name)
    return "、".join(names)


def _recused(deal, committee) -> list[dict]:
    if committee is None:
        return []
    event = deal.events.filter(kind="committee_drawn").order_by("seq").first()
    reasons = {"employer": _("worked for the bidder within three years"), "relation": _("relation")}
    return [
        {
            "expert": r["expert"],
            "why": "；".join(
                f"{x.get('bidder_name') or x.get('bidder')}（{reasons.get(x['reason'], '')}）"
                for x in r["reasons"]
            ),
        }
        for r in (event.data.get("recused", []) if event else [])
    ]


def _deal(user, code):
    deal = selectors.deal_detail(user, code)
    if deal is None:
        raise Http404
    return deal


@reader_page
def deal(request, code: str):
    return _render_deal(request, _deal(request.user, code))


@guarded(_is_supervisor)
@require_POST
def log_onsite(request, code: str):
    deal = _deal(request.user, code)
    form = OnsiteForm(request.POST)
    done, problems, status = attempt(
        form,
        lambda: onsite.log_entry(
            actor=request.user,
            code=deal.code,
            phase=form.cleaned_data["phase"],
            seen=form.cleaned_data["seen"],
            observed_at=form.cleaned_data["observed_at"],
            irregular=form.cleaned_data["irregular"],
        ),
    )
    if done is not None:
        messages.success(request, _("The on-site entry is on the deal's record."))
        return redirect(reverse("trading:deal", args=(deal.code,)) + "#onsite")
    return _render_deal(request, deal, onsite_form=form, problems=problems, status=status)


@guarded(selectors.may_read_files)
def bid_file(request, bid_id: int):
    """A bid's technical file: the trading center and the supervisors only (404 for others)."""
    found = selectors.bid_file(request.user, bid_id)
    if found is None:
        raise Http404
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.file_name or "bid"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- a flag --------------------------------------------------------------------------------------


def _value(key: str, value) -> str:
    if key in ("pattern", "basis"):
        return str(PATTERN_LABELS.get(value, value))
    if key in ("jaccard", "containment", "deviation", "threshold", "margin", "spread"):
        try:
            return f"{Decimal(str(value)) * 100:.1f}%"
        except ArithmeticError:
            return str(value)
    if key in ("submitted_at", "visible_at"):
        try:
            return cn_datetime(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if key in ("ratios_to_ceiling", "step_of_ceiling"):
        values = value if isinstance(value, list) else [value]
        try:
            return "、".join(f"{Decimal(str(v)) * 100:.4f}%" for v in values)
        except ArithmeticError:
            return str(value)
    if key == "errors":
        return "；".join(f"{e.get('error')} → {e.get('correct')}" for e in value)
    if key == "hits":
        return "、".join(str(h.get("found")) for h in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def evidence_lines(flag, bids: dict[str, object]) -> list[tuple[str, str]]:
    lines = []
    for key, value in flag.evidence.items():
        if key in EVIDENCE_HIDDEN or value in (None, "", []):
            continue
        if key in ("file_of", "names"):
            bid = bids.get(str(value))
            value = bid.bidder_name if bid is not None else value
        lines.append((str(EVIDENCE_LABELS.get(key, _("Other evidence"))), _value(key, value)))
    return lines


def passages(flag, bids: dict[str, object]) -> list[dict]:
    """The shared passages side by side: each side's bidder, its place in the file's text and
    the text."""
    out = []
    for p in flag.evidence.get("passages") or []:
        sides = []
        for side in ("a", "b"):
            part = p.get(side) or {}
            bid = bids.get(str(part.get("bid")))
            sides.append(
                {
                    "bidder": bid.bidder_name if bid is not None else "",
                    "start": part.get("start"),
                    "end": part.get("end"),
                    "text": part.get("text", ""),
                }
            )
        out.append({"chars": p.get("chars"), "sides": sides})
    return out


def _render_flag(request, flag, *, form=None, problems=(), status=200):
    user = request.user
    bids = {str(b.pk): b for b in flag.bids.all()}
    files = selectors.may_read_files(user)
    source, definition = FLAG_DEFINITIONS.get(flag.kind, ("", ""))
    reviewable = _is_supervisor(user) and flag.status == FlagStatus.OPEN
    return render(
        request,
        "trading/flag.html",
        {
            "flag": flag,
            "deal": flag.deal,
            "source": source,
            "definition": definition,
            "bids": list(bids.values()),
            "lines": evidence_lines(flag, bids),
            "passages": passages(flag, bids) if files else [],
            "passages_hidden": bool(flag.evidence.get("passages")) and not files,
            "files": files,
            "form": (form or ReviewForm()) if reviewable else None,
            "reviewer": person_name(flag.reviewed_by) if flag.reviewed_by else "",
            "credit": flag.credit_records.select_related("expert").order_by("pk"),
            "problems": list(problems),
        },
        status=status,
    )


def _flag(user, flag_id):
    flag = s.flag(user, flag_id)
    if flag is None:
        raise Http404
    return flag


@reader_page
def flag(request, flag_id: int):
    return _render_flag(request, _flag(request.user, flag_id))


@guarded(_is_supervisor)
@require_POST
def review(request, flag_id: int):
    """Confirm or dismiss a flag with a note, after a confirmation step (a finding of collusion
    marks the bidders' credit records; it is never undone)."""
    flag = _flag(request.user, flag_id)
    form = ReviewForm(request.POST)
    if form.is_valid() and not confirmed(request) and flag.status == FlagStatus.OPEN:
        decision = form.cleaned_data["decision"]
        label = _("Confirm the signal") if decision == "confirmed" else _("Dismiss the signal")
        return confirmation_page(
            request,
            title=label,
            subject=_("Signal “%(kind)s” of deal %(code)s")
            % {"kind": flag.get_kind_display(), "code": flag.deal.code},
            facts=[
                (_("Bidders"), _bidders(flag) or "—"),
                (_("Decision"), dict(form.fields["decision"].choices)[decision]),
                (_("Review note"), form.cleaned_data["note"]),
            ],
            warning=_(
                "A review is final and goes on the deal's record. A confirmed art. 40 signal "
                "marks the credit record of every bidder it names; a confirmed expert signal "
                "marks the expert's."
            )
            if decision == "confirmed"
            else _("A review is final and goes on the deal's record."),
            back_url=reverse("trading:flag", args=(flag.pk,)),
            danger=decision == "confirmed",
        )
    done, problems, status = attempt(
        form,
        lambda: services.review_flag(
            actor=request.user,
            flag_id=flag.pk,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        ),
    )
    if done is not None:
        messages.success(request, _("The review is on the deal's record."))
        return redirect("trading:flag", flag_id=flag.pk)
    return _render_flag(
        request, _flag(request.user, flag_id), form=form, problems=problems, status=status
    )


# --- the board -----------------------------------------------------------------------------------


@reader_page
def board(request):
    found = s.board(request.user)
    departments = found["departments"]
    rows = []
    for kind, label in FlagKind.choices:
        source, definition = FLAG_DEFINITIONS[kind]
        rows.append(
            {
                "kind": kind,
                "label": label,
                "source": source,
                "definition": definition,
                "cells": [
                    {
                        "n": found["cells"].get((kind, code), 0),
                        "query": f"flag={kind}&department={code}",
                    }
                    for code, _name in departments
                ],
                "total": found["by_kind"].get(kind, 0),
            }
        )
    return render(
        request,
        "trading/board.html",
        {
            "departments": [
                {
                    "code": code,
                    "name": name or _("No department"),
                    "total": found["by_department"].get(code, 0),
                }
                for code, name in departments
            ],
            "rows": rows,
            "total": found["total"],
        },
    )


# --- credit --------------------------------------------------------------------------------------


@reader_page
def credit_index(request):
    form = CreditFilterForm(request.GET or None)
    values = form.values() if request.GET else {}
    bidders, experts = s.credit_index(
        request.user, year=values.get("year"), name=values.get("name") or ""
    )
    page = _page(request, bidders)
    return render(
        request,
        "trading/credit_index.html",
        {
            "form": form,
            "bidders": page.object_list,
            "experts": experts[:50],
            "pager": paging.numbered(page, paging.query_with(request, page="")),
        },
    )


BIDDER_COLUMNS = (
    (
        "bids",
        gettext_lazy("Bids"),
        gettext_lazy("Bids the bidder submitted in deals announced that year."),
    ),
    ("won", gettext_lazy("Won"), gettext_lazy("Of them, bids awarded.")),
    (
        "disqualification",
        gettext_lazy("Bids disqualified"),
        gettext_lazy("Bids the evaluation committee disqualified, with the reason."),
    ),
    (
        "collusion",
        gettext_lazy("Collusion findings"),
        gettext_lazy("Art. 40 signals naming the bidder that a supervisor confirmed."),
    ),
    ("complaint", gettext_lazy("Complaints substantiated"), gettext_lazy("Complaints found true.")),
    (
        "complaint_not",
        gettext_lazy("Complaints not substantiated"),
        gettext_lazy("Complaints not found true."),
    ),
)
EXPERT_COLUMNS = (
    (
        "seats",
        gettext_lazy("Committees"),
        gettext_lazy("Committees the expert was drawn for that year."),
    ),
    (
        "flags",
        gettext_lazy("Scoring signals"),
        gettext_lazy("Appraisal signals raised on the expert's scores (reviewed or not)."),
    ),
    (
        "scoring",
        gettext_lazy("Irregular scoring found"),
        gettext_lazy("Appraisal signals a supervisor confirmed."),
    ),
    ("complaint", gettext_lazy("Complaints substantiated"), gettext_lazy("Complaints found true.")),
    (
        "complaint_not",
        gettext_lazy("Complaints not substantiated"),
        gettext_lazy("Complaints not found true."),
    ),
)


def _credit_page(request, template: str, found: dict | None, columns):
    if found is None:
        raise Http404
    for year in found["years"]:
        year["cells"] = [(key, year["counts"].get(key, 0)) for key, _l, _d in columns]
    found["columns"] = [(label, definition) for _k, label, definition in columns]
    return render(request, template, found)


@reader_page
def bidder_credit(request, uscc: str):
    found = s.bidder_credit(request.user, uscc)
    return _credit_page(request, "trading/bidder_credit.html", found, BIDDER_COLUMNS)


@reader_page
def expert_credit(request, expert_id: int):
    found = s.expert_credit(request.user, expert_id)
    return _credit_page(request, "trading/expert_credit.html", found, EXPERT_COLUMNS)

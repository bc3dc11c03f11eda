"""Credit records of bidders and experts, by year (DOMAIN.md §12, seed 000: "no record of
bidders' bad faith"): what marks a record, written in the transaction of the step that found it.

- a bid disqualified at the evaluation marks its bidder (``disqualification``, the reason);
- a flag of an art. 40 signal confirmed by a supervisor marks every bidder of the flag
  (``collusion``), an ``expert_deviation`` flag confirmed marks the expert (``scoring``);
- a complaint about a bidder or an expert is recorded by the trading center or a supervisor,
  substantiated or not (``complaint``).
Records are never deleted; a step that runs twice marks once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.core.validators import clean_uscc
from zhengwu.trading.models import (
    Bid,
    BidStatus,
    CreditKind,
    CreditRecord,
    CreditSubject,
    Deal,
    DealEvent,
    Expert,
    Flag,
    FlagKind,
    FlagStatus,
)

# The art. 40 signals: a confirmed one is a finding of collusion against each bidder it names.
COLLUSION_KINDS = frozenset(
    {
        FlagKind.SAME_AUTHOR,
        FlagKind.SAME_MACHINE,
        FlagKind.SAME_IP,
        FlagKind.SAME_DEPOSIT_ACCOUNT,
        FlagKind.SAME_PERSONNEL,
        FlagKind.SIMILAR_DOCUMENTS,
        FlagKind.REGULAR_PRICES,
        FlagKind.MIXED_DOCUMENTS,
    }
)
COMPLAINT_RECORDERS = frozenset({Role.TRADING_OFFICER.value, Role.SUPERVISOR.value})


def record_disqualifications(deal: Deal, *, actor, now: dt.datetime) -> list[CreditRecord]:
    """Each disqualified bid of ``deal`` (evaluated, locked by the caller) marks its bidder."""
    day = clock.local_date(now)
    done = set(
        CreditRecord.objects.filter(deal=deal, kind=CreditKind.DISQUALIFICATION).values_list(
            "bidder_uscc", flat=True
        )
    )
    rows = []
    for bid in Bid.objects.filter(lot__deal=deal, status=BidStatus.DISQUALIFIED).order_by("pk"):
        if bid.bidder_uscc in done:
            continue
        done.add(bid.bidder_uscc)
        rows.append(
            CreditRecord(
                subject=CreditSubject.BIDDER,
                bidder_uscc=bid.bidder_uscc,
                bidder_name=bid.bidder_name,
                year=day.year,
                kind=CreditKind.DISQUALIFICATION,
                deal=deal,
                occurred_on=day,
                note=bid.disqualification_reason,
                recorded_at=now,
                recorded_by=actor,
            )
        )
    return CreditRecord.objects.bulk_create(rows)


def mark_finding(flag: Flag, *, actor, now: dt.datetime) -> list[CreditRecord]:
    """A flag just confirmed (locked by the caller): collusion marks each bidder it names, an
    expert's irregular scoring marks the expert."""
    if flag.status != FlagStatus.CONFIRMED:
        return []
    day = clock.local_date(now)
    common = {
        "year": day.year,
        "deal_id": flag.deal_id,
        "flag": flag,
        "occurred_on": day,
        "note": flag.note,
        "recorded_at": now,
        "recorded_by": actor,
    }
    if flag.kind in COLLUSION_KINDS:
        done = set(flag.credit_records.values_list("bidder_uscc", flat=True))
        rows, seen = [], set(done)
        for bid in flag.bids.order_by("pk"):
            if bid.bidder_uscc in seen:
                continue
            seen.add(bid.bidder_uscc)
            rows.append(
                CreditRecord(
                    subject=CreditSubject.BIDDER,
                    bidder_uscc=bid.bidder_uscc,
                    bidder_name=bid.bidder_name,
                    kind=CreditKind.COLLUSION,
                    **common,
                )
            )
        return CreditRecord.objects.bulk_create(rows)
    expert_id = flag.evidence.get("expert") if isinstance(flag.evidence, dict) else None
    if flag.kind == FlagKind.EXPERT_DEVIATION and expert_id:
        if flag.credit_records.exists():
            return []
        return [
            CreditRecord.objects.create(
                subject=CreditSubject.EXPERT,
                expert_id=expert_id,
                kind=CreditKind.SCORING,
                **common,
            )
        ]
    return []


def record_complaint(*, actor, data: Mapping) -> CreditRecord:
    """A complaint about a bidder (``bidder_uscc``, ``bidder_name``) or an expert (``expert``):
    ``deal`` (code, optional), ``occurred_on``, ``note``, ``substantiated``. With a deal, the step
    goes on its trail."""
    if not role_names(actor) & COMPLAINT_RECORDERS:
        raise Forbidden()
    errors: dict[str, list] = {}
    subject = data.get("subject")
    if subject not in CreditSubject.values:
        errors["subject"] = [_("Say whether the complaint is about a bidder or an expert.")]
    uscc = name = ""
    expert = None
    if subject == CreditSubject.BIDDER:
        try:
            uscc = clean_uscc(str(data.get("bidder_uscc") or ""))
        except ValidationError as error:
            errors["bidder_uscc"] = list(error.messages)
        name = core_inputs.text(
            data.get("bidder_name"), "bidder_name", required=True, errors=errors, limit=200
        )
    elif subject == CreditSubject.EXPERT:
        try:
            expert = Expert.objects.filter(pk=int(data.get("expert"))).first()
        except (TypeError, ValueError):
            expert = None
        if expert is None:
            errors["expert"] = [_("Choose an expert of the pool.")]
    note = core_inputs.text(data.get("note"), "note", required=True, errors=errors)
    day = data.get("occurred_on") or clock.today()
    if not isinstance(day, dt.date):
        try:
            day = dt.date.fromisoformat(str(day))
        except ValueError:
            errors["occurred_on"] = [_("Enter a date.")]
    if isinstance(day, dt.date) and day > clock.today():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        deal = None
        code = str(data.get("deal") or "").replace("\x00", "")[:32]
        if code:
            deal = Deal.objects.select_for_update().filter(code=code).first()
            if deal is None:
                raise NotFound()
        now = clock.now()
        row = CreditRecord.objects.create(
            subject=subject,
            bidder_uscc=uscc,
            bidder_name=name,
            expert=expert,
            year=day.year,
            kind=CreditKind.COMPLAINT,
            deal=deal,
            occurred_on=day,
            note=note,
            substantiated=bool(data.get("substantiated")),
            recorded_at=now,
            recorded_by=actor,
        )
        if deal is not None:
            trail.append(
                deal,
                DealEvent(
                    deal=deal,
                    kind="complaint",
                    actor=actor,
                    occurred_at=now,
                    data={
                        "subject": subject,
                        "bidder_uscc": uscc,
                        "expert": expert.name if expert else "",
                        "substantiated": row.substantiated,
                        "note": note,
                    },
                ),
                label="deal",
            )
            deal.save(update_fields=["event_count", "head_hash"])
    return row

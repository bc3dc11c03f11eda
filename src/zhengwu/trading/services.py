"""Every write of the trading record (DESIGN.md services): keyword-only, one transaction each, the
deal's row locked, every step appended to the deal's hash-chained trail.

- ``announce_deal``: a deal and its lots (the trading center's staff);
- ``record_bid``: a bid with its technical bid's file (text and metadata read from it, stored
  outside the web root), before the opening;
- ``act``: open, evaluate (bids valid or disqualified with a reason), award, cancel; the
  opening runs the detector;
- ``run_detector``: the art. 40 signals of each lot, stored as flags (a flag already raised is
  not raised again);
- ``review_flag``: a supervisor confirms or dismisses a flag with a note, once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases.rules import TransitionError
from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.core.validators import clean_uscc
from zhengwu.trading import committee, credit, signals
from zhengwu.trading.extract import ExtractError, extract
from zhengwu.trading.models import (
    AwardMethod,
    Bid,
    BidStatus,
    Deal,
    DealEvent,
    DealType,
    Flag,
    FlagStatus,
    Lot,
)
from zhengwu.trading.rules import BIDDING_STATES, Action, State, transition

LABEL = "deal"
MAX_FILE_BYTES = 50 * 2**20
MAX_LOTS = 50
MAX_PRICE = Decimal("99999999999999.99")
REVIEWERS = frozenset({Role.SUPERVISOR.value})


def _transition_error(error: TransitionError) -> Exception:
    if error.code == "role_not_allowed":
        return Forbidden()
    return DomainError(_("This step cannot be taken in the deal's present state."), code=error.code)


def _step(deal: Deal, *, kind: str, actor, data: dict, occurred_at=None) -> DealEvent:
    row = DealEvent(
        deal=deal, kind=kind, actor=actor, occurred_at=occurred_at or clock.now(), data=data
    )
    return trail.append(deal, row, label=LABEL)


def _lock(code: str) -> Deal:
    code = str(code or "")[:32]
    if "\x00" in code:  # no such code, and PostgreSQL refuses the character in a query
        raise NotFound()
    deal = Deal.objects.select_for_update().filter(code=code).first()
    if deal is None:
        raise NotFound()
    return deal


def _money(value, field: str, errors: dict, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter an amount in yuan.")]
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_PRICE:
        errors[field] = [_("Enter an amount in yuan above zero.")]
        return None
    return amount


# ---------------------------------------------------------------- deals


def announce_deal(*, actor, data: Mapping, occurred_at: dt.datetime | None = None) -> Deal:
    """Record a deal whose announcement is out, with its lots. ``occurred_at``: the moment of
    the announcement when it is entered afterwards (an import); now otherwise."""
    try:
        transition(None, Action.ANNOUNCE, role_names(actor))
    except TransitionError as error:
        raise _transition_error(error) from None
    errors: dict[str, list] = {}
    kind = data.get("type")
    if kind not in DealType.values:
        errors["type"] = [_("Choose a deal type.")]
    name = core_inputs.text(data.get("name"), "name", required=True, errors=errors, limit=200)
    tenderer = core_inputs.text(
        data.get("tenderer"), "tenderer", required=True, errors=errors, limit=200
    )
    agent = core_inputs.text(data.get("agent"), "agent", required=False, errors=errors, limit=200)
    method = data.get("award_method")
    if method not in AwardMethod.values:
        errors["award_method"] = [_("Choose lowest price or comprehensive scoring.")]
    ceiling = _money(data.get("ceiling_price"), "ceiling_price", errors, required=False)
    lots = data.get("lots")
    cleaned_lots = []
    if not isinstance(lots, list) or not lots or len(lots) > MAX_LOTS:
        errors["lots"] = [_("List the deal's lots (one at least).")]
    else:
        seen = set()
        for index, lot in enumerate(lots):
            lot = lot if isinstance(lot, Mapping) else {}
            field = f"lots.{index}"
            code = core_inputs.text(
                lot.get("code"), f"{field}.code", required=True, errors=errors, limit=32
            )
            lot_name = core_inputs.text(
                lot.get("name"), f"{field}.name", required=True, errors=errors, limit=200
            )
            tender_text = lot.get("tender_text") or ""
            if not isinstance(tender_text, str):
                errors[f"{field}.tender_text"] = [_("Enter text.")]
                tender_text = ""
            if code and code in seen:
                errors[f"{field}.code"] = [_("Two lots have this code.")]
            seen.add(code)
            cleaned_lots.append((code, lot_name, tender_text.replace("\x00", "")))
    if errors:
        raise ValidationFailed(errors)
    recorded_at = clock.now()
    now = occurred_at or recorded_at
    with transaction.atomic():
        deal = Deal(
            code=f"pending-{uuid.uuid4().hex[:24]}",
            type=kind,
            name=name,
            tenderer=tenderer,
            agent=agent,
            ceiling_price=ceiling,
            award_method=method,
            state=State.ANNOUNCED,
            announced_on=clock.local_date(now),
            created_by=actor,
            created_at=recorded_at,
        )
        deal.save(force_insert=True)
        deal.code = f"JY{clock.local_date(now):%Y%m%d}{deal.pk:06d}"
        Lot.objects.bulk_create(
            Lot(deal=deal, code=code, name=lot_name, tender_text=text)
            for code, lot_name, text in cleaned_lots
        )
        _step(
            deal,
            kind=Action.ANNOUNCE,
            actor=actor,
            occurred_at=now,
            data={
                "type": kind,
                "name": name,
                "tenderer": tenderer,
                "agent": agent,
                "ceiling_price": str(ceiling) if ceiling is not None else None,
                "award_method": method,
                "lots": [code for code, _n, _t in cleaned_lots],
            },
        )
        deal.save()
    return deal


def record_bid(
    *,
    actor,
    code: str,
    data: Mapping,
    upload: tuple[str, bytes] | None = None,
    occurred_at: dt.datetime | None = None,
) -> Bid:
    """Record one bid of a lot before the opening. The file's own metadata (author, company) is
    used where the file has it; the fields given stand in where it has none."""
    roles = role_names(actor)
    if Role.TRADING_OFFICER.value not in roles:
        raise Forbidden()
    errors: dict[str, list] = {}
    try:
        uscc = clean_uscc(str(data.get("bidder_uscc") or ""))
    except ValidationError as error:
        errors["bidder_uscc"] = list(error.messages)
        uscc = ""
    name = core_inputs.text(
        data.get("bidder_name"), "bidder_name", required=True, errors=errors, limit=200
    )
    price = _money(data.get("price"), "price", errors, required=True)
    fields = {}
    for key, limit in (
        ("deposit_account", 64),
        ("project_manager", 64),
        ("author", 200),
        ("company", 200),
        ("machine_code", 128),
    ):
        fields[key] = core_inputs.text(
            data.get(key), key, required=False, errors=errors, limit=limit
        )
    team = data.get("team") or []
    if isinstance(team, str):
        team = [t for t in (p.strip() for p in team.replace("，", ",").split(",")) if t]
    if not isinstance(team, list) or not all(isinstance(t, str) and len(t) <= 64 for t in team):
        errors["team"] = [_("List the team members' names.")]
        team = []
    team = [t.replace("\x00", "").strip() for t in team if t.replace("\x00", "").strip()]
    ip = str(data.get("ip") or "").strip()
    if ip:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            errors["ip"] = [_("Enter an IP address.")]
    extracted = None
    if upload is not None:
        file_name, content = upload
        if len(content) > MAX_FILE_BYTES:
            errors["file"] = [_("The file is larger than 50 MB.")]
        else:
            try:
                extracted = extract(file_name, content)
            except ExtractError as error:
                errors["file"] = [
                    _("Upload the technical bid as .docx, .pdf or .txt.")
                    if error.code == "unsupported_type"
                    else _("The file cannot be read; upload it again.")
                ]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        deal = _lock(code)
        if deal.state not in BIDDING_STATES:
            raise DomainError(_("Bids are recorded only before the opening."), code="bids_closed")
        lot = deal.lots.filter(code=str(data.get("lot") or "").replace("\x00", "")).first()
        if lot is None:
            raise ValidationFailed({"lot": [_("The deal has no such lot.")]})
        if lot.bids.filter(bidder_uscc=uscc).exists():
            raise DomainError(
                _("This bidder's bid for the lot is already recorded."), code="duplicate_bid"
            )
        bid = Bid(
            lot=lot,
            bidder_uscc=uscc,
            bidder_name=name,
            price=price,
            team=team,
            ip=ip or None,
            uploaded_at=occurred_at or clock.now(),
            **fields,
        )
        if extracted is not None:
            file_name, content = upload
            bid.author = (extracted.author.replace("\x00", "") or bid.author)[:200]
            bid.company = (extracted.company.replace("\x00", "") or bid.company)[:200]
            bid.text = extracted.text.replace("\x00", "")
            bid.file_name = file_name.replace("\x00", "")[-255:]
            bid.file_size = len(content)
            bid.file_sha256 = hashlib.sha256(content).hexdigest()
            bid.file.save(bid.file_sha256, ContentFile(content), save=False)
        bid.save(force_insert=True)
        _step(
            deal,
            kind="bid",
            actor=actor,
            occurred_at=bid.uploaded_at,
            data={
                "lot": lot.code,
                "bidder_uscc": uscc,
                "bidder_name": name,
                "price": str(price),
                "file_sha256": bid.file_sha256,
                "author": bid.author,
                "company": bid.company,
                "machine_code": bid.machine_code,
                "ip": bid.ip or "",
            },
        )
        deal.version += 1
        deal.save(update_fields=["event_count", "head_hash", "version"])
    return bid


def act(
    *,
    actor,
    code: str,
    action: str,
    data: Mapping | None = None,
    occurred_at: dt.datetime | None = None,
) -> Deal:
    """Open, evaluate, award or cancel a deal.

    - ``evaluate``: ``{"disqualified": [{"lot", "bidder_uscc", "reason"}]}``; every other bid is
      valid;
    - ``award``: ``{"winners": {lot code: bidder_uscc}}``, each a valid bid of its lot;
    - ``cancel``: ``{"reason"}``.
    ``occurred_at``: when the step happened, if it is entered afterwards (an import)."""
    data = data or {}
    with transaction.atomic():
        deal = _lock(code)
        try:
            after = transition(deal.state, action, role_names(actor))
        except TransitionError as error:
            raise _transition_error(error) from None
        now = occurred_at or clock.now()
        recorded: dict = {}
        if action == Action.OPEN:
            deal.opened_at = now
            recorded["bids"] = Bid.objects.filter(lot__deal=deal).count()
        elif action == Action.EVALUATE:
            recorded["disqualified"] = _evaluate(deal, data.get("disqualified") or [])
            deal.evaluated_at = now
        elif action == Action.AWARD:
            recorded["winners"] = _award(deal, data.get("winners"))
            deal.awarded_at = now
        elif action == Action.CANCEL:
            errors: dict[str, list] = {}
            recorded["reason"] = core_inputs.text(
                data.get("reason"), "reason", required=True, errors=errors
            )
            if errors:
                raise ValidationFailed(errors)
        deal.state = after
        _step(deal, kind=action, actor=actor, occurred_at=now, data=recorded)
        deal.version += 1
        deal.save()
        if action == Action.OPEN:
            _detect(deal, actor=actor)
        elif action == Action.EVALUATE:
            # The committee's scores appraised; the disqualified bidders' credit marked.
            committee.appraise(deal, now=now)
            credit.record_disqualifications(deal, actor=actor, now=now)
    return deal


def _evaluate(deal: Deal, entries) -> list[dict]:
    if not isinstance(entries, list):
        raise ValidationFailed({"disqualified": [_("List the disqualified bids.")]})
    bids = {
        (b.lot.code, b.bidder_uscc): b
        for b in Bid.objects.filter(lot__deal=deal).select_related("lot")
    }
    out = []
    errors: dict[str, list] = {}
    for index, entry in enumerate(entries):
        entry = entry if isinstance(entry, Mapping) else {}
        bid = bids.get((str(entry.get("lot") or ""), str(entry.get("bidder_uscc") or "").upper()))
        reason = core_inputs.text(
            entry.get("reason"),
            f"disqualified.{index}.reason",
            required=True,
            errors=errors,
            limit=500,
        )
        if bid is None:
            errors[f"disqualified.{index}"] = [_("The deal has no such bid.")]
            continue
        bid.status = BidStatus.DISQUALIFIED
        bid.disqualification_reason = reason
        out.append({"lot": bid.lot.code, "bidder_uscc": bid.bidder_uscc, "reason": reason})
    if errors:
        raise ValidationFailed(errors)
    for bid in bids.values():
        if bid.status != BidStatus.DISQUALIFIED:
            bid.status = BidStatus.VALID
    Bid.objects.bulk_update(bids.values(), ["status", "disqualification_reason"])
    return out


def _award(deal: Deal, winners) -> dict:
    if not isinstance(winners, Mapping) or not winners:
        raise ValidationFailed({"winners": [_("Name the winning bidder of each lot.")]})
    lots = {lot.code: lot for lot in deal.lots.all()}
    chosen = []
    errors: dict[str, list] = {}
    for lot_code, uscc in winners.items():
        lot = lots.get(str(lot_code))
        bid = (
            lot
            and lot.bids.filter(
                bidder_uscc=str(uscc or "").upper().replace("\x00", ""), status=BidStatus.VALID
            ).first()
        )
        if bid is None:
            errors[f"winners.{lot_code}"] = [_("The winner must be a valid bid of the lot.")]
        else:
            chosen.append(bid)
    if errors:
        raise ValidationFailed(errors)
    Bid.objects.filter(pk__in=[b.pk for b in chosen]).update(awarded=True)
    return {bid.lot.code: bid.bidder_uscc for bid in chosen}


# ---------------------------------------------------------------- the detector


def fingerprint(flag: signals.Flag, lot_code: str) -> str:
    # What tells two flags of one kind over the same bids apart: the price pattern, the basis of
    # a similarity, whose file names the other bidder.
    evidence = flag.evidence
    pattern = evidence.get("pattern") or evidence.get("basis") or evidence.get("file_of") or ""
    key = "\x1f".join([flag.kind, lot_code, pattern, *sorted(flag.bids)])
    return hashlib.sha256(key.encode()).hexdigest()


def detector_bids(lot: Lot) -> list[signals.Bid]:
    return [
        signals.Bid(
            key=str(bid.pk),
            bidder=bid.bidder_uscc,
            bidder_name=bid.bidder_name,
            price=bid.price,
            valid=bid.status != BidStatus.DISQUALIFIED,
            author=bid.author,
            company=bid.company,
            machine_code=bid.machine_code,
            ip=bid.ip or "",
            deposit_account=bid.deposit_account,
            personnel=bid.personnel,
            text=bid.text,
        )
        for bid in lot.bids.order_by("pk")
    ]


def _detect(deal: Deal, *, actor) -> list[Flag]:
    now = clock.now()
    known = set(deal.flags.values_list("fingerprint", flat=True))
    raised: list[Flag] = []
    for lot in deal.lots.order_by("pk"):
        for found in signals.detect(
            detector_bids(lot), ceiling=deal.ceiling_price, tender_text=lot.tender_text
        ):
            mark = fingerprint(found, lot.code)
            if mark in known:
                continue
            known.add(mark)
            flag = Flag.objects.create(
                deal=deal,
                lot=lot,
                kind=found.kind,
                evidence=found.evidence,
                score=found.score,
                fingerprint=mark,
                raised_at=now,
            )
            flag.bids.set([int(key) for key in found.bids])
            raised.append(flag)
    if raised:
        _step(
            deal,
            kind="flags_raised",
            actor=None,
            occurred_at=now,
            data={"flags": [{"id": f.pk, "kind": f.kind, "lot": f.lot.code} for f in raised]},
        )
        deal.save(update_fields=["event_count", "head_hash"])
    return raised


def run_detector(*, code: str, actor=None) -> list[Flag]:
    """Run the art. 40 signals over every lot of a deal again (after bids were corrected, or
    with new thresholds) and store the flags not raised before."""
    with transaction.atomic():
        return _detect(_lock(code), actor=actor)


def review_flag(*, actor, flag_id: int, decision: str, note: str) -> Flag:
    """A supervisor confirms or dismisses a flag, with a note; once."""
    if not role_names(actor) & REVIEWERS:
        raise Forbidden()
    errors: dict[str, list] = {}
    if decision not in (FlagStatus.CONFIRMED, FlagStatus.DISMISSED):
        errors["decision"] = [_("Confirm or dismiss the flag.")]
    note = core_inputs.text(note, "note", required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        flag = Flag.objects.select_related("deal").filter(pk=flag_id).first()
        if flag is None:
            raise NotFound()
        deal = _lock(flag.deal.code)
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != FlagStatus.OPEN:
            raise DomainError(_("This flag was reviewed already."), code="already_reviewed")
        now = clock.now()
        flag.status = decision
        flag.note = note
        flag.reviewed_by = actor
        flag.reviewed_at = now
        flag.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
        credit.mark_finding(flag, actor=actor, now=now)
        _step(
            deal,
            kind="flag_reviewed",
            actor=actor,
            occurred_at=now,
            data={"flag": flag.pk, "kind": flag.kind, "decision": decision, "note": note},
        )
        deal.save(update_fields=["event_count", "head_hash"])
    return flag

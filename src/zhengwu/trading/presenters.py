"""The shapes the API answers with."""

from __future__ import annotations

from zhengwu.core import clock
from zhengwu.core.presenters import chained_event
from zhengwu.trading.models import Bid, Deal, Flag


def _moment(value) -> str | None:
    return None if value is None else clock.local_datetime(value).isoformat()


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def bid(row: Bid, *, files: bool) -> dict:
    out = {
        "id": row.pk,
        "bidder_uscc": row.bidder_uscc,
        "bidder_name": row.bidder_name,
        "price": _money(row.price),
        "status": row.status,
        "disqualification_reason": row.disqualification_reason,
        "awarded": row.awarded,
        "deposit_account": row.deposit_account,
        "project_manager": row.project_manager,
        "team": row.team,
        "author": row.author,
        "company": row.company,
        "machine_code": row.machine_code,
        "ip": row.ip or "",
        "uploaded_at": _moment(row.uploaded_at),
        "file": None,
    }
    if row.file_sha256:
        out["file"] = {
            "name": row.file_name,
            "sha256": row.file_sha256,
            "size": row.file_size,
            "url": f"/api/v1/trading/bids/{row.pk}/file" if files else None,
        }
    return out


def flag(row: Flag) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "lot": row.lot.code if row.lot_id else None,
        "bids": sorted(b.pk for b in row.bids.all()),
        "evidence": row.evidence,
        "score": row.score,
        "status": row.status,
        "note": row.note,
        "raised_at": _moment(row.raised_at),
        "reviewed_at": _moment(row.reviewed_at),
    }


def deal(row: Deal, *, files: bool, events=None) -> dict:
    out = {
        "code": row.code,
        "type": row.type,
        "name": row.name,
        "tenderer": row.tenderer,
        "agent": row.agent,
        "ceiling_price": _money(row.ceiling_price),
        "award_method": row.award_method,
        "state": row.state,
        "announced_on": row.announced_on.isoformat() if row.announced_on else None,
        "opened_at": _moment(row.opened_at),
        "evaluated_at": _moment(row.evaluated_at),
        "awarded_at": _moment(row.awarded_at),
        "version": row.version,
        "lots": [
            {
                "code": lot.code,
                "name": lot.name,
                "bids": [bid(b, files=files) for b in lot.bids.all()],
            }
            for lot in row.lots.all()
        ],
        "flags": [flag(f) for f in row.flags.all()],
    }
    if events is not None:
        out["events"] = [chained_event(e) for e in events]
    return out

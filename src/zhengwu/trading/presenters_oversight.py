"""The API shapes of the committee, the on-site log and the credit records."""

from __future__ import annotations

from zhengwu.core import clock
from zhengwu.trading import committee as committees
from zhengwu.trading.models import Committee, CreditRecord, Expert, OnsiteEntry


def _moment(value) -> str | None:
    return None if value is None else clock.local_datetime(value).isoformat()


def expert(row: Expert) -> dict:
    return {
        "id": row.pk,
        "name": row.name,
        "fields": row.fields,
        "employer": row.employer,
        "city": row.city,
        "active": row.active,
    }


def committee(row: Committee) -> dict:
    seats = list(row.seats.order_by("pk"))
    ranked = committees.ranking(row.deal)
    return {
        "deal": row.deal.code,
        "members": row.members,
        "representatives": row.representatives,
        "host_city": row.host_city,
        "host_room": row.host_room,
        "drawn_at": _moment(row.drawn_at),
        "seal": row.seal,
        "record": row.record,
        "record_hash": row.record_hash,
        "seed": row.seed if committees.seed_shown(row) else None,
        "scores_visible_at": _moment(row.scores_visible_at),
        "seats": [
            {
                "id": s.pk,
                "kind": s.kind,
                "expert": s.expert_id,
                "name": s.name,
                "field": s.field,
                "city": s.city,
                "room": s.room,
                "remote": s.remote,
            }
            for s in seats
        ],
        "scores": [
            {
                "bid": bid_id,
                "totals": {str(seat): f"{v:.2f}" for seat, v in entry["by_seat"].items()},
                "mean": f"{entry['mean']:.2f}",
            }
            for bid_id, entry in sorted(ranked.items())
        ],
    }


def onsite_entry(row: OnsiteEntry) -> dict:
    return {
        "id": row.pk,
        "phase": row.phase,
        "observed_at": _moment(row.observed_at),
        "observer": row.observer_name,
        "seen": row.seen,
        "irregular": row.irregular,
        "event_seq": row.event_seq,
    }


def credit_record(row: CreditRecord) -> dict:
    return {
        "id": row.pk,
        "subject": row.subject,
        "bidder_uscc": row.bidder_uscc,
        "bidder_name": row.bidder_name,
        "expert": row.expert_id,
        "year": row.year,
        "kind": row.kind,
        "deal": row.deal.code if row.deal_id else None,
        "flag": row.flag_id,
        "occurred_on": row.occurred_on.isoformat(),
        "note": row.note,
        "substantiated": row.substantiated,
    }


def credit(found: dict) -> dict:
    return {
        "years": [
            {
                "year": y["year"],
                "counts": y["counts"],
                "records": [credit_record(r) for r in y["records"]],
            }
            for y in found["years"]
        ]
    }

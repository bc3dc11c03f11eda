"""The public shape of any chained event (``core.models.ChainedEvent``): API answers and pages."""

from __future__ import annotations

from zhengwu.core import clock


def chained_event(row) -> dict:
    """One event of a trail: its place in the chain, kind, moments (local time), actor and data."""
    return {
        "seq": row.seq,
        "kind": row.kind,
        "occurred_at": clock.local_datetime(row.occurred_at).isoformat(),
        "recorded_at": clock.local_datetime(row.recorded_at).isoformat(),
        "actor": row.actor_name,
        "data": row.data,
        "retroactive": row.retroactive,
    }

"""Append-only, hash-chained event trails over Django models (cases, tickets, ...).

The chain arithmetic is ``zhengwu.core.audit`` (pure). This module holds what every trail shares
on top of the ORM:

- ``append(owner, row)``: give an unsaved event row its place (``seq``), its previous hash and its
  hash, insert it, and move the owner's ``event_count`` / ``head_hash`` (``chain``: all but the
  insert);
- ``payload(label, number, row)``: what the hash covers;
- ``check(label, number, rows, event_count, head_hash)``: the first break of a stored chain;
- ``verify(owners, events, label, owner_field)``: every chain of a table, in batches, each from
  its anchor when its earliest events were archived (``core.TrailAnchor``,
  ``zhengwu.core.partitions``);
- ``stated_time``: the rules for a time staff state for a step (never in the future, never before
  the previous step). Whether it is 先办后录 is ``zhengwu.workdays.retroactive.is_retroactive``.

An owner model has ``number`` (a field or a property), ``event_count`` and ``head_hash``; an
event model has ``seq``, ``kind``, ``occurred_at``, ``recorded_at``, ``actor``, ``actor_name``,
``data``, ``retroactive``, ``prev_hash`` and ``hash``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.audit import GENESIS, chain_hash, first_break

SYSTEM_ACTOR = "system"


def payload(label: str, number: str, row) -> dict:
    """What the hash covers: everything about the event but its own hashes."""
    return {
        label: number,
        "seq": row.seq,
        "kind": row.kind,
        "occurred_at": row.occurred_at,
        "recorded_at": row.recorded_at,
        "actor": row.actor_name,
        "data": row.data,
        "retroactive": row.retroactive,
    }


def actor_name(actor) -> str:
    return actor.get_username() if actor is not None else SYSTEM_ACTOR


def append(owner, row, *, label: str):
    """Chain and insert the unsaved event ``row`` of ``owner`` (locked by the caller)."""
    chain(owner, row, label=label)
    row.save(force_insert=True)
    return row


def chain(owner, row, *, label: str):
    """Chain the unsaved event ``row`` onto ``owner`` without inserting it: the owner's
    ``event_count`` and ``head_hash`` already count it. For an owner that is inserted in the same
    transaction (its first event is written right after it)."""
    row.seq = owner.event_count + 1
    row.prev_hash = owner.head_hash or GENESIS
    row.actor_name = actor_name(row.actor)
    row.recorded_at = row.recorded_at or clock.now()
    # The round trip the database makes, so the hash verifies against what is stored.
    row.occurred_at = row.occurred_at.astimezone(dt.UTC)
    row.recorded_at = row.recorded_at.astimezone(dt.UTC)
    row.data = dict(row.data)
    row.hash = chain_hash(row.prev_hash, payload(label, owner.number, row))
    owner.event_count = row.seq
    owner.head_hash = row.hash
    return row


@dataclass(frozen=True)
class Break:
    number: str
    seq: int | None  # the first event that does not verify; None when events are missing at the end
    reason: str


@dataclass(frozen=True)
class Anchor:
    """The last archived event of a trail whose earliest events were archived
    (``core.TrailAnchor``): the kept events go on from ``seq`` + 1, chained onto ``hash``."""

    seq: int
    hash: str


def check(
    label: str,
    number: str,
    rows: list,
    *,
    event_count: int,
    head_hash: str,
    anchor: Anchor | None = None,
):
    """The first break of one stored chain, or None. With an ``anchor`` the chain is checked
    from the first event kept after the archived ones."""
    after, prev = (anchor.seq, anchor.hash) if anchor is not None else (0, GENESIS)
    index = first_break(
        ((row.seq, payload(label, number, row), row.prev_hash, row.hash) for row in rows),
        after=after,
        prev=prev,
    )
    if index is not None:
        row = rows[index]
        if row.seq != after + index + 1:
            reason = _("events are missing or out of order")
        else:
            reason = _("an event was altered")
        return Break(number, after + index + 1, reason)
    head = rows[-1].hash if rows else prev
    if after + len(rows) != event_count or (event_count and head != head_hash):
        return Break(number, None, _("the last events were deleted or replaced"))
    return None


def anchors(events, owner_ids) -> dict[int, Anchor]:
    """The anchors of the given owners of the trail stored in ``events`` (a model, queryset or
    manager): where each archived trail's kept history starts."""
    from zhengwu.core.models import TrailAnchor

    table = events.model._meta.db_table
    rows = TrailAnchor.objects.filter(events_table=table, owner_id__in=list(owner_ids))
    return {row.owner_id: Anchor(row.seq, row.hash) for row in rows.only("owner_id", "seq", "hash")}


def verify(
    owners,
    events,
    *,
    label: str,
    owner_field: str,
    number_fields: tuple[str, ...] = ("number",),
    batch: int = 500,
) -> Iterator[tuple[int, Break | None]]:
    """Every owner in id order: ``(owner id, break or None)``; memory stays flat.

    ``owners`` and ``events`` are the owner and event querysets (or managers); ``owner_field`` the
    event's foreign key to its owner; ``number_fields`` what the owner's ``number`` is made of
    when it is a property (with ``owners`` selecting the relations they cross).
    """
    last_id = 0
    key = f"{owner_field}_id"
    while True:
        chunk = list(
            owners.filter(id__gt=last_id)
            .order_by("id")
            .only("id", *number_fields, "event_count", "head_hash")[:batch]
        )
        if not chunk:
            return
        last_id = chunk[-1].pk
        by_owner: dict[int, list] = {owner.pk: [] for owner in chunk}
        rows = events.filter(**{f"{key}__in": list(by_owner)}).order_by(key, "seq")
        for row in rows:
            by_owner[getattr(row, key)].append(row)
        archived = anchors(events, by_owner)
        for owner in chunk:
            yield (
                owner.pk,
                check(
                    label,
                    owner.number,
                    by_owner[owner.pk],
                    event_count=owner.event_count,
                    head_hash=owner.head_hash,
                    anchor=archived.get(owner.pk),
                ),
            )


def stated_time(
    value: dt.datetime | None, *, field: str, not_before: dt.datetime | None, earlier_message
) -> dt.datetime:
    """The time a step happened: now when not stated; a stated one must be aware, not in the
    future and not before ``not_before`` (the previous step). Raises ``ValidationFailed``."""
    from zhengwu.core.errors import ValidationFailed

    now = clock.now()
    if value is None:
        return now
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValidationFailed({field: [_("Enter a date and time with its time zone.")]})
    if value > now:
        raise ValidationFailed({field: [_("The time cannot be in the future.")]})
    if not_before is not None and value < not_before:
        raise ValidationFailed({field: [earlier_message]})
    return value

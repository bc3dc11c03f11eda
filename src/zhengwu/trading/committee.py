"""The evaluation committee as a record (招标投标法 art. 37): the expert pool, the sealed draw of
a deal's committee with its recusals and remote seats (异地评标), each member's scores per bid
and criterion, and the appraisal of the scores (``expert_deviation`` flags) when the evaluation is
recorded. The rules are ``trading.experts`` (pure); these are the writes: keyword-only, one
transaction, the deal's row locked, each step on the deal's trail.

- ``add_expert``: an expert of the pool, with employers and relations with bidders;
- ``draw_committee``: after the opening, the committee drawn from the pool by field, the
  experts tied to a bidder recused, the seed sealed (its sha256 on the trail, the seed itself
  shown once the evaluation is recorded), experts of another city's pool sitting in their own
  city's room as remote seats;
- ``record_scores``: a member's points for the bids on the criteria (a change after the first
  submission is kept as such);
- ``show_scores``: the members' scores shown to the committee (评分汇总): a score sent or changed
  after it is late;
- ``appraise``: called by the evaluation step; the deviations, late scoring and favouring found
  are stored as ``expert_deviation`` flags on the deal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.trading import experts
from zhengwu.trading.messages import draw_message
from zhengwu.trading.models import (
    Bid,
    Committee,
    Deal,
    DealEvent,
    Expert,
    ExpertEmployment,
    ExpertRelation,
    Flag,
    FlagKind,
    Score,
    Seat,
    SeatKind,
)
from zhengwu.trading.rules import State

LABEL = "deal"
MAX_POINTS = Decimal("100")
# The composition errors are the request's (422 on a field); a pool too small is a conflict.
COMPOSITION_FIELDS = {
    "too_few_members": "members",
    "even_members": "members",
    "too_few_experts": "representatives",
    "bad_representatives": "representatives",
    "fields_mismatch": "fields",
    "duplicate_expert": "fields",
}


def _officer(actor) -> None:
    if Role.TRADING_OFFICER.value not in role_names(actor):
        raise Forbidden()


def _lock(code: str) -> Deal:
    code = str(code or "")[:32]
    deal = None if "\x00" in code else Deal.objects.select_for_update().filter(code=code).first()
    if deal is None:
        raise NotFound()
    return deal


def _step(deal: Deal, *, kind: str, actor, data: dict, occurred_at=None) -> DealEvent:
    row = DealEvent(
        deal=deal, kind=kind, actor=actor, occurred_at=occurred_at or clock.now(), data=data
    )
    trail.append(deal, row, label=LABEL)
    deal.save(update_fields=["event_count", "head_hash"])
    return row


def _plain(value) -> str:
    """Text without NUL characters (PostgreSQL refuses them), stripped."""
    return str(value or "").replace("\x00", "").strip()


def _date(value, field: str, errors: dict, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Enter a date.")]
        return None


# ---------------------------------------------------------------- the pool


def add_expert(*, actor, data: Mapping) -> Expert:
    """An expert of the pool: ``name``, ``fields`` (a list), ``employer``, ``city``,
    ``employments`` [{``employer_uscc``, ``employer_name``, ``start``, ``end``}], ``relations``
    [{``bidder_uscc``, ``bidder_name``, ``description``}]."""
    _officer(actor)
    errors: dict[str, list] = {}
    name = core_inputs.text(data.get("name"), "name", required=True, errors=errors, limit=64)
    fields = data.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        errors["fields"] = [_("List the expert's fields.")]
        fields = []
    fields = sorted({_plain(f)[:64] for f in fields if _plain(f)})
    if not fields:
        errors["fields"] = [_("List the expert's fields.")]
    employer = core_inputs.text(
        data.get("employer"), "employer", required=False, errors=errors, limit=200
    )
    city = core_inputs.text(data.get("city"), "city", required=False, errors=errors, limit=64)
    jobs = []
    for index, job in enumerate(data.get("employments") or []):
        job = job if isinstance(job, Mapping) else {}
        at = f"employments.{index}"
        jobs.append(
            ExpertEmployment(
                employer_uscc=core_inputs.text(
                    job.get("employer_uscc"),
                    f"{at}.employer_uscc",
                    required=False,
                    errors=errors,
                    limit=18,
                ).upper(),
                employer_name=core_inputs.text(
                    job.get("employer_name"),
                    f"{at}.employer_name",
                    required=True,
                    errors=errors,
                    limit=200,
                ),
                start=_date(job.get("start"), f"{at}.start", errors, required=True),
                end=_date(job.get("end"), f"{at}.end", errors, required=False),
            )
        )
    ties = []
    for index, tie in enumerate(data.get("relations") or []):
        tie = tie if isinstance(tie, Mapping) else {}
        at = f"relations.{index}"
        ties.append(
            ExpertRelation(
                bidder_uscc=core_inputs.text(
                    tie.get("bidder_uscc"),
                    f"{at}.bidder_uscc",
                    required=True,
                    errors=errors,
                    limit=18,
                ).upper(),
                bidder_name=core_inputs.text(
                    tie.get("bidder_name"),
                    f"{at}.bidder_name",
                    required=False,
                    errors=errors,
                    limit=200,
                ),
                description=core_inputs.text(
                    tie.get("description"),
                    f"{at}.description",
                    required=True,
                    errors=errors,
                    limit=200,
                ),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        expert = Expert.objects.create(name=name, fields=fields, employer=employer, city=city)
        for row in jobs:
            row.expert = expert
        for row in ties:
            row.expert = expert
        ExpertEmployment.objects.bulk_create(jobs)
        ExpertRelation.objects.bulk_create(ties)
    return expert


def pool(cities=None) -> list[experts.Expert]:
    """The pool as the pure draw sees it (the active experts, of ``cities`` when given)."""
    rows = Expert.objects.filter(active=True).prefetch_related("employments", "relations")
    if cities:
        rows = rows.filter(city__in=list(cities))
    return [
        experts.Expert(
            id=str(e.pk),
            name=e.name,
            fields=frozenset(e.fields),
            employments=tuple(
                experts.Employment(j.employer_uscc or j.employer_name, j.start, j.end)
                for j in e.employments.all()
            ),
            relations=frozenset(r.bidder_uscc for r in e.relations.all()),
            city=e.city,
        )
        for e in rows.order_by("pk")
    ]


# ---------------------------------------------------------------- the draw


def draw_committee(
    *,
    actor,
    code: str,
    fields: Mapping[str, int],
    members: int,
    representatives: list[str] | None = None,
    host_city: str = "",
    host_room: str = "",
    cities: list[str] | None = None,
    remote_rooms: Mapping[str, str] | None = None,
    seed: str | None = None,
) -> Committee:
    """Draw the committee of an opened deal. ``fields``: how many experts of each field;
    ``representatives``: the names of the tenderer's representatives; ``cities``: the pools
    drawn from (all when not given); an expert of a city other than ``host_city`` sits in that
    city's room (``remote_rooms``) as a remote seat."""
    _officer(actor)
    representatives = [_plain(n)[:64] for n in (representatives or []) if _plain(n)]
    remote_rooms = {_plain(k): _plain(v) for k, v in dict(remote_rooms or {}).items()}
    host_city, host_room = _plain(host_city), _plain(host_room)
    cities = [_plain(c) for c in cities] if cities else None
    if not isinstance(fields, Mapping) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in fields.values()
    ):
        raise ValidationFailed({"fields": [_("Give the number of experts of each field.")]})
    fields = {_plain(k)[:64]: n for k, n in fields.items()}
    seed = seed or secrets.token_hex(16)
    with transaction.atomic():
        deal = _lock(code)
        if deal.state != State.OPENED:
            raise DomainError(
                _("The committee is drawn after the opening and before the evaluation."),
                code="not_opened",
            )
        if Committee.objects.filter(deal=deal).exists():
            raise DomainError(_("This deal's committee is drawn already."), code="committee_drawn")
        bids = list(Bid.objects.filter(lot__deal=deal).values_list("bidder_uscc", "bidder_name"))
        bidders = {u for u, _n in bids} | {n for _u, n in bids}
        names = {u: n for u, n in bids}
        now = clock.now()
        the_pool = pool(cities)
        try:
            result = experts.draw(
                the_pool,
                fields=dict(fields),
                bidders=bidders,
                on=clock.local_date(now),
                seed=seed,
                members=members,
                representatives=len(representatives),
            )
        except experts.DrawError as error:
            if error.code in COMPOSITION_FIELDS:
                raise ValidationFailed(
                    {COMPOSITION_FIELDS[error.code]: [draw_message(error)]}
                ) from None
            raise DomainError(draw_message(error), code=error.code) from None
        committee = Committee.objects.create(
            deal=deal,
            members=members,
            representatives=len(representatives),
            host_city=host_city[:64],
            host_room=host_room[:200],
            seed=seed,
            seal=result.seal,
            record=result.record(),
            record_hash=result.record_hash,
            drawn_at=now,
            drawn_by=actor,
        )
        by_id = {e.id: e for e in the_pool}
        seats = []
        for field_name, ids in result.drawn.items():
            for expert_id in ids:
                expert = by_id[expert_id]
                remote = bool(host_city and expert.city and expert.city != host_city)
                seats.append(
                    Seat(
                        committee=committee,
                        kind=SeatKind.EXPERT,
                        expert_id=int(expert_id),
                        name=expert.name,
                        field=field_name,
                        city=expert.city,
                        room=remote_rooms.get(expert.city, "")[:200] if remote else host_room,
                        remote=remote,
                    )
                )
        seats += [
            Seat(
                committee=committee,
                kind=SeatKind.REPRESENTATIVE,
                name=name,
                city=host_city,
                room=host_room,
            )
            for name in representatives
        ]
        Seat.objects.bulk_create(seats)
        recused = [
            {
                "expert": by_id[expert_id].name,
                "reasons": [
                    {**r, "bidder_name": names.get(r["bidder"], r["bidder"])} for r in reasons
                ],
            }
            for expert_id, reasons in sorted(result.recused.items())
            if expert_id in by_id
        ]
        _step(
            deal,
            kind="committee_drawn",
            actor=actor,
            occurred_at=now,
            data={
                "members": members,
                "seal": result.seal,
                "record_hash": result.record_hash,
                "seats": [
                    {"name": s.name, "kind": s.kind, "field": s.field, "remote": s.remote}
                    for s in seats
                ],
                "recused": recused,
            },
        )
    return committee


def verify(committee: Committee) -> bool:
    """Whether the stored draw is the one sealed and the seed draws it again."""
    return experts.verify_draw(committee.record, committee.record_hash, committee.seed)


def seed_shown(committee: Committee) -> bool:
    """The seed is shown once the evaluation is recorded (or the deal ended)."""
    return committee.deal.state in (State.EVALUATED, State.AWARDED, State.CANCELLED)


# ---------------------------------------------------------------- scores


def _points(value, field: str, errors: dict) -> Decimal | None:
    try:
        points = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter the points as a number.")]
        return None
    if not points.is_finite() or points < 0 or points > MAX_POINTS:
        errors[field] = [_("Points are from 0 to 100.")]
        return None
    return points


def record_scores(*, actor, code: str, seat_id: int, scores: list) -> list[Score]:
    """A member's points: ``scores`` [{``bid`` (id), ``criterion``, ``points``}]. A score given
    again with other points is changed (and marked so); the step is on the trail."""
    _officer(actor)
    if not isinstance(scores, list) or not scores:
        raise ValidationFailed({"scores": [_("Give at least one score.")]})
    with transaction.atomic():
        deal = _lock(code)
        if deal.state != State.OPENED:
            raise DomainError(
                _("Scores are recorded between the opening and the evaluation."),
                code="not_opened",
            )
        seat = Seat.objects.filter(pk=seat_id, committee__deal=deal).first()
        if seat is None:
            raise ValidationFailed({"seat": [_("The member is not on this deal's committee.")]})
        bids = {b.pk: b for b in Bid.objects.filter(lot__deal=deal)}
        errors: dict[str, list] = {}
        cleaned = []
        for index, entry in enumerate(scores):
            entry = entry if isinstance(entry, Mapping) else {}
            at = f"scores.{index}"
            try:
                bid = bids.get(int(entry.get("bid")))
            except (TypeError, ValueError):
                bid = None
            if bid is None:
                errors[f"{at}.bid"] = [_("The deal has no such bid.")]
            criterion = core_inputs.text(
                entry.get("criterion"), f"{at}.criterion", required=True, errors=errors, limit=64
            )
            points = _points(entry.get("points"), f"{at}.points", errors)
            cleaned.append((bid, criterion, points))
        if errors:
            raise ValidationFailed(errors)
        now = clock.now()
        existing = {
            (s.bid_id, s.criterion): s for s in Score.objects.select_for_update().filter(seat=seat)
        }
        out = []
        for bid, criterion, points in cleaned:
            row = existing.get((bid.pk, criterion))
            if row is None:
                row = Score.objects.create(
                    seat=seat, bid=bid, criterion=criterion, points=points, submitted_at=now
                )
                existing[(bid.pk, criterion)] = row
            elif row.points != points:
                row.points, row.submitted_at, row.changed = points, now, True
                row.save(update_fields=["points", "submitted_at", "changed"])
            out.append(row)
        _step(
            deal,
            kind="scores",
            actor=actor,
            occurred_at=now,
            data={
                "member": seat.name,
                "scores": [
                    {"bid": b.pk, "bidder": b.bidder_uscc, "criterion": c, "points": str(p)}
                    for b, c, p in cleaned
                ],
            },
        )
    return out


def show_scores(*, actor, code: str) -> Committee:
    """The members' scores are shown to the committee (评分汇总): from now on a score sent or
    changed is late scoring."""
    _officer(actor)
    with transaction.atomic():
        deal = _lock(code)
        committee = Committee.objects.select_for_update().filter(deal=deal).first()
        if committee is None:
            raise DomainError(_("This deal has no committee yet."), code="no_committee")
        if committee.scores_visible_at is not None:
            raise DomainError(_("The scores were shown already."), code="scores_shown")
        committee.scores_visible_at = clock.now()
        committee.save(update_fields=["scores_visible_at"])
        _step(
            deal, kind="scores_shown", actor=actor, occurred_at=committee.scores_visible_at, data={}
        )
    return committee


# ---------------------------------------------------------------- appraisal


def _key(seat: Seat) -> str:
    return f"e{seat.expert_id}" if seat.expert_id else f"s{seat.pk}"


def _totals(rows) -> list[experts.Score]:
    """Each member's total per bid (the sum over the criteria), with the latest submission."""
    totals: dict[tuple, list] = defaultdict(lambda: [Decimal(0), None])
    for score in rows:
        key = (
            score.seat.committee.deal.code,
            _key(score.seat),
            score.bid_id,
            score.bid.bidder_uscc,
        )
        total = totals[key]
        total[0] += score.points
        total[1] = max(total[1] or score.submitted_at, score.submitted_at)
    return [
        experts.Score(evaluation, expert, str(bid), bidder, float(points), at)
        for (evaluation, expert, bid, bidder), (points, at) in totals.items()
    ]


def _fingerprint(pattern: str, expert: str, detail: str) -> str:
    key = "\x1f".join([FlagKind.EXPERT_DEVIATION, pattern, expert, detail])
    return hashlib.sha256(key.encode()).hexdigest()


def appraise(deal: Deal, *, now=None) -> list[Flag]:
    """The appraisal of the committee's scores of ``deal`` (locked by the caller), stored as
    ``expert_deviation`` flags: each member's total off the median (deviation), scores sent or
    changed after they were shown (late scoring), and an expert who favours one bidder over
    their evaluations (favouring, this deal among them)."""
    committee = Committee.objects.filter(deal=deal).first()
    if committee is None:
        return []
    now = now or clock.now()
    base = Score.objects.select_related("seat__committee__deal", "bid")
    own = _totals(base.filter(seat__committee=committee))
    if not own:
        return []
    seats = {_key(s): s for s in committee.seats.all()}
    found = experts.deviations(own)
    if committee.scores_visible_at is not None:
        found += experts.late_scoring(own, {deal.code: committee.scores_visible_at})
    expert_ids = [s.expert_id for s in seats.values() if s.expert_id]
    history = base.filter(
        seat__committee__in=Committee.objects.filter(seats__expert_id__in=expert_ids)
    ).exclude(seat__committee__deal__state=State.CANCELLED)
    found += [
        f
        for f in experts.favouring(_totals(history))
        if f.expert in seats and deal.code in f.evidence["evaluations"]
    ]
    known = set(deal.flags.values_list("fingerprint", flat=True))
    bids = {str(b.pk): b for b in Bid.objects.filter(lot__deal=deal)}
    raised = []
    for finding in found:
        seat = seats.get(finding.expert)
        if seat is None:
            continue
        evidence = dict(finding.evidence)
        if finding.pattern == "favouring":
            flagged = [b for b in bids.values() if b.bidder_uscc == evidence["bidder"]]
            detail = evidence["bidder"]
            evidence["bidder_name"] = flagged[0].bidder_name if flagged else ""
        elif finding.pattern == "deviation":
            flagged = [bids[evidence["bid"]]] if evidence["bid"] in bids else []
            detail = evidence["bid"]
            if flagged:
                evidence["bidder_name"] = flagged[0].bidder_name
        else:
            flagged, detail = [], ""
        mark = _fingerprint(finding.pattern, finding.expert, detail)
        if mark in known:
            continue
        known.add(mark)
        evidence.update(
            pattern=finding.pattern,
            member=seat.name,
            seat=seat.pk,
            expert=seat.expert_id,
        )
        flag = Flag.objects.create(
            deal=deal,
            lot=flagged[0].lot if flagged else None,
            kind=FlagKind.EXPERT_DEVIATION,
            evidence=evidence,
            score=finding.score,
            fingerprint=mark,
            raised_at=now,
        )
        flag.bids.set(flagged)
        raised.append(flag)
    if raised:
        _step(
            deal,
            kind="flags_raised",
            actor=None,
            occurred_at=now,
            data={
                "flags": [
                    {"id": f.pk, "kind": f.kind, "lot": f.lot.code if f.lot else None}
                    for f in raised
                ]
            },
        )
    return raised


def ranking(deal: Deal) -> dict[int, dict]:
    """Per bid: the members' totals and their mean (the committee's score of the bid)."""
    totals: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for seat_id, bid_id, points in Score.objects.filter(seat__committee__deal=deal).values_list(
        "seat_id", "bid_id", "points"
    ):
        totals[bid_id][seat_id] += points
    out = {}
    for bid_id, by_seat in totals.items():
        values = list(by_seat.values())
        out[bid_id] = {
            "by_seat": dict(by_seat),
            "mean": (sum(values) / len(values)).quantize(Decimal("0.01")),
        }
    return out

"""The committee as a record: the art. 37 draw with its recusals, remote seats and sealed record;
the members' scores; the appraisal stored as ``expert_deviation`` flags at the evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from tests.trading.test_services import DEAL, bid_data
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.roles import Role
from zhengwu.trading import committee, services
from zhengwu.trading.integrity import verify
from zhengwu.trading.models import Bid, DealEvent, Flag, Score, Seat

AT = dt.datetime(2026, 11, 18, 9, 30, tzinfo=clock.LOCAL_TZ)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, full_name="孙监督")


def pool(officer, count=6, *, field="房屋建筑", city="本市", **extra):
    return [
        committee.add_expert(
            actor=officer,
            data={"name": f"{city}专家{i}", "fields": [field], "city": city, **extra},
        )
        for i in range(count)
    ]


def opened(officer, bids=3):
    with clock.frozen(AT):
        deal = services.announce_deal(actor=officer, data=DEAL)
        for i in range(bids):
            services.record_bid(actor=officer, code=deal.code, data=bid_data(i))
        services.act(actor=officer, code=deal.code, action="open")
    return deal


def test_the_draw_recuses_ties_seals_the_record_and_seats_remote_experts(officer):
    deal = opened(officer)
    local = pool(officer, 4)
    tied = committee.add_expert(
        actor=officer,
        data={
            "name": "李回避",
            "fields": ["房屋建筑"],
            "city": "本市",
            "employments": [
                {
                    "employer_uscc": bid_data(0)["bidder_uscc"],
                    "employer_name": "前东家",
                    "start": "2020-01-01",
                    "end": "2024-06-30",
                }
            ],
        },
    )
    related = committee.add_expert(
        actor=officer,
        data={
            "name": "周亲属",
            "fields": ["房屋建筑"],
            "city": "本市",
            "relations": [{"bidder_uscc": bid_data(1)["bidder_uscc"], "description": "配偶任股东"}],
        },
    )
    remote = pool(officer, 3, field="工程造价", city="邻市")
    with clock.frozen(AT + dt.timedelta(hours=1)):
        made = committee.draw_committee(
            actor=officer,
            code=deal.code,
            fields={"房屋建筑": 4, "工程造价": 1},
            members=7,
            representatives=["招标人代表甲", "招标人代表乙"],
            host_city="本市",
            host_room="第一评标室",
            remote_rooms={"邻市": "邻市交易中心第三评标室"},
            seed="secret-seed",
        )
    seats = list(Seat.objects.filter(committee=made).order_by("pk"))
    experts = [s for s in seats if s.kind == "expert"]
    assert {s.expert_id for s in experts if s.field == "房屋建筑"} == {e.pk for e in local}
    assert tied.pk not in {s.expert_id for s in seats} and related.pk not in {
        s.expert_id for s in seats
    }
    [far] = [s for s in experts if s.field == "工程造价"]
    assert far.expert_id in {e.pk for e in remote}
    assert (far.remote, far.city, far.room) == (True, "邻市", "邻市交易中心第三评标室")
    assert all(not s.remote and s.room == "第一评标室" for s in seats if s is not far)
    assert [s.name for s in seats if s.kind == "representative"] == ["招标人代表甲", "招标人代表乙"]
    assert set(made.record["recused"]) == {str(tied.pk), str(related.pk)}
    assert committee.verify(made)
    event = DealEvent.objects.filter(deal=deal, kind="committee_drawn").get()
    assert event.data["seal"] == made.seal and "secret-seed" not in str(event.data)
    assert {r["expert"] for r in event.data["recused"]} == {"李回避", "周亲属"}
    # The seed is shown only once the evaluation is recorded.
    assert not committee.seed_shown(made)
    with pytest.raises(DomainError) as caught:
        committee.draw_committee(
            actor=officer, code=deal.code, fields={"房屋建筑": 5}, members=5, seed="x"
        )
    assert caught.value.code == "committee_drawn"
    assert all(problem is None for _id, problem in verify())


def test_a_pool_too_small_or_a_committee_the_law_forbids_is_refused(officer, supervisor):
    deal = opened(officer)
    pool(officer, 4)
    with pytest.raises(DomainError) as caught, translation.override("zh-hans"):
        committee.draw_committee(actor=officer, code=deal.code, fields={"房屋建筑": 5}, members=5)
    assert caught.value.code == "pool_too_small"
    assert "专家库人数不足" in str(caught.value.message)
    with pytest.raises(ValidationFailed) as caught:
        committee.draw_committee(actor=officer, code=deal.code, fields={"房屋建筑": 4}, members=4)
    assert set(caught.value.errors) == {"members"}
    with pytest.raises(ValidationFailed) as caught:
        committee.draw_committee(
            actor=officer,
            code=deal.code,
            fields={"房屋建筑": 3},
            members=5,
            representatives=["甲", "乙"],
        )
    assert set(caught.value.errors) == {"representatives"}
    with pytest.raises(Forbidden):
        committee.draw_committee(
            actor=supervisor, code=deal.code, fields={"房屋建筑": 5}, members=5
        )
    with clock.frozen(AT):
        announced = services.announce_deal(actor=officer, data=DEAL)
    with pytest.raises(DomainError) as caught:
        committee.draw_committee(
            actor=officer, code=announced.code, fields={"房屋建筑": 5}, members=5
        )
    assert caught.value.code == "not_opened"


def drawn(officer, deal, count=5):
    pool(officer, count)
    return committee.draw_committee(
        actor=officer, code=deal.code, fields={"房屋建筑": count}, members=count, seed="s"
    )


def score_all(officer, deal, made, points, at):
    """``points``: member index → points for every bid (two criteria, half each)."""
    seats = list(made.seats.order_by("pk"))
    bids = list(Bid.objects.filter(lot__deal=deal).order_by("pk"))
    with clock.frozen(at):
        for index, seat in enumerate(seats):
            committee.record_scores(
                actor=officer,
                code=deal.code,
                seat_id=seat.pk,
                scores=[
                    {"bid": b.pk, "criterion": c, "points": points.get(index, 80) / 2}
                    for b in bids
                    for c in ("技术", "商务")
                ],
            )
    return seats, bids


def test_scores_are_recorded_per_bid_and_criterion_and_a_change_is_kept(officer):
    deal = opened(officer)
    made = drawn(officer, deal)
    seats, bids = score_all(officer, deal, made, {}, AT + dt.timedelta(hours=2))
    assert Score.objects.filter(seat__committee=made).count() == 5 * 3 * 2
    with clock.frozen(AT + dt.timedelta(hours=3)):
        committee.record_scores(
            actor=officer,
            code=deal.code,
            seat_id=seats[0].pk,
            scores=[{"bid": bids[0].pk, "criterion": "技术", "points": "45"}],
        )
    row = Score.objects.get(seat=seats[0], bid=bids[0], criterion="技术")
    assert (row.points, row.changed) == (45, True)
    ranked = committee.ranking(deal)
    assert ranked[bids[0].pk]["mean"] == 81
    with pytest.raises(ValidationFailed) as caught:
        committee.record_scores(
            actor=officer,
            code=deal.code,
            seat_id=seats[0].pk,
            scores=[{"bid": 10**9, "criterion": "", "points": "120"}],
        )
    assert set(caught.value.errors) == {
        "scores.0.bid",
        "scores.0.criterion",
        "scores.0.points",
    }
    assert DealEvent.objects.filter(deal=deal, kind="scores").count() == 6


def test_the_evaluation_stores_deviations_and_late_scores_as_expert_flags(officer, supervisor):
    deal = opened(officer)
    made = drawn(officer, deal)
    seats, bids = score_all(officer, deal, made, {4: 40}, AT + dt.timedelta(hours=2))
    with clock.frozen(AT + dt.timedelta(hours=3)):
        committee.show_scores(actor=officer, code=deal.code)
    with clock.frozen(AT + dt.timedelta(hours=4)):
        committee.record_scores(
            actor=officer,
            code=deal.code,
            seat_id=seats[1].pk,
            scores=[{"bid": bids[0].pk, "criterion": "技术", "points": "42"}],
        )
        services.act(actor=officer, code=deal.code, action="evaluate")
    flags = Flag.objects.filter(deal=deal, kind="expert_deviation").order_by("pk")
    patterns = sorted((f.evidence["pattern"], f.evidence["member"]) for f in flags)
    assert patterns == [
        ("deviation", seats[4].name),
        ("deviation", seats[4].name),
        ("deviation", seats[4].name),
        ("late_scoring", seats[1].name),
    ]
    deviation = flags.filter(evidence__pattern="deviation").first()
    assert deviation.evidence["expert"] == seats[4].expert_id
    assert deviation.evidence["median"] == 80 and deviation.evidence["points"] == 40
    assert deviation.bids.count() == 1
    assert committee.seed_shown(made.__class__.objects.get(pk=made.pk))
    # Run again (a second evaluation is not possible; the appraisal itself): nothing new.
    assert committee.appraise(deal) == []
    assert all(problem is None for _id, problem in verify())


def test_an_expert_favouring_one_bidder_over_three_evaluations_is_flagged(officer):
    favoured = bid_data(0)["bidder_uscc"]
    pool(officer, 5)
    for _ in range(3):
        deal = opened(officer)
        made = committee.draw_committee(
            actor=officer, code=deal.code, fields={"房屋建筑": 5}, members=5, seed="s"
        )
        seats = list(made.seats.order_by("pk"))
        judge = next(s for s in seats if s.name == "本市专家0")
        for seat in seats:
            committee.record_scores(
                actor=officer,
                code=deal.code,
                seat_id=seat.pk,
                scores=[
                    {
                        "bid": b.pk,
                        "criterion": "综合",
                        "points": 95 if seat == judge and b.bidder_uscc == favoured else 80,
                    }
                    for b in Bid.objects.filter(lot__deal=deal)
                ],
            )
        services.act(actor=officer, code=deal.code, action="evaluate")
    found = Flag.objects.filter(kind="expert_deviation", evidence__pattern="favouring")
    assert found.count() == 1  # raised on the third deal, where the pattern became plain
    flag = found.get()
    assert flag.deal == deal and flag.evidence["bidder"] == favoured
    assert len(flag.evidence["evaluations"]) == 3

"""The on-site supervision log on the deal's trail, and the credit records of bidders and
experts: disqualifications, collusion findings (every bidder of a confirmed flag), irregular
scoring confirmed, complaints."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.trading.test_committee import AT, drawn, opened, score_all
from tests.trading.test_services import colluding_deal
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.roles import Role
from zhengwu.trading import credit, onsite, services
from zhengwu.trading.integrity import verify
from zhengwu.trading.models import Bid, CreditRecord, DealEvent, Flag, OnsiteEntry


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, full_name="孙监督")


def test_on_site_entries_are_on_the_trail_with_who_when_and_what(officer, supervisor):
    with clock.frozen(AT):
        deal = services.announce_deal(actor=officer, data=DEAL_TWO)
    with clock.frozen(AT + dt.timedelta(days=20)):
        with pytest.raises(DomainError) as caught:
            onsite.log_entry(actor=supervisor, code=deal.code, phase="evaluation", seen="评标")
        assert caught.value.code == "phase_not_open"
        entry = onsite.log_entry(
            actor=supervisor,
            code=deal.code,
            phase="opening",
            seen="开标现场：三家投标人代表到场，密封完好。",
            observed_at=AT + dt.timedelta(days=19, hours=1),
        )
        with pytest.raises(Forbidden):
            onsite.log_entry(actor=officer, code=deal.code, phase="opening", seen="x")
        with pytest.raises(ValidationFailed) as caught:
            onsite.log_entry(
                actor=supervisor,
                code=deal.code,
                phase="opening",
                seen="",
                observed_at=AT + dt.timedelta(days=30),
            )
        assert set(caught.value.errors) == {"seen"}
        with pytest.raises(ValidationFailed) as caught:
            onsite.log_entry(
                actor=supervisor,
                code=deal.code,
                phase="opening",
                seen="x",
                observed_at=AT + dt.timedelta(days=30),
            )
        assert set(caught.value.errors) == {"observed_at"}
    assert (entry.observer_name, entry.observed_at) == (
        "孙监督",
        AT + dt.timedelta(days=19, hours=1),
    )
    event = DealEvent.objects.get(deal=deal, seq=entry.event_seq)
    assert (event.kind, event.data["phase"], event.actor) == ("onsite", "opening", supervisor)
    assert OnsiteEntry.objects.count() == 1
    assert all(problem is None for _id, problem in verify())


DEAL_TWO = {
    "type": "procurement",
    "name": "办公设备采购",
    "tenderer": "某区财政局",
    "award_method": "lowest_price",
    "lots": [{"code": "01", "name": "一包"}],
}


def test_disqualified_bidders_are_marked_once_in_the_year(officer):
    deal = opened(officer)
    bid = Bid.objects.filter(lot__deal=deal).order_by("pk").first()
    with clock.frozen(AT + dt.timedelta(days=1)):
        services.act(
            actor=officer,
            code=deal.code,
            action="evaluate",
            data={
                "disqualified": [
                    {"lot": "01", "bidder_uscc": bid.bidder_uscc, "reason": "未按要求提交保证金"}
                ]
            },
        )
    [record] = CreditRecord.objects.all()
    assert (record.bidder_uscc, record.kind, record.year, record.note, record.deal) == (
        bid.bidder_uscc,
        "disqualification",
        2026,
        "未按要求提交保证金",
        deal,
    )
    with pytest.raises(TypeError):
        record.delete()


def test_a_confirmed_collusion_marks_every_bidder_of_the_flag_a_dismissal_none(officer, supervisor):
    with clock.frozen(AT):
        deal = colluding_deal(officer)
        services.act(actor=officer, code=deal.code, action="open")
        similar = Flag.objects.get(deal=deal, kind="similar_documents")
        account = Flag.objects.get(deal=deal, kind="same_deposit_account")
        services.review_flag(
            actor=supervisor, flag_id=account.pk, decision="dismissed", note="同一担保公司代缴"
        )
        assert not CreditRecord.objects.exists()
        services.review_flag(
            actor=supervisor, flag_id=similar.pk, decision="confirmed", note="技术标雷同"
        )
    records = CreditRecord.objects.filter(kind="collusion").order_by("bidder_uscc")
    assert sorted(r.bidder_uscc for r in records) == sorted(
        b.bidder_uscc for b in similar.bids.all()
    )
    assert len(records) == 2
    assert {(r.flag_id, r.deal_id, r.year, r.note) for r in records} == {
        (similar.pk, deal.pk, 2026, "技术标雷同")
    }


def test_a_confirmed_expert_deviation_marks_the_expert(officer, supervisor):
    deal = opened(officer)
    made = drawn(officer, deal)
    seats, _bids = score_all(officer, deal, made, {2: 30}, AT + dt.timedelta(hours=2))
    services.act(actor=officer, code=deal.code, action="evaluate")
    flag = Flag.objects.filter(deal=deal, kind="expert_deviation").first()
    services.review_flag(
        actor=supervisor, flag_id=flag.pk, decision="confirmed", note="打分明显偏离"
    )
    [record] = CreditRecord.objects.filter(subject="expert")
    assert (record.expert_id, record.kind, record.flag) == (seats[2].expert_id, "scoring", flag)


def test_complaints_about_a_bidder_or_an_expert(officer, supervisor, make_user):
    deal = opened(officer)
    made = drawn(officer, deal)
    expert = made.seats.first().expert
    with clock.frozen(AT + dt.timedelta(days=2)):
        row = credit.record_complaint(
            actor=supervisor,
            data={
                "subject": "bidder",
                "bidder_uscc": Bid.objects.first().bidder_uscc,
                "bidder_name": "某建设公司",
                "deal": deal.code,
                "note": "投诉业绩造假，经查属实",
                "substantiated": True,
            },
        )
        credit.record_complaint(
            actor=officer,
            data={"subject": "expert", "expert": expert.pk, "note": "评标时接打电话"},
        )
    assert (row.kind, row.substantiated, row.year) == ("complaint", True, 2026)
    assert DealEvent.objects.filter(deal=deal, kind="complaint").count() == 1
    assert CreditRecord.objects.filter(expert=expert, kind="complaint").count() == 1
    with pytest.raises(ValidationFailed) as caught:
        credit.record_complaint(
            actor=supervisor,
            data={"subject": "bidder", "bidder_uscc": "91110105MA00000011", "note": ""},
        )
    assert set(caught.value.errors) == {"bidder_uscc", "bidder_name", "note"}
    with pytest.raises(Forbidden):
        credit.record_complaint(
            actor=make_user(Role.LEADER), data={"subject": "expert", "expert": expert.pk}
        )
    assert all(problem is None for _id, problem in verify())

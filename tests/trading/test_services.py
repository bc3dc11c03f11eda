"""The trading record: deals on the trail, bids with their files, the detector's flags stored at
the opening and reviewed by a supervisor, never deleted."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.trading.test_extract import make_docx
from tests.trading.test_signals import NAMES, uscc
from tests.trading.texts import TEMPLATE, own_text
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role
from zhengwu.trading import services
from zhengwu.trading.integrity import verify
from zhengwu.trading.models import Bid, BidStatus, Deal, DealEvent, Flag, FlagStatus

AT = dt.datetime(2026, 11, 18, 9, 30, tzinfo=clock.LOCAL_TZ)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(AT):
        yield


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, full_name="孙监督")


DEAL = {
    "type": "construction",
    "name": "城东污水管网改造工程",
    "tenderer": "某区住房和城乡建设局",
    "agent": "某招标代理有限公司",
    "ceiling_price": "4800000",
    "award_method": "lowest_price",
    "lots": [{"code": "01", "name": "一标段", "tender_text": TEMPLATE}],
}


def bid_data(i: int, **extra) -> dict:
    return {
        "lot": "01",
        "bidder_uscc": uscc(i + 1),
        "bidder_name": NAMES[i],
        "price": ["4512300.00", "4498760.50", "4530120.00"][i],
        "deposit_account": f"62220200000{1000 + i}",
        "project_manager": ["赵一", "钱二", "孙三"][i],
        "machine_code": f"MC-{i}",
        "ip": f"203.0.113.{10 + i}",
        **extra,
    }


def test_a_deal_is_announced_with_its_lots_on_the_trail(officer):
    deal = services.announce_deal(actor=officer, data=DEAL)
    assert deal.code == f"JY20261118{deal.pk:06d}"
    assert deal.state == "announced" and deal.lots.get().code == "01"
    assert deal.ceiling_price == Decimal("4800000.00")
    [event] = DealEvent.objects.filter(deal=deal)
    assert (event.kind, event.actor_name, event.data["lots"]) == (
        "announce",
        officer.username,
        ["01"],
    )
    assert all(problem is None for _id, problem in verify())


def test_only_the_trading_centers_staff_record_deals_and_bids(supervisor, officer):
    with pytest.raises(Forbidden):
        services.announce_deal(actor=supervisor, data=DEAL)
    deal = services.announce_deal(actor=officer, data=DEAL)
    with pytest.raises(Forbidden):
        services.record_bid(actor=supervisor, code=deal.code, data=bid_data(0))


def test_bad_input_is_a_422_with_each_field(officer):
    with pytest.raises(ValidationFailed) as caught, translation.override("zh-hans"):
        services.announce_deal(
            actor=officer, data={**DEAL, "type": "x", "ceiling_price": "-1", "lots": []}
        )
    assert set(caught.value.errors) == {"type", "ceiling_price", "lots"}
    deal = services.announce_deal(actor=officer, data=DEAL)
    with pytest.raises(ValidationFailed) as caught, translation.override("zh-hans"):
        services.record_bid(
            actor=officer,
            code=deal.code,
            data=bid_data(0, bidder_uscc="91110105MA00000011", price="abc", ip="999.1.1.1"),
        )
    errors = caught.value.errors
    assert set(errors) == {"bidder_uscc", "price", "ip"}
    assert "统一社会信用代码" in errors["bidder_uscc"][0]
    with pytest.raises(NotFound):
        services.record_bid(actor=officer, code="JY-none", data=bid_data(0))


def test_a_bid_keeps_its_file_outside_the_web_root_with_the_files_metadata(officer, settings):
    deal = services.announce_deal(actor=officer, data=DEAL)
    content = make_docx(author="王建国", company="北京宏达建设工程有限公司", body=own_text(1))
    bid = services.record_bid(
        actor=officer,
        code=deal.code,
        data=bid_data(0, author="别的名字"),
        upload=("技术标.docx", content),
    )
    assert (bid.author, bid.company) == ("王建国", "北京宏达建设工程有限公司")
    assert bid.text.startswith(own_text(1)[:50])
    path = bid.file.path
    assert path.startswith(str(settings.VAR_DIR / "private")) and not path.startswith(
        str(settings.MEDIA_ROOT)
    )
    assert open(path, "rb").read() == content
    assert bid.file_sha256 == DealEvent.objects.get(deal=deal, kind="bid").data["file_sha256"]
    with pytest.raises(DomainError) as caught:
        services.record_bid(actor=officer, code=deal.code, data=bid_data(0))
    assert caught.value.code == "duplicate_bid"


def test_a_file_that_cannot_be_read_is_refused(officer):
    deal = services.announce_deal(actor=officer, data=DEAL)
    with pytest.raises(ValidationFailed) as caught:
        services.record_bid(
            actor=officer, code=deal.code, data=bid_data(0), upload=("a.exe", b"MZ")
        )
    assert set(caught.value.errors) == {"file"}


def colluding_deal(officer) -> Deal:
    """Three bids; the second copies the first's technical bid and pays from its account."""
    deal = services.announce_deal(actor=officer, data=DEAL)
    first = own_text(1, sentences=160)
    texts = [
        TEMPLATE + first,
        TEMPLATE + own_text(2, 40) + first[300:3000],
        TEMPLATE + own_text(3, 160),
    ]
    for i, text in enumerate(texts):
        extra = {"deposit_account": "622202000001000"} if i == 1 else {}
        services.record_bid(
            actor=officer,
            code=deal.code,
            data=bid_data(
                i, deposit_account=extra.get("deposit_account", f"62220200000{1000 + i}")
            ),
            upload=(f"bid{i}.txt", text.encode()),
        )
    return deal


def test_the_opening_runs_the_detector_and_stores_its_flags(officer):
    deal = colluding_deal(officer)
    # No bid after the opening; the detector has run.
    services.act(actor=officer, code=deal.code, action="open")
    with pytest.raises(DomainError) as caught:
        services.record_bid(actor=officer, code=deal.code, data=bid_data(2))
    assert caught.value.code == "bids_closed"
    flags = {f.kind: f for f in Flag.objects.filter(deal=deal)}
    assert set(flags) == {"similar_documents", "same_deposit_account"}
    similar = flags["similar_documents"]
    bids = list(similar.bids.order_by("pk"))
    assert [b.bidder_name for b in bids] == NAMES[:2]
    passage = similar.evidence["passages"][0]
    assert passage["a"]["bid"] == str(bids[0].pk)
    assert (
        bids[0].text[passage["a"]["start"] : passage["a"]["end"]]
        == (bids[1].text[passage["b"]["start"] : passage["b"]["end"]])
    )
    assert similar.status == FlagStatus.OPEN
    assert DealEvent.objects.filter(deal=deal, kind="flags_raised").count() == 1
    # Run again: nothing new.
    assert services.run_detector(code=deal.code) == []
    assert Flag.objects.filter(deal=deal).count() == 2
    assert all(problem is None for _id, problem in verify())


def test_a_supervisor_reviews_a_flag_once_with_a_note_and_it_is_never_deleted(officer, supervisor):
    deal = colluding_deal(officer)
    services.act(actor=officer, code=deal.code, action="open")
    flag = Flag.objects.get(deal=deal, kind="similar_documents")
    with pytest.raises(Forbidden):
        services.review_flag(actor=officer, flag_id=flag.pk, decision="confirmed", note="x")
    with pytest.raises(ValidationFailed):
        services.review_flag(actor=supervisor, flag_id=flag.pk, decision="confirmed", note=" ")
    done = services.review_flag(
        actor=supervisor, flag_id=flag.pk, decision="confirmed", note="技术标雷同，移交行政监督部门"
    )
    assert (done.status, done.reviewed_by, done.reviewed_at) == (
        "confirmed",
        supervisor,
        clock.now(),
    )
    with pytest.raises(DomainError) as caught:
        services.review_flag(actor=supervisor, flag_id=flag.pk, decision="dismissed", note="再看")
    assert caught.value.code == "already_reviewed"
    with pytest.raises(TypeError):
        done.delete()
    event = DealEvent.objects.filter(deal=deal).order_by("-seq").first()
    assert (event.kind, event.data["decision"]) == ("flag_reviewed", "confirmed")
    with pytest.raises(NotFound):
        services.review_flag(actor=supervisor, flag_id=10**9, decision="confirmed", note="x")


def test_evaluate_award_and_the_transition_table(officer):
    deal = colluding_deal(officer)
    with pytest.raises(DomainError):
        services.act(actor=officer, code=deal.code, action="award", data={})
    services.act(actor=officer, code=deal.code, action="open")
    services.act(
        actor=officer,
        code=deal.code,
        action="evaluate",
        data={"disqualified": [{"lot": "01", "bidder_uscc": uscc(2), "reason": "资格审查不合格"}]},
    )
    statuses = dict(Bid.objects.values_list("bidder_uscc", "status"))
    assert statuses == {uscc(1): "valid", uscc(2): "disqualified", uscc(3): "valid"}
    with pytest.raises(ValidationFailed):
        services.act(
            actor=officer, code=deal.code, action="award", data={"winners": {"01": uscc(2)}}
        )
    services.act(actor=officer, code=deal.code, action="award", data={"winners": {"01": uscc(1)}})
    deal.refresh_from_db()
    assert deal.state == "awarded" and deal.awarded_at == clock.now()
    assert Bid.objects.get(awarded=True).bidder_uscc == uscc(1)
    kinds = list(DealEvent.objects.filter(deal=deal).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["announce", "bid", "bid", "bid", "open", "flags_raised", "evaluate", "award"]
    with pytest.raises(DomainError):
        services.act(actor=officer, code=deal.code, action="cancel", data={"reason": "x"})


def test_verify_audit_finds_an_altered_deal_event(officer):
    deal = colluding_deal(officer)
    assert all(problem is None for _id, problem in verify())
    DealEvent.objects.filter(deal=deal, kind="bid").order_by("seq").filter(seq=2).update(
        data={"price": "1.00"}
    )
    problems = [p for _id, p in verify() if p is not None]
    assert [(p.number, p.seq) for p in problems] == [(deal.code, 2)]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=out, stderr=err)
    assert f"BROKEN {deal.code} (event 2)" in err.getvalue()
    assert BidStatus.PENDING == Bid.objects.first().status


def test_two_bidders_naming_each_other_are_two_flags(officer):
    deal = services.announce_deal(actor=officer, data=DEAL)
    for i, other in ((0, 1), (1, 0)):
        text = TEMPLATE + own_text(10 + i) + NAMES[other]
        services.record_bid(
            actor=officer, code=deal.code, data=bid_data(i), upload=("b.txt", text.encode())
        )
    services.act(actor=officer, code=deal.code, action="open")
    flags = Flag.objects.filter(deal=deal, kind="mixed_documents")
    assert sorted(f.evidence["file_of"] for f in flags) == sorted(
        str(b.pk) for b in Bid.objects.filter(lot__deal=deal)
    )

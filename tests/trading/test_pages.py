"""The trading pages: who may open them, the bidders' files only for the trading center and the
supervisors, the deal list's filters and total, the deal page, a flag's passages and its review
with a confirmation step, the board, the credit pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import DepartmentFactory
from tests.trading.test_committee import AT, drawn, opened, score_all
from tests.trading.test_services import DEAL, colluding_deal
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.trading import onsite, services
from zhengwu.trading.models import CreditRecord, Deal, Flag


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, full_name="孙监督")


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, full_name="李领导")


def client(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


@pytest.fixture
def colluded(officer):
    with clock.frozen(AT):
        deal = colluding_deal(officer)
        services.act(actor=officer, code=deal.code, action="open")
    return deal


def test_only_the_readers_open_the_pages(make_user, colluded):
    for role in (Role.APPLICANT, Role.WINDOW_CLERK, Role.REVIEWER):
        c = client(make_user(role))
        for url in ("/trading/", f"/trading/deals/{colluded.code}/", "/trading/board/"):
            assert c.get(url).status_code == 403
    assert Client().get("/trading/").status_code == 302


def test_the_bidders_files_only_for_the_trading_center_and_supervisors(
    officer, supervisor, leader, colluded
):
    bid = colluded.lots.get().bids.order_by("pk").first()
    similar = Flag.objects.get(deal=colluded, kind="similar_documents")
    for user in (officer, supervisor):
        c = client(user)
        page = c.get(f"/trading/deals/{colluded.code}/").content.decode()
        assert f"/trading/bids/{bid.pk}/file" in page and bid.machine_code in page
        download = c.get(f"/trading/bids/{bid.pk}/file")
        assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
        assert b"".join(download.streaming_content) == bid.file.open("rb").read()
        assert 'data-testid="passage"' in c.get(f"/trading/flags/{similar.pk}/").content.decode()
    c = client(leader)
    page = c.get(f"/trading/deals/{colluded.code}/").content.decode()
    assert bid.bidder_name in page
    assert "/file" not in page and bid.machine_code not in page
    assert "仅向交易中心和监督人员显示" in page
    assert c.get(f"/trading/bids/{bid.pk}/file").status_code == 403
    flag_page = c.get(f"/trading/flags/{similar.pk}/").content.decode()
    assert 'data-testid="passage"' not in flag_page and "passages-withheld" in flag_page
    passage = similar.evidence["passages"][0]["a"]["text"]
    assert passage[:30] not in flag_page


def test_the_deal_list_filters_pages_and_counts(officer, supervisor):
    housing = DepartmentFactory(code="ZJJ", name="住房和城乡建设局")
    with clock.frozen(AT):
        first = services.announce_deal(actor=officer, data=DEAL)
    with clock.frozen(AT + dt.timedelta(days=40)):
        second = services.announce_deal(
            actor=officer,
            data={**DEAL, "type": "procurement", "tenderer": "某区教育局", "name": "课桌椅采购"},
        )
        for _ in range(21):
            services.announce_deal(actor=officer, data={**DEAL, "tenderer": "某镇人民政府"})
    Deal.objects.filter(pk=first.pk).update(department=housing)
    c = client(supervisor)

    def codes(query):
        page = c.get(f"/trading/?{query}").content.decode()
        return [d.code for d in (first, second) if f'data-code="{d.code}"' in page], page

    assert codes("type=procurement")[0] == [second.code]
    assert codes("department=ZJJ")[0] == [first.code]
    assert codes("tenderer=教育")[0] == [second.code]
    assert codes("start=2026-11-01&end=2026-11-30")[0] == [first.code]
    _codes, page = codes("state=announced")
    assert 'data-total="23"' in page
    assert (
        c.get("/trading/?state=announced&page=2").content.decode().count('data-testid="deal-row"')
        == 3
    )
    bad = c.get("/trading/?start=2026-12-01&end=2026-11-01")
    assert bad.status_code == 200 and "结束日期早于开始日期" in bad.content.decode()


def test_the_deal_page_shows_committee_scores_onsite_log_and_trail(officer, supervisor):
    deal = opened(officer)
    made = drawn(officer, deal)
    score_all(officer, deal, made, {}, AT + dt.timedelta(hours=2))
    with clock.frozen(AT + dt.timedelta(hours=3)):
        onsite.log_entry(
            actor=supervisor, code=deal.code, phase="evaluation", seen="评标专家均按时到场"
        )
    c = client(supervisor)
    page = c.get(f"/trading/deals/{deal.code}/").content.decode()
    assert made.seal in page and "随机抽取记录与封存值一致" in page
    assert page.count('data-testid="seat-row"') == 5
    assert 'data-testid="score-table"' in page and "80.00" in page
    assert "评标专家均按时到场" in page and "孙监督" in page
    assert page.count('data-testid="trail-row"') == deal.events.count()
    assert "committee_drawn" not in page and "onsite" not in page.split('data-testid="trail"')[1]


def test_a_supervisor_logs_an_onsite_entry_from_the_page(officer, supervisor, leader):
    deal = opened(officer)
    c = client(supervisor)
    bad = c.post(f"/trading/deals/{deal.code}/onsite/", {"phase": "opening", "seen": ""})
    assert bad.status_code == 422
    done = c.post(
        f"/trading/deals/{deal.code}/onsite/",
        {"phase": "opening", "seen": "开标程序规范", "irregular": "on"},
    )
    assert done.status_code == 302
    assert deal.onsite_entries.get().irregular
    assert (
        client(leader)
        .post(f"/trading/deals/{deal.code}/onsite/", {"phase": "opening", "seen": "x"})
        .status_code
        == 403
    )


def test_a_flag_is_confirmed_after_a_confirmation_step_and_marks_the_bidders(
    supervisor, officer, colluded
):
    similar = Flag.objects.get(deal=colluded, kind="similar_documents")
    c = client(supervisor)
    page = c.get(f"/trading/flags/{similar.pk}/").content.decode()
    assert "招标投标法实施条例第四十条第（四）项" in page
    url = f"/trading/flags/{similar.pk}/review/"
    empty = c.post(url, {"decision": "confirmed", "note": ""})
    assert empty.status_code == 422
    asked = c.post(url, {"decision": "confirmed", "note": "技术标雷同"})
    assert asked.status_code == 200 and 'data-testid="confirm-step"' in asked.content.decode()
    similar.refresh_from_db()
    assert similar.status == "open"
    done = c.post(url, {"decision": "confirmed", "note": "技术标雷同", "confirmed": "yes"})
    assert done.status_code == 302
    similar.refresh_from_db()
    assert similar.status == "confirmed"
    assert CreditRecord.objects.filter(kind="collusion").count() == 2
    again = c.post(url, {"decision": "dismissed", "note": "x", "confirmed": "yes"})
    assert again.status_code == 409
    assert client(officer).post(url, {"decision": "dismissed", "note": "x"}).status_code == 403
    for bid in similar.bids.all():
        credit = c.get(f"/trading/credit/bidders/{bid.bidder_uscc}/").content.decode()
        assert "串通投标查实" in credit and "技术标雷同" in credit
        assert 'data-key="collusion">1<' in credit
    index = c.get("/trading/credit/").content.decode()
    assert index.count('data-testid="credit-bidder"') == 2
    assert c.get("/trading/credit/bidders/91110000000000000X/").status_code == 404


def test_the_board_counts_open_flags_by_kind_and_department(supervisor, officer, colluded):
    housing = DepartmentFactory(code="ZJJ", name="住房和城乡建设局")
    Deal.objects.filter(pk=colluded.pk).update(department=housing)
    c = client(supervisor)
    page = c.get("/trading/board/").content.decode()
    assert 'data-testid="board-total">2<' in page
    assert "住房和城乡建设局" in page
    assert "?flag=similar_documents&amp;department=ZJJ" in page
    listed = c.get("/trading/?flag=similar_documents&department=ZJJ").content.decode()
    assert f'data-code="{colluded.code}"' in listed


def test_the_experts_credit_page(officer, supervisor):
    deal = opened(officer)
    made = drawn(officer, deal)
    seats, _bids = score_all(officer, deal, made, {2: 30}, AT + dt.timedelta(hours=2))
    services.act(actor=officer, code=deal.code, action="evaluate")
    c = client(supervisor)
    page = c.get(f"/trading/credit/experts/{seats[2].expert_id}/").content.decode()
    assert seats[2].name in page
    assert 'data-key="seats">1<' in page and 'data-key="flags">3<' in page
    assert c.get("/trading/credit/experts/999999/").status_code == 404


def test_the_pages_with_a_full_record_speak_chinese_and_name_people(officer, supervisor, leader):
    from tests.core.test_crawl import URL, VisibleText, _enum_values, _pattern, _project_msgids
    from zhengwu.accounts.models import User

    with clock.frozen(AT):
        deal = colluding_deal(officer)
        services.act(actor=officer, code=deal.code, action="open")
    made = drawn(officer, deal)
    score_all(officer, deal, made, {1: 30}, AT + dt.timedelta(hours=2))
    with clock.frozen(AT + dt.timedelta(hours=3)):
        onsite.log_entry(actor=supervisor, code=deal.code, phase="opening", seen="开标正常")
        bid = deal.lots.get().bids.order_by("pk").last()
        services.act(
            actor=officer,
            code=deal.code,
            action="evaluate",
            data={"disqualified": [{"lot": "01", "bidder_uscc": bid.bidder_uscc, "reason": "x"}]},
        )
        for flag in Flag.objects.filter(deal=deal):
            services.review_flag(
                actor=supervisor, flag_id=flag.pk, decision="confirmed", note="查实"
            )
    flags = list(Flag.objects.filter(deal=deal))
    assert {f.kind for f in flags} >= {"similar_documents", "expert_deviation"}
    urls = [
        "/trading/",
        "/trading/?type=construction&flag=similar_documents",
        f"/trading/deals/{deal.code}/",
        "/trading/board/",
        "/trading/credit/",
        f"/trading/credit/bidders/{bid.bidder_uscc}/",
        f"/trading/credit/experts/{made.seats.first().expert_id}/",
        *(f"/trading/flags/{f.pk}/" for f in flags),
    ]
    english = _pattern(_project_msgids())
    enums = _pattern(_enum_values())
    logins = _pattern(User.objects.values_list("username", flat=True))
    findings = []
    for user in (supervisor, leader):
        c = client(user)
        for url in urls:
            response = c.get(url)
            assert response.status_code == 200, url
            parser = VisibleText()
            parser.feed(response.content.decode())
            for text in parser.chunks:
                text = URL.sub(" ", text)
                for label, pattern in (("English", english), ("raw", enums), ("login", logins)):
                    match = pattern.search(text)
                    if match:
                        findings.append(f"{url}: {label} {match.group(0)!r} in {text[:80]!r}")
    assert not findings, "\n".join(dict.fromkeys(findings))


def test_the_supervisors_home_page_counts_the_signals_awaiting_review(supervisor, colluded):
    from zhengwu.core.workbench import waiting_for

    [line] = [w for w in waiting_for(supervisor) if w.key == "trading-flags"]
    assert (line.count, line.url) == ("2", "/trading/board/")
    home = client(supervisor).get("/").content.decode()
    assert "待核查的交易预警" in home and "/trading/board/" in home


def test_the_evidence_is_shown_in_words():
    from django.utils import translation

    from zhengwu.trading.views import evidence_lines

    prices = Flag(
        kind="regular_prices",
        evidence={
            "pattern": "equal_difference",
            "prices": ["4400000.00", "4450000.00", "4500000.00"],
            "ratios_to_ceiling": ["0.916667", "0.927083", "0.937500"],
            "step": "50000.00",
        },
    )
    late = Flag(
        kind="expert_deviation",
        evidence={
            "pattern": "late_scoring",
            "member": "本市专家1",
            "submitted_at": "2026-11-18T13:30:00+08:00",
            "visible_at": "2026-11-18T12:30:00+08:00",
            "evaluation": "JY1",
            "seat": 3,
        },
    )
    with translation.override("zh-hans"):
        shown = dict(evidence_lines(prices, {}))
        assert shown["规律"] == "等差报价"
        assert shown["与最高投标限价之比"] == "91.6667%、92.7083%、93.7500%"
        late_shown = dict(evidence_lines(late, {}))
    assert late_shown["最后评分时间"] == "2026年11月18日 13:30"
    assert late_shown["规律"] == "他人评分公示后评分或改分"
    assert "JY1" not in late_shown.values()

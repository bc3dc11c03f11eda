"""Deals imported from the template (.xlsx, .csv) and from OCDS JSON lines: written through the
services with their dates, all or nothing, the problems by row and column in Chinese."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from tests.trading.test_ocds import assert_valid, awarded_deal
from tests.trading.test_signals import uscc
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.trading import imports, ocds
from zhengwu.trading.integrity import verify
from zhengwu.trading.models import Bid, Deal, DealEvent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 20, 10, 0, tzinfo=clock.LOCAL_TZ)
HEADERS = [h for _k, h in imports.COLUMNS]


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易", username="qian")


def row(**values) -> list[str]:
    base = dict(imports.EXAMPLE)
    base.update(values)
    return [base[k] for k, _h in imports.COLUMNS]


def bids_of_one_deal(ref="1", **deal) -> list[list[str]]:
    return [
        row(ref=ref, bidder_uscc=uscc(1), bidder_name="北京宏达建设工程有限公司", price="4512300",
            status="有效", won="否", project_manager="赵一", team="周四，吴五", **deal),
        row(ref=ref, bidder_uscc=uscc(2), bidder_name="河北正泰建筑有限公司", price="4498760.5",
            status="有效", won="是", deposit_account="6222020000002000", project_manager="钱二",
            team="", **deal),
        row(ref=ref, bidder_uscc=uscc(3), bidder_name="天津华信市政工程有限公司", price="4400000",
            status="无效", reason="投标保证金未按时到账", won="否",
            deposit_account="6222020000003000", project_manager="孙三", team="", **deal),
    ]  # fmt: skip


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *rows])
    return buffer.getvalue().encode("gb18030")


def test_the_template_is_a_workbook_with_the_headers_an_example_and_notes(officer):
    book = load_workbook(io.BytesIO(imports.template_xlsx()))
    sheet = book["交易项目"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert book["填写说明"]["A1"].value.startswith("每行一个投标")
    # The template's own example imports as it is.
    deals = imports.read_template(name="t.xlsx", content=imports.template_xlsx())
    done = imports.import_deals(actor=officer, deals=deals)
    assert [d.state for d in done.deals] == ["awarded"]


def test_a_filled_in_template_is_recorded_step_by_step_with_its_dates(officer):
    content = as_csv(bids_of_one_deal())
    done = imports.import_deals(
        actor=officer, deals=imports.read_template(name="deals.csv", content=content)
    )
    [deal] = done.deals
    assert (deal.state, deal.type, deal.award_method) == ("awarded", "construction", "lowest_price")
    assert deal.code.startswith("JY20260302")
    assert deal.announced_on == dt.date(2026, 3, 2)
    assert clock.local_datetime(deal.opened_at) == dt.datetime(
        2026, 3, 23, 9, tzinfo=clock.LOCAL_TZ
    )
    steps = list(DealEvent.objects.filter(deal=deal).order_by("seq").values_list("kind", flat=True))
    assert steps == ["announce", "bid", "bid", "bid", "open", "evaluate", "award"]
    bids = {b.bidder_name: b for b in Bid.objects.filter(lot__deal=deal)}
    assert bids["天津华信市政工程有限公司"].status == "disqualified"
    assert bids["天津华信市政工程有限公司"].disqualification_reason == "投标保证金未按时到账"
    assert bids["河北正泰建筑有限公司"].awarded
    assert bids["北京宏达建设工程有限公司"].team == ["周四", "吴五"]
    assert not deal.flags.exists()
    assert all(problem is None for _id, problem in verify())
    # What was imported exports as valid OCDS.
    assert_valid(ocds.compiled_release(deal))


def test_any_wrong_row_imports_nothing_and_every_problem_is_named_by_row_and_column(officer):
    rows = [
        *bids_of_one_deal("1"),
        row(ref="2", name="第二个项目", type="桥梁", announced_on="2026-13-01"),
        row(ref="3", name="第三个项目", bidder_uscc="91110105MA00000011", price="abc",
            status="无效", reason="", won="否"),
    ]  # fmt: skip
    with translation.override("zh-hans"):
        with pytest.raises(imports.ImportRejected) as caught:
            imports.read_template(name="deals.csv", content=as_csv(rows))
        found = {(p.row, p.column): p.message for p in caught.value.problems}
        assert set(found) == {(5, "项目类型"), (5, "公告日期"), (6, "否决原因")}
        assert found[(5, "公告日期")] == "日期请写作 2026-03-02。"
        # The reading passes; the services find the rest, and nothing is kept.
        rows[-1] = row(ref="3", name="第三个项目", bidder_uscc="91110105MA00000011", price="abc")
        rows[-2] = row(ref="2", name="第二个项目")
        deals = imports.read_template(name="deals.csv", content=as_csv(rows))
        with pytest.raises(imports.ImportRejected) as caught:
            imports.import_deals(actor=officer, deals=deals)
        found = {(p.row, p.column): p.message for p in caught.value.problems}
    assert set(found) == {(6, "投标人统一社会信用代码"), (6, "投标报价（元）")}
    assert "统一社会信用代码" in found[(6, "投标人统一社会信用代码")]
    assert Deal.objects.count() == 0 and DealEvent.objects.count() == 0


def test_a_missing_column_is_reported_on_the_header_row():
    content = ("项目序号,项目名称\n1,某项目\n").encode()
    with pytest.raises(imports.ImportRejected) as caught:
        imports.read_template(name="x.csv", content=content)
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (1, "项目类型"),
        (1, "招标人"),
        (1, "评标办法"),
        (1, "公告日期"),
        (1, "标段编号"),
    }


def test_ocds_release_packages_are_compiled_and_imported_once(officer):
    with clock.frozen(dt.datetime(2026, 11, 18, 9, 30, tzinfo=clock.LOCAL_TZ)):
        original = awarded_deal(officer)
    # Another publisher's data: the same releases under another ocid.
    line = next(ocds.export_lines([original], kind="releases")).replace(
        ocds.ocid_of(original), "ocds-abcdef-2026-001"
    )
    deals, skipped = imports.read_ocds((line + "\n").encode())
    done = imports.import_deals(actor=officer, deals=deals, skipped=skipped)
    [deal] = done.deals
    assert deal.ocid == "ocds-abcdef-2026-001" and deal.state == "awarded"
    again = ocds.compiled_release(deal)
    before = ocds.compiled_release(original)
    assert again["ocid"] == "ocds-abcdef-2026-001"
    assert_valid(again)
    for key in ("awards", "parties"):
        assert [{k: v for k, v in a.items() if k not in ("id", "date")} for a in again[key]] == [
            {k: v for k, v in a.items() if k not in ("id", "date")} for a in before[key]
        ]
    assert sorted((b["status"], b["value"]["amount"]) for b in again["bids"]["details"]) == sorted(
        (b["status"], b["value"]["amount"]) for b in before["bids"]["details"]
    )
    # Imported twice: skipped; our own export read back: skipped too.
    deals, skipped = imports.read_ocds((line + "\n").encode())
    assert deals == [] and skipped == ["ocds-abcdef-2026-001"]
    own = next(ocds.export_lines([original], kind="releases"))
    assert imports.read_ocds(own.encode())[1] == [ocds.ocid_of(original)]


def test_bad_ocds_lines_are_named_by_line(officer):
    content = (
        b'{"ocid": "ocds-x-1", "id": "1", "date": "2026-01-01T00:00:00Z"}\nnot json\n{"a": 1}\n'
    )
    with pytest.raises(imports.ImportRejected) as caught:
        imports.read_ocds(content)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, ""), (3, "ocid")]


def test_the_import_page_for_the_trading_officer_only(client, officer, make_user):
    clerk = make_user(Role.WINDOW_CLERK, full_name="李窗口")
    client.force_login(clerk)
    assert client.get("/trading/import/").status_code == 403
    client.force_login(officer)
    page = client.get("/trading/import/")
    assert page.status_code == 200 and "导入交易项目" in page.content.decode()
    template = client.get("/trading/import/template.csv")
    assert template.content.decode("utf-8-sig").startswith("项目序号,项目名称")
    bad = io.BytesIO(as_csv([row(ref="1", type="桥梁")]))
    bad.name = "deals.csv"
    answer = client.post("/trading/import/", {"file": bad})
    assert answer.status_code == 422
    text = answer.content.decode()
    assert 'data-row="2" data-column="项目类型"' in text and "未导入任何" in text
    good = io.BytesIO(as_csv(bids_of_one_deal()))
    good.name = "deals.csv"
    answer = client.post("/trading/import/", {"file": good})
    assert answer.status_code == 200 and "已导入 1 个交易项目" in answer.content.decode()


def test_the_commands_import_or_name_the_problems(officer, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_bytes(as_csv(bids_of_one_deal()))
    out = io.StringIO()
    call_command("import_deals", str(path), "--user", "qian", stdout=out)
    assert out.getvalue().startswith("JY20260302")
    path.write_bytes(as_csv([row(ref="1", type="桥梁")]))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_deals", str(path), "--user", "qian", stderr=errors)
    assert "2\t项目类型" in errors.getvalue()
    target = tmp_path / "out.jsonl"
    call_command("export_ocds", "--releases", "--out", str(target), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_ocds", str(target), "--user", "qian", stdout=out)
    assert "skipped (imported before): 1" in out.getvalue()
    assert json.loads(target.read_text().splitlines()[0])["version"] == "1.1"

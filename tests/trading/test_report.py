"""The 交易监管 section of the monthly brief and the dashboard, and the trading indicators on the
assessment's indicators page: deals by type, flags by kind, the red flags with their fences."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from docx import Document

from tests.factories import DepartmentFactory
from tests.trading.test_indicator_flags import deal, history
from zhengwu.assessment import brief as briefs
from zhengwu.assessment import documents
from zhengwu.assessment.providers import collect
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.trading import imports, indicators, report, services
from zhengwu.trading.models import Deal, Flag

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 20, 10, 0, tzinfo=clock.LOCAL_TZ)
DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


def test_the_section_counts_deals_by_type_flags_by_kind_and_the_red_flags(officer, make_user):
    history(officer)  # ten construction deals announced from September to December
    procurement = deal(0, [300_000, 310_000, 320_000])
    procurement.data.update(type="procurement", name="办公设备采购")
    imports.import_deals(actor=officer, deals=[procurement])
    indicators.raise_indicator_flags()
    supervisor = make_user(Role.SUPERVISOR, full_name="孙监督")
    flag = Flag.objects.get(kind="R024")
    services.review_flag(actor=supervisor, flag_id=flag.pk, decision="confirmed", note="属实")
    with translation.override("zh-hans"):
        section = report.section(start=DECEMBER[0], end=DECEMBER[1])
    deals, flags, red = section.tables
    in_december = Deal.objects.filter(announced_on__gte=DECEMBER[0]).count()
    assert deals.rows[-1][0] == "合计" and deals.rows[-1][1] == in_december
    assert ["工程建设", "政府采购"] == [r[0] for r in deals.rows[:-1]]
    by_kind = {r[0]: r[1:] for r in flags.rows}
    raised = Flag.objects.filter(kind="R024").count()
    assert by_kind["中标价与次低价过于接近"] == [raised, 1, 0, raised - 1]
    rows = {r[0]: r for r in red.rows}
    assert set(rows) == {"R024", "R025", "R035", "R036", "R038"}
    assert rows["R024"][2] == "标段 1" and rows["R024"][5].startswith("≤ ")
    assert rows["R035"][3:] == ["—", "—", "—"]
    assert section.sentence == (
        f"本月公告交易项目{in_december}个，发出中标通知{deals.rows[-1][3]}个；"
        f"产生预警{flags.rows[-1][1]}个，确认1个、排除0个，月末待核查{flags.rows[-1][4]}个。"
    )


def test_the_brief_and_the_dashboard_show_the_section(client, officer, make_user):
    history(officer)
    indicators.raise_indicator_flags()
    leader = make_user(Role.LEADER, full_name="周领导")
    brief = briefs.build(year=2026, month=11)
    # Every app's section follows the brief's own five; the trading one is the first registered.
    assert brief.sections[0].key == "trading"
    keys = [t.key for t in documents.brief_tables(brief)]
    assert {"trading_deals", "trading_flags", "trading_cardinal", "trading_definitions"} <= set(
        keys
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.brief_docx(
        brief, center_name="某市政务服务中心"))).paragraphs)  # fmt: skip
    assert "六、公共资源交易监管" in text
    client.force_login(leader)
    page = client.get("/assessment/brief/2026-11/").content.decode()
    assert 'data-testid="section-trading"' in page and "公共资源交易监管" in page
    assert 'data-testid="table-trading_cardinal"' in page
    dashboard = client.get("/assessment/dashboard/?month=2026-11").content.decode()
    assert 'data-testid="section-trading"' in dashboard


def test_the_provider_counts_by_supervising_department(officer):
    housing = DepartmentFactory(code="ZJJ", name="住房和城乡建设局")
    history(officer)
    indicators.raise_indicator_flags()
    Deal.objects.update(department=housing)
    counts = collect(start=dt.date(2026, 9, 1), end=DECEMBER[1], group="department",
                     department_ids=None)[housing.pk]  # fmt: skip
    assert counts["trading_deals"].numerator == 10
    flagged = Deal.objects.filter(flags__isnull=False).distinct().count()
    rate = counts["trading_flagged_rate"]
    assert (rate.numerator, rate.denominator) == (flagged, 10)

"""The 一件事 indicators (the assessment app's ``joint`` provider): the children of joint
cases in 并联审批使用率, the joint cases per lead department and per scene, and 一业一证 among
new enterprises with seed 002's figures (97.98 % against 55.32 %)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client

from tests.assessment.test_indicators import bearer
from tests.cases.helpers import AT
from tests.factories import ApplicantFactory, valid_uscc
from tests.joint.conftest import SCENE, SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND, file_joint
from tests.joint.test_services import accepted, children, decide
from zhengwu.assessment import formulas, selectors
from zhengwu.assessment.joint_indicators import scene_rows
from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.joint.models import JointCase
from zhengwu.licences.models import CompositeLicence, Licence, LicenceType
from zhengwu.workdays.loader import get_calendar

D = dt.date
SEPTEMBER = (D(2026, 9, 1), D(2026, 9, 30))
OCTOBER = (D(2026, 10, 1), D(2026, 10, 31))


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, username="supervisor_joint", full_name="赵监察")


def row_of(department_code: str, period, group="department"):
    rows = selectors.table(start=period[0], end=period[1], group=group, department_ids=None)
    names = {"SCJ": "市场监督管理局", "ZJJ": "住房和城乡建设局"}
    return next(r for r in rows if r.name == names.get(department_code, department_code))


def counts(row, key) -> tuple[int, int]:
    return row.indicators[key].numerator, row.indicators[key].denominator


def completed_joint(clerk, reviewer, zjj_reviewer, travel):
    """Accepted 9/24, the first stage granted 10/9 and 10/12, the second 10/20: completed."""
    joint = accepted(clerk, travel)
    kids = children(joint)
    decide(kids[SCJ_ITEM].case, reviewer, travel, "2026-10-09 10:00")
    decide(kids[ZJJ_FIRST].case, zjj_reviewer, travel, "2026-10-12 10:00")
    joint.refresh_from_db()
    decide(children(joint)[ZJJ_SECOND].case, zjj_reviewer, travel, "2026-10-20 10:00")
    joint.refresh_from_db()
    return joint


def test_the_children_of_joint_cases_count_as_handled_in_parallel(scene, clerk, travel):
    accepted(clerk, travel)  # the cases of the first stage: one at SCJ, one at ZJJ, 9/24
    for code in ("SCJ", "ZJJ"):
        # neither item allows parallel approval on its own: each child adds to both counts
        assert counts(row_of(code, SEPTEMBER), "parallel_rate") == (1, 1)
    ServiceItem.objects.get(impl_code=SCJ_ITEM).current_version.__class__.objects.filter(
        item__impl_code=SCJ_ITEM
    ).update(parallel_approval=True)
    # an item that allows it is already in the cases provider's denominator: numerator only
    assert counts(row_of("SCJ", SEPTEMBER), "parallel_rate") == (1, 1)
    assert counts(row_of("SCJ", OCTOBER), "parallel_rate") == (0, 0)


def test_joint_cases_per_lead_department_and_per_scene(
    scene, clerk, reviewer, zjj_reviewer, travel
):
    joint = completed_joint(clerk, reviewer, zjj_reviewer, travel)
    assert (joint.state, joint.completion) == ("completed", "early")
    received = row_of("SCJ", SEPTEMBER)
    assert counts(received, "joint_completion_rate") == (0, 1)  # not decided by 9/30
    whole = (D(2026, 9, 1), D(2026, 10, 31))
    lead = row_of("SCJ", whole)
    assert counts(lead, "joint_completion_rate") == (1, 1)
    assert counts(lead, "joint_on_time_rate") == (1, 1)
    used = int(get_calendar().between(D(2026, 9, 24), D(2026, 10, 20)))
    assert used == 13  # 9/28-9/30, 10/8-10/20 with the make-up Saturday 10/10 (9/25 中秋)
    serial = 20 + 15 + 20  # the items' statutory limits, one after another
    assert counts(lead, "joint_time_ratio") == (used, serial)
    # the co-reviewing department counts no joint case; its children count as parallel
    assert counts(row_of("ZJJ", whole), "joint_completion_rate") == (0, 0)
    assert counts(row_of("ZJJ", whole), "parallel_rate") == (2, 2)
    (only,) = scene_rows(start=whole[0], end=whole[1], department_ids=None)
    assert (only.code, only.name, only.received, only.decided, only.on_time) == (
        SCENE,
        "开办餐饮店",
        1,
        1,
        1,
    )
    assert (only.average_days, only.average_serial_days) == (used, serial)
    assert scene_rows(start=whole[0], end=whole[1], department_ids=[]) == []


_numbers = itertools.count(1)


def register(item, applicant, *, holders, composite_holders, on: dt.date, joint, business_too=True):
    """New enterprises registered on ``on`` (a business licence each, issued by a case of the
    item) and the composite licences (一业一证, each issued by the delivery of a joint case like
    ``joint``) of some of them."""
    business = LicenceType.objects.get_or_create(code="YYZZ", defaults={"name": "营业执照"})[0]
    now = clock.now()
    version = item.current_version

    def case():
        n = next(_numbers)
        return Case.objects.create(
            number=f"T{n:012d}",
            item=item,
            item_version=version,
            department=item.department,
            applicant=applicant,
            channel="window",
            state="granted",
            received_at=now,
            received_on=on,
            intake_due=on,
            accepted_on=on,
            completed_on=on,
            level="",
            clocks_on=on,
            created_at=now,
            updated_at=now,
        )

    def delivered_joint():
        made = JointCase.objects.get(pk=joint.pk)
        made.pk = None
        made.number = f"LBT{next(_numbers):010d}"
        made.save(force_insert=True)
        return made

    for holder in holders:
        if business_too:
            Licence.objects.create(
                number=f"YYZZ-{next(_numbers)}",
                type=business,
                name=business.name,
                holder=holder,
                holder_name="新设企业",
                applicant=applicant,
                valid_from=on,
                case=case(),
                issued_at=now,
            )
        if holder in composite_holders:
            n = next(_numbers)
            CompositeLicence.objects.create(
                number=f"ZH-{n}",
                name="行业综合许可证",
                holder=holder,
                holder_name="新设企业",
                applicant=applicant,
                issuer=item.department,
                joint=delivered_joint(),
                valid_from=on,
                verify_code=f"{n:016X}",
                issued_at=now,
            )


def test_the_share_of_new_enterprises_with_a_composite_licence(scene, clerk, supervisor, travel):
    travel(AT("2026-11-02 09:00"))
    joint = file_joint(clerk)
    item = ServiceItem.objects.select_related("current_version", "department").get(
        impl_code=SCJ_ITEM
    )
    applicant = ApplicantFactory()
    before = [valid_uscc(1_000 + n) for n in range(47)]
    after = [valid_uscc(2_000 + n) for n in range(99)]
    register(
        item,
        applicant,
        holders=before,
        composite_holders=before[:26],
        on=D(2026, 9, 15),
        joint=joint,
    )
    register(
        item,
        applicant,
        holders=after,
        composite_holders=after[:97],
        on=D(2026, 10, 15),
        joint=joint,
    )
    september = row_of("SCJ", SEPTEMBER).indicators["composite_licence_share"]
    october = row_of("SCJ", OCTOBER).indicators["composite_licence_share"]
    assert (september.numerator, september.denominator) == (26, 47)
    assert (october.numerator, october.denominator) == (97, 99)
    assert formulas.percent_text(september.value) == "55.32%"
    assert formulas.percent_text(october.value) == "97.98%"
    # a composite licence issued after the period does not count in it
    late = before[30]
    register(
        item, applicant, holders=[late], composite_holders=[late], on=D(2026, 11, 1),
        joint=joint, business_too=False,
    )  # fmt: skip
    assert counts(row_of("SCJ", SEPTEMBER), "composite_licence_share") == (26, 47)
    # through the API, grouped by department and by center
    client = Client()
    for group in ("department", "center"):
        answer = client.get(
            f"/api/v1/indicators?from=2026-10-01&to=2026-10-31&group={group}",
            **bearer(supervisor),
        ).json()
        shares = [r["indicators"]["composite_licence_share"] for r in answer["rows"]]
        assert {"numerator": 97, "denominator": 99, "display": "97.98%"}.items() <= next(
            s for s in shares if s["denominator"]
        ).items()


def test_the_brief_and_the_dashboard_have_a_one_thing_section(
    scene, clerk, reviewer, zjj_reviewer, supervisor, travel
):
    import io

    import docx

    from zhengwu.assessment import brief as briefs
    from zhengwu.assessment import documents

    completed_joint(clerk, reviewer, zjj_reviewer, travel)  # decided 10/20, received 9/24
    travel(AT("2026-11-02 09:00"))
    brief = briefs.build(year=2026, month=10)
    table = {t.key: t for t in documents.brief_tables(brief)}["joint"]
    assert table.rows == [
        ["开办餐饮店", 0, 1, 1, "100.00%", "13.0", "55.0"],
        ["合计", 0, 1, 1, "100.00%", "13.0", "55.0"],
    ]
    text = "\n".join(
        p.text
        for p in docx.Document(
            io.BytesIO(documents.brief_docx(brief, center_name="测试中心"))
        ).paragraphs
    )
    assert "五、一件事一次办" in text
    client = Client()
    client.force_login(supervisor)
    page = client.get("/assessment/brief/2026-10/").content.decode()
    assert 'data-testid="table-joint"' in page and "开办餐饮店" in page
    page = client.get("/assessment/dashboard/?month=2026-10").content.decode()
    assert 'data-testid="chart-joint"' in page and "13.0" in page and "55.0" in page
    september = briefs.build(year=2026, month=9)
    assert {t.key: t for t in documents.brief_tables(september)}["joint"].rows[0][:3] == [
        "开办餐饮店",
        1,
        0,
    ]

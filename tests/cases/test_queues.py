"""The workbench queues, the remaining-time phrase and the Chinese date (real database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.catalog.builders import item_dict
from zhengwu.cases import queues, selectors, services
from zhengwu.cases.models import Case
from zhengwu.cases.selectors import CaseFilters
from zhengwu.cases.templatetags.case_tags import cn_date, cn_datetime, event_label, remaining
from zhengwu.catalog import services as catalog_services
from zhengwu.core.roles import Role
from zhengwu.supervision.sweep import refresh_levels

pytestmark = pytest.mark.django_db

OTHER_ITEM = "11330100ZJJ-XK-0001"


@pytest.fixture
def other_item(item, other_department):
    catalog_services.import_items(
        [item_dict(impl_code=OTHER_ITEM, department="ZJJ", name="建筑工程施工许可")],
        valid_from=dt.date(2025, 1, 1),
    )


def numbers(user, key, **filters) -> set[str]:
    queue = queues.BY_KEY[key]
    return set(
        queues.queryset(user, queue, CaseFilters(**filters)).values_list("number", flat=True)
    )


def test_default_tab_per_role():
    assert queues.default_queue({Role.WINDOW_CLERK}) == "intake"
    assert queues.default_queue({Role.REVIEWER}) == "review"
    assert queues.default_queue({Role.DEPARTMENT_HEAD}) == "review"
    assert queues.default_queue({Role.SUPERVISOR}) == "overdue"
    assert queues.default_queue({Role.REVIEWER, Role.WINDOW_CLERK}) == "intake"
    assert queues.resolve("nonsense", {Role.REVIEWER}).key == "review"
    assert queues.resolve("done", {Role.REVIEWER}).key == "done"
    assert queues.hints({Role.DEPARTMENT_HEAD}, "review") == ["extension"]
    assert queues.hints({Role.REVIEWER}, "review") == []
    assert [q.key for q in queues.QUEUES] == [
        "intake",
        "supplement",
        "review",
        "suspended",
        "delivery",
        "due_soon",
        "overdue",
        "done",
    ]


def test_each_queue_holds_its_states(item, clerk, reviewer, head, travel):
    travel(AT("2025-09-30 10:00"))
    submitted = file_case(clerk, applicant=applicant_payload(1))
    asked = file_case(clerk, materials=["M01"], applicant=applicant_payload(2))
    accepted = file_case(clerk, applicant=applicant_payload(3))
    suspended = file_case(clerk, applicant=applicant_payload(4))
    granted = file_case(clerk, applicant=applicant_payload(5))
    refused = file_case(clerk, applicant=applicant_payload(6))
    travel(AT("2025-10-09 09:30"))
    services.act(
        actor=clerk, number=asked.number, action="request_supplement", data={"missing": ["M02"]}
    )
    for case in (accepted, suspended, granted):
        services.act(actor=clerk, number=case.number, action="accept")
    services.act(actor=clerk, number=refused.number, action="refuse", data={"reason": "不符合"})
    services.act(
        actor=reviewer,
        number=suspended.number,
        action="suspend",
        data={"procedure": "inspection", "reason": "现场检验"},
    )
    services.act(actor=reviewer, number=granted.number, action="decide", data={"outcome": "grant"})

    assert numbers(clerk, "intake") == {submitted.number}
    assert numbers(clerk, "supplement") == {asked.number}
    assert numbers(reviewer, "review") == {accepted.number}
    assert numbers(head, "suspended") == {suspended.number}
    assert numbers(head, "done") == {granted.number, refused.number}
    assert numbers(head, "due_soon") == set()
    assert numbers(head, "overdue") == set()
    # The caller's filters narrow a queue.
    assert numbers(head, "done", number=refused.number) == {refused.number}
    assert numbers(head, "done", applicant=applicant_payload(5)["id_number"]) == {granted.number}

    # Promised due 2025-10-22: one working day left on the 21st (yellow), past it on the 23rd.
    # (The case left untouched at intake was deemed accepted as of its receipt meanwhile.)
    travel(AT("2025-10-21 09:00"))
    services.deem_overdue()
    refresh_levels()
    soon = numbers(reviewer, "due_soon")
    assert accepted.number in soon
    assert not soon & {suspended.number, granted.number, refused.number, asked.number}
    travel(AT("2025-10-23 09:00"))
    refresh_levels()
    assert accepted.number in numbers(reviewer, "overdue")
    assert accepted.number not in numbers(reviewer, "due_soon")
    assert suspended.number not in numbers(reviewer, "overdue")
    accepted.refresh_from_db()
    assert queues.extension_candidate(accepted)


def test_queues_stay_inside_the_department(
    item, other_item, clerk, other_clerk, supervisor, travel
):
    travel(AT("2025-09-30 10:00"))
    ours = file_case(clerk)
    theirs = file_case(other_clerk, item=OTHER_ITEM, applicant=applicant_payload(7))
    assert numbers(clerk, "intake") == {ours.number}
    assert numbers(other_clerk, "intake") == {theirs.number}
    assert numbers(supervisor, "intake") == {ours.number, theirs.number}
    assert numbers(supervisor, "intake", department="ZJJ") == {theirs.number}


def test_counts_are_capped(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    for seq in range(3):
        file_case(clerk, applicant=applicant_payload(seq + 1))
    assert queues.counts(clerk)["intake"] == "3"
    assert queues.counts(clerk, cap=2)["intake"] == "2+"
    assert queues.counts(clerk, cap=3)["intake"] == "3"
    assert queues.counts(clerk)["review"] == "0"


def _count_sqls(user, base=None) -> tuple[dict[str, str], list[str], list[str]]:
    """The tab counts shown, the SQL of the counts that read the cases at warning levels'
    table alone, and of the others."""
    with CaptureQueriesContext(connection) as seen:
        shown = queues.counts(user, base)
    sqls = [q["sql"] for q in seen if "COUNT(" in q["sql"].upper()]
    alone = [sql for sql in sqls if '"cases_caseatlevel"' in sql and '"cases_case"' not in sql]
    return shown, alone, [sql for sql in sqls if sql not in alone]


def test_warning_tabs_count_the_rows_of_the_cases_at_warning_levels(
    item, clerk, supervisor, citizen, travel
):
    """A warning tab's count with no filter of the caller's, over a scope of departments (a
    clerk's, a supervisor's over every department), reads the table of the open cases at
    warning levels alone, never the cases; with a filter, or for a scope that is more than
    departments (an applicant's own cases), it counts the cases. The figures are the tab's."""
    travel(AT("2025-09-30 10:00"))
    filed = [file_case(clerk, applicant=applicant_payload(n)) for n in range(1, 5)]
    for case in filed[:3]:
        services.act(actor=clerk, number=case.number, action="accept")
    # Promised due 2025-10-22: yellow on the 21st, past it (red) on the 23rd.
    travel(AT("2025-10-21 09:00"))
    refresh_levels()
    for key, expected in (("due_soon", "3"), ("overdue", "0")):
        assert queues.counts(supervisor)[key] == expected
    assert queues.counts(supervisor, cap=2)["due_soon"] == "2+"
    travel(AT("2025-10-23 09:00"))
    refresh_levels()
    for user in (supervisor, clerk):
        shown, alone, others = _count_sqls(user)
        assert shown["overdue"] == "3" and shown["due_soon"] == "0"
        assert len(alone) == 2  # 即将到期 and 已超期
        assert others and not any('"cases_caseatlevel"' in sql for sql in others)
    # the home page's lines count the same way
    lines = {work.key: work.count for work in queues.waiting_work(supervisor)}
    assert lines == {"cases-due_soon": "0", "cases-overdue": "3"}
    # Filtered by a department or the receipt dates: the cases are counted.
    for user, base in (
        (clerk, CaseFilters(received_to=dt.date(2025, 9, 30))),
        (supervisor, CaseFilters(department="SCJ")),
    ):
        shown, alone, _others = _count_sqls(user, base)
        assert shown["overdue"] == "3" and not alone
    shown, alone, _others = _count_sqls(supervisor, CaseFilters(department="ZJJ"))
    assert shown["overdue"] == "0"
    # An applicant's own cases: counted on the cases, the same figure as their own list.
    mine = Case.objects.filter(pk__in=[c.pk for c in filed[:2]])
    mine.update(owner=citizen)
    shown, alone, _others = _count_sqls(citizen)
    assert shown["overdue"] == "2" and not alone
    assert numbers(citizen, "overdue") == {c.number for c in filed[:2]}


def test_each_reader_counts_the_cases_at_warning_levels_alone_only_where_their_scope_is_departments(
    region_reader,
):
    """A county's supervisor, a city's and the province's leaders read their regions'
    departments, and a township's clerk their own department: the warning tabs count the
    table's rows alone; a township window that also takes a county bureau's delegated items
    counts only what its center received, on the cases."""
    for level in ("county_supervisor", "city_leader", "provincial_leader", "township_clerk"):
        user = region_reader(level)
        _shown, alone, _others = _count_sqls(user)
        foreign = bool(selectors.staff_department_ids(user) - selectors.local_department_ids(user))
        assert len(alone) == (0 if foreign else 2), level


def test_workbench_runs_no_query_per_row(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    client.force_login(clerk)
    file_case(clerk, applicant=applicant_payload(1))
    client.get("/cases/?queue=intake")  # warm the calendar
    with CaptureQueriesContext(connection) as few:
        assert client.get("/cases/?queue=intake").status_code == 200
    for seq in range(2, 9):
        file_case(clerk, applicant=applicant_payload(seq))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/cases/?queue=intake")
    assert response.content.decode().count('data-testid="case-row"') == 8
    assert len(many) == len(few)
    counts = [q["sql"] for q in many if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)


# --- the phrases ---------------------------------------------------------------------------------


def test_cn_date():
    assert cn_date(dt.date(2025, 10, 9)) == "2025年10月9日"
    assert cn_date("2025-01-02") == "2025年1月2日"
    assert cn_date(None) == ""
    # 2025-10-08 17:30 UTC is 2025-10-09 01:30 in Shanghai.
    assert cn_date(dt.datetime(2025, 10, 8, 17, 30, tzinfo=dt.UTC)) == "2025年10月9日"
    assert cn_datetime(dt.datetime(2025, 10, 8, 17, 30, tzinfo=dt.UTC)) == "2025年10月9日 01:30"


def test_event_labels_cover_every_kind():
    kinds = [
        "submit",
        "request_supplement",
        "supplement",
        "accept",
        "refuse",
        "deem_accept",
        "suspend",
        "resume",
        "extend",
        "decide_grant",
        "decide_deny",
        "deliver",
        "withdraw",
        "clocks_recomputed",
    ]
    for kind in kinds:
        assert event_label(kind) != kind


def test_remaining_phrase(item, clerk, reviewer, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    travel(AT("2025-10-09 09:30"))
    case = services.act(actor=clerk, number=case.number, action="accept")
    assert case.promised_due == dt.date(2025, 10, 22)
    # After 10 October: 11 (a make-up Saturday), 13-17, 20-22 October: 9 working days.
    day = dt.date(2025, 10, 10)
    assert remaining(case, today=day) == _("%(n)s working days left") % {"n": 9}
    assert remaining(case, today=dt.date(2025, 10, 22)) == _("Due today")
    # 24 October: the 23rd and the 24th are working days after the due date.
    assert remaining(case, today=dt.date(2025, 10, 24)) == _("%(n)s working days overdue") % {
        "n": 2
    }
    suspended = services.act(
        actor=reviewer,
        number=case.number,
        action="suspend",
        data={"procedure": "inspection", "reason": "送检"},
    )
    assert remaining(suspended, today=day) == _("Suspended")
    fresh = Case.objects.get(pk=case.pk)
    fresh.state = "submitted"
    fresh.promised_due = None
    assert remaining(fresh, today=dt.date(2025, 10, 14)) == _("Intake due today")
    assert remaining(fresh, today=dt.date(2025, 10, 15)) == _("Intake limit passed")


@pytest.mark.parametrize("level", ["county_supervisor", "city_leader", "provincial_leader"])
def test_the_workbench_department_filter_offers_the_readers_own_departments_by_center(
    client, region_tree, region_reader, level
):
    """A supervisor or leader narrows the workbench to one of the departments they oversee, grouped
    under their centers; a department of a region above or beside theirs is not offered."""
    from tests.regions import REGION_LEVELS

    user = region_reader(level)
    offered = {code for _center, group in selectors.filter_departments(user) for code, _n in group}
    assert offered == {f"D-{key}" for key in REGION_LEVELS[level]}
    client.force_login(user)
    page = client.get("/cases/?queue=overdue").content.decode()
    for key, department in region_tree["departments"].items():
        shown = f'value="{department.code}"' in page
        assert shown == (key in REGION_LEVELS[level]), (level, key)
    for key in REGION_LEVELS[level]:
        assert f'<optgroup label="{region_tree["centers"][key].name}">' in page


def test_a_clerk_of_one_department_has_no_department_filter(client, region_reader):
    user = region_reader("township_clerk")
    assert selectors.filter_departments(user) == []
    client.force_login(user)
    assert 'data-testid="department-filter"' not in client.get("/cases/").content.decode()


def test_a_page_joins_only_its_own_rows(item, clerk, travel):
    """A page of cases picks its keys from the list alone (newest first, one more than the page
    to know there is a next), then joins only those to their items, departments and applicants:
    the pages come out the same, one query each, and the join never meets the other candidates."""
    travel(AT("2025-09-30 10:00"))
    filed = [file_case(clerk, applicant=applicant_payload(n)) for n in range(1, 6)]
    newest = [case.number for case in reversed(filed)]
    queryset = queues.queryset(clerk, queues.BY_KEY["intake"])
    with CaptureQueriesContext(connection) as first:
        rows, cursor = selectors.page(queryset, limit=2)
        # joined: no query per row
        assert [(c.applicant.name, c.item_version.name, c.department.name) for c in rows]
    assert [case.number for case in rows] == newest[:2] and cursor
    rows, cursor = selectors.page(queryset, after=cursor, limit=2)
    assert [case.number for case in rows] == newest[2:4] and cursor
    rows, cursor = selectors.page(queryset, after=cursor, limit=2)
    assert [case.number for case in rows] == newest[4:] and cursor == ""
    (sql,) = [q["sql"] for q in first]
    outer, _, keys = sql.partition(" IN (SELECT ")
    assert '"accounts_applicant"' in outer and keys, sql
    assert '"accounts_applicant"' not in keys and "LIMIT 3" in keys, sql


def test_centers_of_one_name_are_told_apart_by_their_regions(client, region_tree, region_reader):
    """Two counties' centers of the same name are two groups, each under its region's name."""
    region_tree["centers"]["other_county"].name = region_tree["centers"]["county"].name
    region_tree["centers"]["other_county"].save(update_fields=["name"])
    groups = dict(selectors.filter_departments(region_reader("city_leader")))
    assert groups["西湖区 区政务服务中心"] == [("D-county", "区政务服务中心市场监管")]
    assert groups["滨江区 区政务服务中心"] == [("D-other_county", "滨江区政务服务中心市场监管")]
    assert groups["示范市政务服务中心"] and groups["北山街道便民服务中心"]


def test_a_supervisor_of_one_center_filters_its_departments_without_groups(client, region_tree):
    from tests.factories import DepartmentFactory, UserFactory

    center = region_tree["centers"]["county"]
    DepartmentFactory(code="D-county-2", name="区人力社保局", center=center)
    user = UserFactory(roles=[Role.SUPERVISOR], department=None, center=center)
    assert selectors.filter_departments(user) == [
        (center.name, [("D-county", "区政务服务中心市场监管"), ("D-county-2", "区人力社保局")])
    ]
    client.force_login(user)
    page = client.get("/cases/?queue=overdue").content.decode()
    assert 'value="D-county-2"' in page and "<optgroup" not in page


def test_a_clerk_at_a_comprehensive_window_filters_the_departments_it_serves(client, department):
    from tests.factories import DepartmentFactory, UserFactory, WindowFactory

    other = DepartmentFactory(code="RSJ-F", name="人力社保局", center=department.center)
    DepartmentFactory(code="NOT-SERVED", name="不在此窗口的局", center=department.center)
    window = WindowFactory(number="09", name="综合窗口", center=department.center)
    window.serves.add(department, other)
    clerk = UserFactory(roles=[Role.WINDOW_CLERK], department=None, window=window)
    ((_center, offered),) = selectors.filter_departments(clerk)
    assert {code for code, _name in offered} == {department.code, "RSJ-F"}
    client.force_login(clerk)
    page = client.get("/cases/").content.decode()
    assert 'value="RSJ-F"' in page and 'value="NOT-SERVED"' not in page

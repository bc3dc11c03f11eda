"""The supervision pages and who sees what: a department sees only itself, supervisors and
leaders see every department; only supervisors review. The header's unread count, the
notification centre, the case page's panel, the exports."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.core.roles import Role
from zhengwu.notifications.models import Notification
from zhengwu.supervision import sweep
from zhengwu.supervision.models import Irregularity

pytestmark = pytest.mark.django_db


def act(actor, case, action, data=None, **kwargs):
    return services.act(actor=actor, number=case.number, action=action, data=data or {}, **kwargs)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(item, clerk, reviewer, head, supervisor, leader, other_head, make_user, travel):
    """A red case of SCJ, a deemed acceptance of SCJ; one ZJJ-scoped head sees neither."""
    travel(AT("2025-09-30 10:00"))
    deemed = file_case(clerk, applicant=applicant_payload(1))
    travel(AT("2025-10-09 09:00"))
    red = act(clerk, file_case(clerk, applicant=applicant_payload(2)), "accept")
    travel(AT("2025-10-23 07:00"))
    sweep.run()
    red.refresh_from_db()
    assert red.level == "red"
    citizen = make_user(Role.APPLICANT, username="citizen9")
    return {
        "red": red,
        "deemed": deemed,
        "irregularity": Irregularity.objects.get(case=deemed),
        "reviewer": reviewer,
        "head": head,
        "supervisor": supervisor,
        "leader": leader,
        "other_head": other_head,
        "citizen": citizen,
    }


@pytest.mark.parametrize("who", ["supervisor", "leader", "head", "reviewer"])
def test_the_board_counts_what_each_may_see(world, who):
    response = client_for(world[who]).get("/supervision/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="cell-SCJ-red"' in body
    # Both SCJ cases are red by the 23rd (the deemed one counts from its receipt on 09-30).
    assert f'/supervision/cases/?department={world["red"].department_id}&amp;level=red">2<' in body
    if who in ("supervisor", "leader"):
        assert 'data-testid="board-row-ZJJ"' in body
    else:
        assert 'data-testid="board-row-ZJJ"' not in body


def test_another_department_sees_none_of_it(world):
    client = client_for(world["other_head"])
    board = client.get("/supervision/").content.decode()
    assert 'data-testid="board-row-SCJ"' not in board
    assert world["red"].number not in client.get("/supervision/cases/?level=red").content.decode()
    assert world["red"].number not in client.get("/supervision/warnings/").content.decode()
    assert world["deemed"].number not in client.get("/supervision/irregularities/").content.decode()
    assert client.get(f"/supervision/irregularities/{world['irregularity'].pk}/").status_code == 404


def test_applicants_and_strangers_are_kept_out(world):
    assert client_for(world["citizen"]).get("/supervision/").status_code == 403
    assert Client().get("/supervision/").status_code == 302


def test_drill_down_lists_the_cell(world):
    client = client_for(world["supervisor"])
    body = client.get(
        f"/supervision/cases/?department={world['red'].department_id}&level=red"
    ).content.decode()
    assert world["red"].number in body and world["deemed"].number in body
    body = client.get(
        f"/supervision/cases/?department={world['red'].department_id}&level=yellow"
    ).content.decode()
    assert world["red"].number not in body
    assert client.get("/supervision/cases/?level=bogus&department=x").status_code == 200


def test_drill_down_pages_newest_first_with_a_capped_total(world, monkeypatch):
    """The cell's cases in keyset pages, newest first, under the shared pager's capped total
    (never a full count); a warning level's cases are found through the table of the open
    cases at warning levels, with the supervisor's scope stated there alone."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengwu.supervision import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = client_for(world["supervisor"])
    with CaptureQueriesContext(connection) as seen:
        first = client.get("/supervision/cases/?level=red").content.decode()
    # the newer case first (the red one was filed after the deemed one), then the older
    assert world["red"].number in first and world["deemed"].number not in first
    assert re.search(r'data-testid="pager-total"[^>]*>\s*共 2 条', first)
    counts = [q["sql"] for q in seen if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    case_counts = [sql for sql in counts if '"cases_case"' in sql]
    assert case_counts and all('"cases_caseatlevel"' in sql for sql in case_counts)
    after = re.search(r'href="\?([^"]+)" data-testid="next-page"', first).group(1)
    second = client.get("/supervision/cases/?" + after.replace("&amp;", "&")).content.decode()
    assert world["deemed"].number in second and world["red"].number not in second
    assert 'data-testid="next-page"' not in second
    assert 'data-testid="first-page"' in second
    department = world["red"].department_id
    with CaptureQueriesContext(connection) as seen:
        cell = client.get(f"/supervision/cases/?department={department}&level=red")
    assert cell.status_code == 200
    counts = [q["sql"] for q in seen if "COUNT(" in q["sql"].upper()]
    assert counts and not any("ORDER BY" in sql.upper() for sql in counts)
    # a cursor that is no cursor: the first page, not an error
    assert client.get("/supervision/cases/?level=red&after=zz").status_code == 200


def test_warning_list_filters_and_exports(world):
    client = client_for(world["supervisor"])
    body = client.get("/supervision/warnings/?level=red").content.decode()
    assert world["red"].number in body
    assert "head_scj" in body or world["head"].display_name in body
    assert (
        world["red"].number
        not in client.get("/supervision/warnings/?level=yellow").content.decode()
    )
    bad = client.get("/supervision/warnings/?start=2025-13-01&end=x")
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    export = client.get("/supervision/warnings/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "办件编号"
    assert any(r[0] == world["red"].number and r[2] == "红牌警告" for r in rows[1:])


def test_irregularity_list_exports_the_evidence(world):
    client = client_for(world["leader"])
    body = client.get("/supervision/irregularities/?kind=deemed_acceptance").content.decode()
    assert world["deemed"].number in body
    sheet = load_workbook(
        io.BytesIO(client.get("/supervision/irregularities/?export=xlsx").content)
    ).active
    rows = list(sheet.values)
    assert rows[1][0] == world["deemed"].number and "2025年10月14日" in rows[1][5]


def test_a_supervisor_reviews_and_others_cannot(world, travel):
    found = world["irregularity"]
    path = f"/supervision/irregularities/{found.pk}/review/"
    head = client_for(world["head"])
    assert (
        "review-form" not in head.get(f"/supervision/irregularities/{found.pk}/").content.decode()
    )
    assert head.post(path, {"outcome": "confirmed", "note": "x"}).status_code == 403
    client = client_for(world["supervisor"])
    failed = client.post(path, {"outcome": "confirmed", "note": ""})
    assert failed.status_code == 422
    travel(AT("2025-10-23 10:00"))
    # confirming is a legal act: it asks to be confirmed first, and only then is recorded
    asked = client.post(path, {"outcome": "confirmed", "note": "受理超时，已约谈"})
    assert asked.status_code == 200 and 'data-testid="confirm-step"' in asked.content.decode()
    found.refresh_from_db()
    assert found.status == "open" and not found.reviews.exists()
    response = client.post(
        path, {"outcome": "confirmed", "note": "受理超时，已约谈", "confirmed": "yes"}
    )
    assert response.status_code == 302
    page = client.get(f"/supervision/irregularities/{found.pk}/").content.decode()
    assert "受理超时，已约谈" in page and 'data-status="confirmed"' in page


def test_the_case_page_shows_its_warnings_and_irregularities(world):
    client = client_for(world["reviewer"])
    red = client.get(f"/cases/{world['red'].number}/").content.decode()
    assert 'data-testid="case-warnings"' in red and "红牌警告" in red
    deemed = client.get(f"/cases/{world['deemed'].number}/").content.decode()
    assert 'data-kind="deemed_acceptance"' in deemed


def test_the_header_counts_unread_and_the_centre_marks_them_read(world):
    reviewer = world["reviewer"]
    client = client_for(reviewer)
    # the two red cases; the deemed acceptance went to the heads only
    assert Notification.objects.filter(recipient=reviewer, read_at__isnull=True).count() == 2
    home = client.get("/").content.decode()
    assert 'data-testid="unread-count">2<' in home
    inbox = client.get("/notifications/").content.decode()
    assert world["red"].number in inbox
    mine = list(Notification.objects.filter(recipient=reviewer).values_list("pk", flat=True))
    other = Notification.objects.filter(recipient=world["head"]).first()
    client.post("/notifications/read/", {"id": [*mine, other.pk]})
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_admin_lists_the_records_read_only(world, admin_user):
    client = client_for(admin_user)
    for path in (
        "/admin/supervision/casewarning/",
        "/admin/supervision/irregularity/",
        "/admin/supervision/dailyseal/",
        "/admin/notifications/notification/",
    ):
        assert client.get(path).status_code == 200, path
    found = world["irregularity"]
    assert client.get(f"/admin/supervision/irregularity/{found.pk}/change/").status_code == 200
    assert client.get("/admin/supervision/irregularity/add/").status_code == 403


def test_working_days_left_are_computed_when_read(world, travel):
    """Not stored: a later day shows the later figure without a sweep, on the board and in the
    API (promised due 22 October; 23, 24 and 27 October are the working days after it)."""
    from tests.cases.test_api import bearer

    travel(AT("2025-10-27 09:00"))
    red = world["red"]
    body = (
        client_for(world["supervisor"])
        .get(f"/supervision/cases/?department={red.department_id}&level=red")
        .content.decode()
    )
    row = body.split(f'data-testid="case-{red.number}"')[1].split("</tr>")[0]
    assert row.rstrip().endswith("<td>-3</td>")
    case = Client().get(f"/api/v1/cases/{red.number}", **bearer(world["reviewer"])).json()
    assert case["remaining_workdays"] == -3

"""Filing reads the catalogue afresh for which version is current (a version published a moment
ago is the one filed under), writes the case with its number and its first event, and answers
with exactly what is stored."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.catalog.builders import content_dict
from tests.factories import WindowFactory
from zhengwu.accounts.services import issue_token
from zhengwu.cases.integrity import check_case
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.catalog import services as catalog_services
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db

ITEM = "11330100SCJ-XK-0001"


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def publish_second_version(item):
    catalog_services.update_draft(
        actor=None,
        item=item,
        content=content_dict(
            name="食品经营许可（第二版）",
            promised_limit=5,
            materials=[{"code": "N01", "name": "新申请书"}],
        ),
    )
    return catalog_services.publish(actor=None, item=item)


def test_a_case_is_filed_under_the_version_published_a_moment_before(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    first = file_case(clerk)
    assert first.item_version.number == 1
    second_version = publish_second_version(item)

    with pytest.raises(ValidationFailed) as refused:
        file_case(clerk, materials=["M01"], applicant=applicant_payload(2))
    assert "materials" in refused.value.errors

    case = file_case(clerk, materials=["N01"], applicant=applicant_payload(3))
    assert case.item_version_id == second_version.pk
    event = CaseEvent.objects.get(case=case)
    assert event.data["version"] == 2 and event.data["materials"] == ["N01"]
    case.refresh_from_db()
    assert case.materials == ["N01"]
    first.refresh_from_db()
    assert first.item_version.number == 1


def test_no_case_is_filed_for_an_item_retired_a_moment_before(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    file_case(clerk)
    catalog_services.retire(actor=None, item=item, reason="职能调整")
    with pytest.raises(ValidationFailed) as refused:
        file_case(clerk, applicant=applicant_payload(2))
    assert "item" in refused.value.errors
    assert Case.objects.count() == 1


def test_the_number_is_the_filing_day_and_the_id_written_with_the_row(item, clerk, travel):
    travel(AT("2025-09-30 23:30"))  # Shanghai: the number carries the local day
    case = file_case(clerk)
    stored = Case.objects.get(pk=case.pk)
    assert stored.number == case.number == f"20250930{case.pk:08d}"
    later = file_case(clerk, applicant=applicant_payload(2))
    assert later.pk > case.pk and later.number == f"20250930{later.pk:08d}"


def test_the_filed_case_holds_its_stored_event(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    with CaptureQueriesContext(connection) as queries:
        held = list(case.events.all())
    assert not queries.captured_queries
    stored = list(CaseEvent.objects.filter(case_id=case.pk).order_by("seq"))
    assert [(e.pk, e.seq, e.kind, e.hash) for e in held] == [
        (e.pk, e.seq, e.kind, e.hash) for e in stored
    ]
    assert check_case(Case.objects.get(pk=case.pk), stored) is None


def test_the_api_answer_is_what_a_later_read_returns(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    auth = bearer(clerk)
    body = {
        "item": ITEM,
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["M01", "M02"],
    }
    created = client.post("/api/v1/cases", body, content_type="application/json", **auth)
    assert created.status_code == 201, created.json()
    read = client.get(f"/api/v1/cases/{created.json()['number']}", **auth)
    assert read.status_code == 200
    assert created.json() == read.json()


def test_a_window_filing_reads_the_token_the_clerk_and_the_item_once_each(
    client, item, make_user, department, travel
):
    """Statements of the API's filing: the token with its user, the clerk's roles with the
    window's departments, the item, and whether the window's center takes the item (a
    township's window files delegated items only), read once each; then the writes. (Not the
    case's joint case: a case filed on its own is no joint case's child. The published version
    and its materials come from the process's cache after the first filing.)"""
    travel(AT("2025-09-30 10:00"))
    window = WindowFactory(number="01", name="综合窗口")
    window.serves.add(department)
    auth = bearer(make_user(Role.WINDOW_CLERK, window=window, username="clerk_01"))

    def body(seq: int) -> dict:
        return {
            "item": ITEM,
            "channel": "window",
            "applicant": applicant_payload(seq),
            "materials": ["M01", "M02"],
        }

    first = client.post("/api/v1/cases", body(1), content_type="application/json", **auth)
    assert first.status_code == 201, first.json()
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        created = client.post("/api/v1/cases", body(2), content_type="application/json", **auth)
    assert created.status_code == 201, created.json()
    reads = [sql for sql in seen if sql.startswith("SELECT") and "sqlite_sequence" not in sql]
    reads = [sql for sql in reads if "nextval" not in sql]
    assert len(reads) == 4, reads
    token, roles, catalogue, station = reads
    assert '"accounts_apitoken"' in token and '"accounts_user"' in token
    assert '"auth_group"' in roles and '"accounts_window_serves"' in roles
    assert '"catalog_serviceitem"' in catalogue
    assert '"catalog_centeritem"' in station  # a township's window takes delegated items only
    writes = [sql.split("(", 1)[0].strip() for sql in seen if sql.startswith("INSERT")]
    assert writes == [
        'INSERT INTO "accounts_applicant"',
        'INSERT INTO "cases_case"',
        'INSERT INTO "cases_caseevent"',
        'INSERT INTO "exchange_outboxrecord"',
    ]

"""The data migration 0008: ``workdays_used`` filled for the cases decided before it existed."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.cases.models import Case

pytestmark = pytest.mark.django_db

migration = importlib.import_module("zhengwu.cases.migrations.0008_backfill_workdays_used")


def act(actor, case, action, data=None):
    return services.act(actor=actor, number=case.number, action=action, data=data or {})


def test_the_migration_fills_workdays_used_from_the_events(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    plain = act(clerk, file_case(clerk), "accept")
    suspended = act(clerk, file_case(clerk, applicant=applicant_payload(2)), "accept")
    still_open = act(clerk, file_case(clerk, applicant=applicant_payload(3)), "accept")
    travel(AT("2025-10-13 09:00"))
    suspended = act(reviewer, suspended, "suspend", {"procedure": "inspection", "reason": "送检"})
    travel(AT("2025-10-16 09:00"))
    act(reviewer, suspended, "resume")
    travel(AT("2025-10-20 10:00"))
    for case in (plain, suspended):
        act(reviewer, case, "decide", {"outcome": "grant"})
    expected = dict(Case.objects.values_list("number", "workdays_used"))
    # 9 Oct (not counted) to 20 Oct: 8 working days (Saturday 11 October worked); less the 3
    # suspended (13, 14, 15 October)
    assert (expected[plain.number], expected[suspended.number]) == (8, 5)
    assert expected[still_open.number] is None
    Case.objects.update(workdays_used=None)  # as before migration 0004

    # with the historical models the migration is given
    historical = MigrationLoader(connection).project_state(
        ("cases", "0007_remove_case_remaining_workdays")
    )
    migration.fill(historical.apps, None)

    assert dict(Case.objects.values_list("number", "workdays_used")) == expected
    # run again: nothing left to fill
    assert services.backfill_workdays_used(batch=1) == 0


def test_batches_cover_every_case(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    for k in range(1, 4):
        case = act(clerk, file_case(clerk, applicant=applicant_payload(k)), "accept")
        act(reviewer, case, "decide", {"outcome": "deny", "reason": "不符合条件"})
    Case.objects.update(workdays_used=None)
    assert services.backfill_workdays_used(batch=2) == 3
    assert set(Case.objects.values_list("workdays_used", flat=True)) == {0}

"""The open cases at warning levels (``CaseAtLevel``), kept by triggers on the cases table
(``cases.at_level``): the table holds exactly the open cases at a warning level, whatever
writes the cases (the sweep's statements, the services' saves, a plain UPDATE or DELETE), and
the lists at warning levels that read it (``selectors.at_levels``) list exactly the cases
whose stored level is one of theirs (real database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import at_level, services
from zhengwu.cases.clocks import Level
from zhengwu.cases.models import Case, CaseAtLevel
from zhengwu.cases.selectors import at_levels, visible_at_levels, visible_cases
from zhengwu.supervision.sweep import refresh_levels
from zhengwu.workdays.loader import get_calendar

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
LEVEL_SETS = (
    [Level.YELLOW],
    [Level.RED],
    [Level.STATUTORY_OVERDUE],
    [Level.RED, Level.STATUTORY_OVERDUE],
    [Level.NORMAL],
    [Level.YELLOW, Level.NORMAL],
)


def held() -> dict[int, tuple[int, str]]:
    return {row.case_id: (row.department_id, row.level) for row in CaseAtLevel.objects.all()}


def test_the_triggers_are_installed():
    """A later migration that rebuilt the cases table (SQLite rebuilds a table to alter it)
    would drop them silently: this is what would say so."""
    assert at_level.installed() == set(at_level.TRIGGERS)


def _same_for_every_level(*users) -> None:
    cases = Case.objects.all()
    for levels in LEVEL_SETS:
        stored = set(cases.filter(level__in=[str(v) for v in levels]).values_list("id", flat=True))
        listed = set(at_levels(cases, levels).values_list("id", flat=True))
        assert listed == stored, levels
        for user in users:  # each with the scope stated on the table (or on the cases)
            theirs = visible_cases(user).filter(level__in=[str(v) for v in levels])
            listed = visible_at_levels(user, levels).values_list("id", flat=True)
            assert set(listed) == set(theirs.values_list("id", flat=True)), (user, levels)
    assert at_level.verify() == (0, 0)


def test_the_lists_equal_the_stored_levels_as_the_sweep_and_the_steps_move_them(
    item, clerk, reviewer, other_clerk, supervisor, citizen, travel
):
    """Cases accepted on different days, one suspended across National Day, one decided and
    one withdrawn while at a warning level; the levels are brought up to date on some days
    only, and every list and the table are checked on every day."""
    travel(AT("2025-09-22 10:00"))
    filed = [file_case(clerk, applicant=applicant_payload(n)) for n in range(1, 9)]
    Case.objects.filter(pk__in=[case.pk for case in filed[:3]]).update(owner=citizen)
    for n, case in enumerate(filed):
        travel(AT(f"2025-09-{22 + n % 4:02d} 11:00"))
        services.act(actor=clerk, number=case.number, action="accept")
    travel(AT("2025-09-26 15:00"))
    services.act(
        actor=reviewer,
        number=filed[0].number,
        action="suspend",
        data={"procedure": "inspection", "reason": "现场检验"},
    )
    calendar = get_calendar()
    day = D("2025-09-26")
    seen = set()
    closed = []
    while day <= D("2025-11-20"):
        if calendar.is_workday(day) and day.day % 3:
            travel(dt.datetime.combine(day, dt.time(7, 0), tzinfo=AT("2025-01-01 00:00").tzinfo))
            refresh_levels()
            warned = Case.objects.filter(level__in=["red", "statutory_overdue"]).exclude(
                pk__in=[filed[0].pk]
            )
            if len(closed) < 2 and warned.exists():
                # A case leaves the table when it closes at a warning level.
                case = warned.order_by("pk").first()
                travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=case.created_at.tzinfo))
                if not closed:
                    services.act(
                        actor=reviewer,
                        number=case.number,
                        action="decide",
                        data={"outcome": "grant"},
                    )
                else:
                    services.act(actor=clerk, number=case.number, action="withdraw")
                closed.append(case.pk)
        seen |= set(Case.objects.values_list("level", flat=True))
        _same_for_every_level(clerk, other_clerk, supervisor, citizen)
        day += dt.timedelta(days=1)
    # The walk went through every level, and two cases closed on the way.
    assert {"normal", "yellow", "red", "statutory_overdue"} <= seen
    assert len(closed) == 2
    assert not CaseAtLevel.objects.filter(case_id__in=closed).exists()


def test_every_write_to_a_case_keeps_its_row(item, clerk, other_department, travel):
    """Plain statements, as a hand-written repair or another tool would run them."""
    travel(AT("2025-09-22 10:00"))
    case = file_case(clerk)
    cases = Case.objects.filter(pk=case.pk)
    assert held() == {}
    cases.update(level="yellow")  # a submitted case is open
    assert held() == {case.pk: (case.department_id, "yellow")}
    cases.update(level="red", contact_phone="13900139000")
    assert held() == {case.pk: (case.department_id, "red")}
    cases.update(department=other_department)
    assert held() == {case.pk: (other_department.pk, "red")}
    cases.update(contact_phone="13700137000")  # none of the three columns: nothing written
    assert held() == {case.pk: (other_department.pk, "red")}
    cases.update(state="granted")
    assert held() == {}
    cases.update(state="accepted")
    assert held() == {case.pk: (other_department.pk, "red")}
    cases.update(level="normal")
    assert held() == {}
    cases.update(level="statutory_overdue")
    # A case inserted at a warning level, and deleted: a copy of this one without its trail.
    copy = Case.objects.get(pk=case.pk)
    copy.pk, copy.number = None, "COPY-1"
    copy.save()
    assert held() == {
        case.pk: (other_department.pk, "statutory_overdue"),
        copy.pk: (other_department.pk, "statutory_overdue"),
    }
    Case.objects.filter(pk=copy.pk).delete()
    assert held() == {case.pk: (other_department.pk, "statutory_overdue")}
    assert at_level.verify() == (0, 0)


def test_rebuild_refills_the_table_after_a_load_that_bypassed_the_triggers(item, clerk, travel):
    travel(AT("2025-09-22 10:00"))
    cases = [file_case(clerk, applicant=applicant_payload(n)) for n in range(1, 4)]
    Case.objects.filter(pk__in=[cases[0].pk, cases[1].pk]).update(level="red")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseatlevel")
        cursor.execute(
            "INSERT INTO cases_caseatlevel (case_id, department_id, level) VALUES (%s, %s, %s)",
            [cases[2].pk, cases[2].department_id, "yellow"],
        )
    assert at_level.verify() == (2, 1)
    assert at_level.rebuild() == 2
    assert at_level.verify() == (0, 0)
    assert set(held()) == {cases[0].pk, cases[1].pk}


def test_the_command_checks_the_table_and_refills_it(item, clerk, travel):
    from io import StringIO

    from django.core.management import CommandError, call_command

    travel(AT("2025-09-22 10:00"))
    case = file_case(clerk)
    Case.objects.filter(pk=case.pk).update(level="red")
    out = StringIO()
    call_command("warning_levels", stdout=out)
    assert "预警在办件表与办件一致" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseatlevel")
    with pytest.raises(CommandError, match="缺少或不同 1 件，多出 0 条"):
        call_command("warning_levels")
    call_command("warning_levels", "--rebuild", stdout=out)
    assert "已重建：1 件" in out.getvalue()
    assert held() == {case.pk: (case.department_id, "red")}

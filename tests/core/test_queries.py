"""The query helpers of zhengwu.core.queries, against the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts.models import Applicant
from zhengwu.core.queries import CompiledQuery, unique_or_none, upsert
from zhengwu.supervision.models import WorkdayOrdinal

pytestmark = pytest.mark.django_db


def _days(*days: str) -> None:
    WorkdayOrdinal.objects.all().delete()
    for n, day in enumerate(days):
        WorkdayOrdinal.objects.create(
            day=dt.date.fromisoformat(day), ordinal=n, provisional_ordinal=0, workday=True
        )


def test_unique_or_none_reads_without_ordering():
    _days("2025-09-30", "2025-10-09")
    rows = WorkdayOrdinal.objects.order_by("-day")
    with CaptureQueriesContext(connection) as captured:
        found = unique_or_none(rows.filter(day=dt.date(2025, 10, 9)))
        missing = unique_or_none(rows.filter(day=dt.date(2025, 10, 10)))
    assert found.ordinal == 1 and missing is None
    assert "ORDER BY" not in captured.captured_queries[0]["sql"]


def test_an_upsert_inserts_then_updates_only_the_named_fields_in_one_statement():
    day = dt.date(2025, 10, 9)
    with CaptureQueriesContext(connection) as captured:
        first = upsert(
            WorkdayOrdinal,
            values={"day": day, "ordinal": 5, "provisional_ordinal": 1, "workday": True},
            conflict=["day"],
            update=["ordinal"],
        )
    assert len(captured.captured_queries) == 1
    assert (first.day, first.ordinal, first.provisional_ordinal, first.workday) == (day, 5, 1, True)
    again = upsert(
        WorkdayOrdinal,
        values={"day": day, "ordinal": 6, "provisional_ordinal": 9, "workday": False},
        conflict=["day"],
        update=["ordinal"],
    )
    assert again.pk == first.pk and type(again.day) is dt.date
    assert (again.ordinal, again.provisional_ordinal, again.workday) == (6, 1, True)
    stored = WorkdayOrdinal.objects.get(day=day)
    assert (stored.ordinal, stored.provisional_ordinal, stored.workday) == (6, 1, True)
    assert WorkdayOrdinal.objects.count() == 1


@pytest.mark.parametrize("code", ["Person", "person'; --", "", 1])
def test_an_upsert_condition_takes_only_lowercase_codes(code):
    with pytest.raises(ValueError):
        upsert(
            WorkdayOrdinal,
            values={"day": dt.date(2025, 1, 2), "ordinal": 1, "provisional_ordinal": 1},
            conflict=["day"],
            condition={"workday": code},
            update=["ordinal"],
        )
    assert not WorkdayOrdinal.objects.exists()


def _applicants(*names: str) -> None:
    for n, name in enumerate(names):
        Applicant.objects.create(
            kind="person",
            name=name,
            id_number=f"1101051949123100{n}X",
            created_at=dt.datetime(2025, 3, 3, 9, n, tzinfo=dt.UTC),
        )


def _applicants_from(built: list):
    def build(name, pk):
        built.append((name, pk))
        return (
            Applicant.objects.filter(kind="person", name__gte=name, pk__gte=pk)
            .order_by("name")
            .values_list("name", "created_at", "user_id")
        )

    return build


def test_a_compiled_query_is_built_once_and_answers_as_its_queryset_does():
    _applicants("张三", "李四", "王五")
    first = Applicant.objects.order_by("pk").first().pk
    built: list = []
    query = CompiledQuery(_applicants_from(built), kinds=(str, int))
    for name, pk in [("", 0), ("李", 0), ("", first + 1), ("王五", first + 3)]:
        expected = list(
            Applicant.objects.filter(kind="person", name__gte=name, pk__gte=pk)
            .order_by("name")
            .values_list("name", "created_at", "user_id")
        )
        assert query.rows(name, pk) == expected
    assert query.rows("李", first) == [
        ("李四", dt.datetime(2025, 3, 3, 9, 1, tzinfo=dt.UTC), None),
        ("王五", dt.datetime(2025, 3, 3, 9, 2, tzinfo=dt.UTC), None),
    ]
    assert len(built) == 1


def test_a_compiled_query_binds_its_values_and_checks_their_kinds():
    _applicants("张三")
    query = CompiledQuery(_applicants_from([]), kinds=(str, int))
    assert query.rows("张三' OR '1'='1", 0) == []
    for values in [("张三",), ("张三", "0"), (0, 0), ("张三", True)]:
        with pytest.raises(TypeError):
            query.rows(*values)


def test_a_compiled_query_refuses_a_value_it_cannot_place():
    twice = CompiledQuery(
        lambda name: Applicant.objects.filter(name__gte=name, name__lte=name).values_list("pk"),
        kinds=(str,),
    )
    unused = CompiledQuery(lambda name: Applicant.objects.values_list("pk"), kinds=(str,))
    for query in (twice, unused):
        with pytest.raises(ValueError):
            query.rows("张三")
    with pytest.raises(TypeError):
        CompiledQuery(lambda day: Applicant.objects.values_list("pk"), kinds=(dt.date,))

"""Tampering with case events behind the services' back is caught by ``manage.py verify_audit``:
it exits 1 naming each broken case, and 0 on an intact database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def trail(item, clerk, reviewer, travel):
    """Two cases with five events each, and one with a single event."""
    cases = []
    for n in (1, 2):
        travel(AT("2025-10-09 09:00"))
        case = file_case(clerk, materials=("M01",), applicant=applicant_payload(n))
        for moment, actor, action, data in [
            ("2025-10-09 09:30", clerk, "request_supplement", {"missing": ["M02"]}),
            ("2025-10-10 09:00", clerk, "supplement", {"materials": ["M02"]}),
            ("2025-10-10 10:00", clerk, "accept", {}),
            ("2025-10-13 10:00", reviewer, "decide", {"outcome": "grant"}),
        ]:
            travel(AT(moment))
            case = services.act(actor=actor, number=case.number, action=action, data=data)
        cases.append(case)
    cases.append(file_case(clerk, applicant=applicant_payload(3)))
    assert [c.event_count for c in cases] == [5, 5, 1]
    return cases


def events_of(case):
    return CaseEvent.objects.filter(case=case)


def raw_delete(event: CaseEvent) -> None:
    """Below the ORM: the model refuses deletes, the database does not."""
    assert CaseEvent._meta.db_table == "cases_caseevent"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])


def test_an_intact_database_verifies(trail):
    code, out, err = verify()
    assert code == 0
    assert "checked 3 cases, 0 broken" in out and err == ""


def test_the_model_refuses_to_change_or_delete_an_event(trail):
    event = events_of(trail[0]).get(seq=2)
    event.data = {"missing": []}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


TAMPERING = {
    "data altered": lambda qs: qs.filter(seq=2).update(data={"missing": ["M03"], "note": ""}),
    "backdated": lambda qs: qs.filter(seq=3).update(
        occurred_at=F("occurred_at") - dt.timedelta(days=3)
    ),
    "recorded time altered": lambda qs: qs.filter(seq=4).update(
        recorded_at=F("recorded_at") + dt.timedelta(seconds=1)
    ),
    "kind altered": lambda qs: qs.filter(seq=5).update(kind="decide_deny"),
    "actor altered": lambda qs: qs.filter(seq=4).update(actor_name="head_scj"),
    "retroactive flag cleared": lambda qs: qs.filter(seq=1).update(retroactive=True),
    "hash recomputed by hand": lambda qs: qs.filter(seq=3).update(hash="0" * 64),
}


@pytest.mark.parametrize("tamper", list(TAMPERING), ids=list(TAMPERING))
def test_an_altered_event_is_caught(trail, tamper):
    victim = trail[0]
    assert TAMPERING[tamper](events_of(victim)) == 1
    code, out, err = verify()
    assert code == 1
    assert f"BROKEN {victim.number}" in err
    assert trail[1].number not in err and trail[2].number not in err
    assert "checked 3 cases, 1 broken" in out


def test_reordered_events_are_caught(trail):
    victim = trail[1]
    events = events_of(victim)
    # swap seq 2 and 3 (through a free number: seq is unique per case)
    events.filter(seq=2).update(seq=99)
    events.filter(seq=3).update(seq=2)
    events.filter(seq=99).update(seq=3)
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {victim.number} (event 2)" in err


def test_a_deleted_middle_event_is_caught(trail):
    victim = trail[0]
    raw_delete(events_of(victim).get(seq=3))
    assert events_of(victim).count() == 4
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {victim.number} (event 3)" in err


@pytest.mark.parametrize("index", [0, 2], ids=["of a long trail", "the only event"])
def test_a_deleted_last_event_is_caught(trail, index):
    victim = trail[index]
    raw_delete(events_of(victim).order_by("-seq").first())
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {victim.number}" in err


def test_a_deleted_last_event_with_the_case_rewound_is_caught(trail):
    """Rewinding the count too still leaves the head hash pointing at the deleted event."""
    victim = trail[0]
    raw_delete(events_of(victim).get(seq=5))
    Case.objects.filter(pk=victim.pk).update(event_count=4)
    code, _out, err = verify()
    assert code == 1 and f"BROKEN {victim.number}" in err


def test_an_event_moved_to_another_case_is_caught(trail):
    events_of(trail[0]).filter(seq=5).update(seq=50)
    events_of(trail[0]).filter(seq=50).update(case=trail[2], seq=2)
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {trail[0].number}" in err and f"BROKEN {trail[2].number}" in err


def test_every_broken_case_is_named(trail):
    TAMPERING["data altered"](events_of(trail[0]))
    raw_delete(events_of(trail[1]).get(seq=2))
    code, out, err = verify()
    assert code == 1
    assert trail[0].number in err and trail[1].number in err and trail[2].number not in err
    assert "2 broken" in out

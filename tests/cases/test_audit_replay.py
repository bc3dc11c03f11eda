"""``verify_audit`` replays each case's events: a stored state or date its events do not give, a
chain cut at its end with the case wound back to match, and a case deleted with its whole chain
are each named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.cases import test_audit_chain as chain
from tests.cases.test_audit_chain import events_of, raw_delete, verify
from zhengwu.cases.models import Case

pytestmark = pytest.mark.django_db
trail = chain.trail  # the same cases (fixture)


def test_an_intact_database_replays_clean(trail):
    code, out, err = verify()
    assert code == 0, err
    assert "replayed cases: 0 mismatched" in out
    assert "removed cases: 0" in out


def test_a_stored_state_written_behind_the_services_is_named(trail):
    victim = trail[0]
    Case.objects.filter(pk=victim.pk).update(state="accepted")
    code, _out, err = verify()
    assert code == 1
    assert f"办件 {victim.number}" in err
    assert "状态 存储为 accepted，其事件得出 granted" in err
    assert trail[1].number not in err


def test_a_changed_due_date_is_named(trail):
    victim = trail[1]
    Case.objects.filter(pk=victim.pk).update(
        promised_due=victim.promised_due + dt.timedelta(days=9)
    )
    code, _out, err = verify()
    assert code == 1
    assert f"办件 {victim.number}" in err
    assert (victim.promised_due + dt.timedelta(days=9)).isoformat() in err
    assert victim.promised_due.isoformat() in err


def test_a_chain_cut_at_its_end_with_the_case_wound_back_is_named(trail):
    victim = trail[0]
    last = events_of(victim).get(seq=5)
    raw_delete(last)
    Case.objects.filter(pk=victim.pk).update(event_count=4, head_hash=last.prev_hash)
    code, _out, err = verify()
    assert code == 1
    assert "BROKEN" not in err  # the chain that is left verifies
    assert f"办件 {victim.number}" in err and "其事件得出 accepted" in err


def test_a_case_deleted_with_its_whole_chain_is_named(trail):
    victim = trail[2]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s", [victim.pk])
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [victim.pk])
    code, out, err = verify()
    assert code == 1
    assert f"内部编号 {victim.pk}" in err and victim.number[-8:] in err
    assert "removed cases: 1" in out


def test_a_supplement_period_moved_behind_the_services_is_named(trail, clerk, travel):
    from tests.cases.helpers import AT
    from zhengwu.cases import services

    travel(AT("2025-10-14 09:00"))
    waiting = services.act(
        actor=clerk, number=trail[2].number, action="request_supplement", data={"missing": ["M02"]}
    )
    # the notice's period (10 working days) is stored from the event, as the replay finds it
    assert waiting.supplement_due == dt.date(2025, 10, 28)
    assert verify()[0] == 0
    Case.objects.filter(pk=waiting.pk).update(supplement_due=dt.date(2025, 11, 28))
    code, _out, err = verify()
    assert code == 1
    assert f"办件 {waiting.number}" in err and "2025-10-28" in err and "2025-11-28" in err
    # a supplemented case waits for nothing: the replay gives no period
    assert Case.objects.get(pk=trail[0].pk).supplement_due is None

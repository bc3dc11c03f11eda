"""A case whose earliest events were archived (``manage.py partitions --archive-before``) still
verifies: ``verify_audit`` checks its kept events from the anchor the archive left, the last
archived event's seq and hash. On SQLite, where nothing is partitioned, the archive is stood in
for by deleting the rows below the ORM and writing the anchors it would have written."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.cases import test_audit_chain as chain
from tests.cases.helpers import AT
from zhengwu.cases import services
from zhengwu.cases.models import CaseEvent
from zhengwu.core.models import TrailAnchor
from zhengwu.supervision import replay, seal

pytestmark = pytest.mark.django_db

trail = chain.trail  # two cases of five events (9-13 Oct 2025) and one of one (fixture)
verify = chain.verify


def archive_up_to(case, seq: int) -> None:
    """What archiving does to one trail: its events up to ``seq`` leave the table and the last
    of them becomes its anchor."""
    last = CaseEvent.objects.get(case=case, seq=seq)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM cases_caseevent WHERE case_id = %s AND seq <= %s", [case.pk, seq]
        )
    TrailAnchor.objects.create(
        events_table="cases_caseevent",
        owner_id=case.pk,
        seq=seq,
        hash=last.hash,
        recorded_at=last.recorded_at,
        archive="cases_caseevent_p202510.csv.gz",
        archived_at=last.recorded_at,
    )


def test_a_trail_with_its_first_events_archived_verifies_from_its_anchor(trail, clerk, travel):
    travel(AT("2025-11-03 09:00"))
    services.act(actor=clerk, number=trail[0].number, action="deliver", data={"method": "window"})
    archive_up_to(trail[0], 5)  # the October events; the November delivery is kept
    archive_up_to(trail[1], 5)  # every event archived
    code, out, err = verify()
    assert code == 0, err
    assert "checked 3 cases, 0 broken" in out
    # Their replay needs the archived steps: they are left out of it, not reported.
    assert list(replay.cases()) == []


def test_without_its_anchor_an_archived_trail_is_broken(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s AND seq <= 3", [trail[0].pk])
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {trail[0].number} (event 1)" in err


def test_an_anchor_that_does_not_chain_onto_the_kept_events_is_broken(trail):
    archive_up_to(trail[0], 3)
    TrailAnchor.objects.filter(owner_id=trail[0].pk).update(hash="f" * 64)
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {trail[0].number} (event 4)" in err


def test_a_kept_event_altered_after_the_archive_is_broken(trail):
    archive_up_to(trail[0], 3)
    CaseEvent.objects.filter(case=trail[0], seq=5).update(data={"outcome": "deny"})
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {trail[0].number} (event 5)" in err


def test_the_seal_counts_an_archived_trails_anchor_as_its_head(trail, travel):
    day = AT("2025-10-20 09:00").date()
    before = seal.heads(day)
    archive_up_to(trail[1], 5)
    assert seal.heads(day) == before

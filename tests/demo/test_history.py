"""The demo city's year of case history: realistic, made by the services, verifiable."""

from __future__ import annotations

import collections
import datetime as dt
import io

import pytest
from django.core.management import call_command

from zhengwu.cases.integrity import verify
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.services import CLOCK_FIELDS, _recompute
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import history, services

pytestmark = pytest.mark.django_db

END = dt.datetime(2025, 12, 10, 16, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def city():
    services.seed()


def test_a_history_has_every_kind_of_case(city):
    made = history.generate(count=250, end=END, seed=3)
    assert made.cases == Case.objects.count() > 220
    states = collections.Counter(Case.objects.values_list("state", flat=True))
    for state in ("delivered", "granted", "denied", "refused", "withdrawn", "accepted"):
        assert states[state] > 0, state
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {"request_supplement", "supplement", "suspend", "resume", "deliver"} <= kinds
    assert Case.objects.filter(deemed_accepted=True).exists()
    assert Case.objects.filter(completion="late").exists()
    assert Case.objects.filter(completion="early").exists()
    assert CaseEvent.objects.filter(retroactive=True).exists()
    # Online applications, filed by portal accounts in their own name, more of them late in the
    # year than early.
    online = Case.objects.filter(channel="online").select_related("owner", "applicant")
    assert online.count() > 5
    for case in online:
        assert case.owner.groups.filter(name="applicant").exists()
        assert case.window_id is None
        if case.applicant.kind == "person":
            assert case.applicant.user_id == case.owner_id
    # Some applications for items that allow it are accepted into parallel approval, no others.
    parallel = Case.objects.filter(parallel=True)
    assert parallel.exists()
    assert not parallel.filter(item_version__parallel_approval=False).exists()
    halfway = END.date() - dt.timedelta(days=182)
    assert (
        online.filter(received_on__gte=halfway).count()
        > online.filter(received_on__lt=halfway).count()
    )
    # Every chain verifies and the stored clocks are those of the events.
    assert all(problem is None for _id, problem in verify())
    for case in Case.objects.select_related("item_version"):
        stored = {name: getattr(case, name) for name in CLOCK_FIELDS}
        _clocks, changed = _recompute(case, case.clocks_on)
        assert not [n for n in changed if n != "clocks_on"], (case.number, stored)


def test_seed_demo_makes_history_once(city):
    out = io.StringIO()
    call_command("seed_demo", "--history=30", "--tickets=0", stdout=out)
    count = Case.objects.count()
    assert count > 0
    call_command("seed_demo", "--history=30", "--tickets=0", stdout=io.StringIO())
    assert Case.objects.count() == count

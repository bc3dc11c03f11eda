"""The demo city's year of case history: realistic, made by the services, verifiable."""

from __future__ import annotations

import collections
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from zhengwu.accounts.models import Department, User
from zhengwu.assessment import brief
from zhengwu.cases.integrity import verify
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.services import CLOCK_FIELDS, _recompute
from zhengwu.core import clock
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.core.clock import local_date as clock_local
from zhengwu.demo import history, services
from zhengwu.notifications.models import Notification
from zhengwu.ratings import services as ratings_services
from zhengwu.ratings.models import Invitation
from zhengwu.supervision.models import CaseWarning, DailySeal, Irregularity

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
    assert_supervision_on_its_days()


def assert_supervision_on_its_days() -> None:
    """Supervision was recorded on the days it happened, as the scheduler's sweeps record it."""
    history.after_ratings(end=END)
    warnings = list(CaseWarning.objects.values_list("level", "raised_on", "due"))
    months = {raised.strftime("%Y-%m") for _level, raised, _due in warnings}
    assert len(months) >= 10, months  # not all on the day the demo was made
    # a case that runs late is recorded red the morning after its due date (the few entered
    # late, 先办后录, on the day they were entered)
    red = [(raised, due) for level, raised, due in warnings if level == "red"]
    on_time = [raised == due + dt.timedelta(days=1) for raised, due in red]
    assert red and sum(on_time) >= 0.8 * len(red), red
    irregular = set(Irregularity.objects.values_list("detected_on", flat=True))
    assert len({day.strftime("%Y-%m") for day in irregular}) >= 8
    # invitations to rate went out on their days: three days after completion, none due now
    invited = Invitation.objects.select_related("case")
    assert invited.count() > 20
    assert all(
        clock_local(i.sent_at) - i.case.completed_on >= dt.timedelta(days=3) for i in invited
    )
    with clock.frozen(END):
        assert not ratings_services.invitation_candidates().exists()
    # a seal for every day, notifications when they were made, the old ones read
    assert DailySeal.objects.count() >= 364
    told = Notification.objects.order_by("created_at")
    assert told.first().created_at < END - dt.timedelta(days=300)
    assert not told.filter(created_at__lt=END - dt.timedelta(days=8), read_at__isnull=True)
    # a past month's brief shows its own warnings and irregularities, windows ranked
    past = brief.build(year=2025, month=9)
    assert sum(past.warnings.values()) > 0 and past.irregularities
    assert (
        sum(past.warnings.values())
        == CaseWarning.objects.filter(raised_on__year=2025, raised_on__month=9).count()
    )
    ranked = [w for w in past.windows if w.rank is not None]
    assert len(ranked) >= 5


def test_seed_demo_makes_history_once(city):
    out = io.StringIO()
    call_command("seed_demo", "--history=30", "--tickets=0", stdout=out)
    count = Case.objects.count()
    assert count > 0
    call_command("seed_demo", "--history=30", "--tickets=0", stdout=io.StringIO())
    assert Case.objects.count() == count


def test_demo_staff_have_chinese_names_and_windows(city):
    history.ensure_staff()
    staff = User.objects.filter(groups__name__in=["window_clerk", "reviewer", "department_head"])
    assert staff.count() >= 3 * Department.objects.count()
    for user in staff:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", user.full_name), user.full_name
    clerks = staff.filter(groups__name="window_clerk")
    assert not clerks.filter(window__isnull=True).exists()


def test_the_history_is_not_texted_again_when_the_worker_starts(city):
    from zhengwu.notifications.services import deliver

    call_command("seed_demo", "--history=60", "--tickets=0", stdout=io.StringIO())
    told = Notification.objects.exclude(phone="")
    assert told.filter(kind="case_step").exists()  # the applicants find them in the portal
    assert not told.filter(texted_at__isnull=True).exists()  # texted when they were made
    batches = set(Notification.objects.values_list("batch", flat=True))
    assert sum(deliver(batch=batch)[1] for batch in batches) == 0


def test_the_history_seals_are_rechecked_on_their_days_not_by_the_first_worker(
    city, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        history.generate(count=40, end=END, seed=5)
    seals = list(DailySeal.objects.order_by("day"))
    assert len(seals) > 2
    # every seal but the last two was rechecked on the morning after the next one was made
    for row in seals[:-2]:
        assert row.rechecked_at is not None and row.recheck_digest == row.digest, row.day
        assert clock_local(row.rechecked_at) == row.day + dt.timedelta(days=2)
    # only the sweep of now leaves a recheck to the worker
    assert DBTaskResult.objects.filter(task_path__endswith="recheck_seal").count() <= 1

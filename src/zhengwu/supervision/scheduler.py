"""The periodic jobs of the whole system, and the loop that runs each at its interval
(``manage.py scheduler``; docs/operations.md).

One scheduler process is enough for any number of app servers and task workers; every job is safe
to run twice or on two machines at once (each takes its own locks and writes once), so a second
scheduler, or cron running the same jobs beside it, does no harm.

- ``supervise``: the supervision sweep (``supervision.sweep.run``): deemed acceptances, every open
  case's level up to today, warnings, irregularities, overdue rectifications, the notifications of
  all of them (sent by the task workers) and, once a day, the seal;
- ``ticket_sweep``: automatic 督办 of hotline tickets (``tickets.services.sweep``);
- ``disclosure_sweep``: disclosure requests' deemed abandonments, levels, warnings and
  irregularities (``disclosure.sweep.run``);
- ``trading_indicators``: Cardinal's red flags over the deal history stored as flags on the
  deals they hit, each once (``trading.indicators.raise_indicator_flags``);
- ``hall_staffing_sweep``: the hall's duty rosters published in the morning, empty posts, missed
  patrols and findings not followed up (``hall.staffing_sweep.run``);
- ``rectification_sweep``: reminders before a rectification measure's deadline, the overdue
  ones, long-term measures' periodic reports (``evaluation.rectification_sweep.run``);
- ``rating_invitations``: SMS invitations to rate completed, unrated cases;
- ``exchange_push``: the safety net of the one outbox (records whose delivery task failed or
  waits for its back-off, to the province and to the other hotlines), and the urging of ticket
  transfers not acknowledged in time (``exchange.transfers.urge_overdue``);
- ``partitions_ahead``: on PostgreSQL, the monthly partitions of the event, warning and
  notification tables for this month and the next ones, created ahead where missing
  (``core.partitions.ensure_months``; nothing to do on SQLite).
- ``exchange_reconcile``: each department's month of records that arrived or changed since
  it was last reconciled, reconciled with the cases (``exchange.reconcile_jobs.reconcile_due``).

Each job is a thin call of its app's service, imported when it runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


def _supervise() -> str:
    from zhengwu.supervision import sweep

    return sweep.run().line()


def _ticket_sweep() -> str:
    from zhengwu.tickets import services

    result = services.sweep()
    return f"urged={result['urged']} escalated={result['escalated']}"


def _disclosure_sweep() -> str:
    from zhengwu.disclosure import sweep

    return sweep.run().line()


def _trading_indicators() -> str:
    from zhengwu.trading import indicators

    return f"flags_raised={len(indicators.raise_indicator_flags())}"


def _hall_staffing_sweep() -> str:
    from zhengwu.hall import staffing_sweep

    return staffing_sweep.run().line()


def _rectification_sweep() -> str:
    from zhengwu.evaluation import rectification_sweep

    return rectification_sweep.run().line()


def _rating_invitations() -> str:
    from zhengwu.ratings import services

    return f"invitations_sent={services.send_invitations()}"


def _exchange_push() -> str:
    from zhengwu.exchange import push, transfers

    urged = transfers.urge_overdue()
    line = push.deliver_all()
    return f"{line} urged={urged}"


def _partitions_ahead() -> str:
    from zhengwu.core import partitions

    created = partitions.ensure_months()
    return f"partitions_created={len(created)}"


def _exchange_reconcile() -> str:
    from zhengwu.exchange import reconcile_jobs

    return f"months_reconciled={reconcile_jobs.reconcile_due()}"


@dataclass(frozen=True)
class Job:
    name: str
    interval: int  # seconds between two runs
    run: Callable[[], str]  # runs the job once, returns a one-line summary


JOBS: tuple[Job, ...] = (
    Job("supervise", 600, _supervise),
    Job("ticket_sweep", 600, _ticket_sweep),
    Job("disclosure_sweep", 600, _disclosure_sweep),
    Job("trading_indicators", 3600, _trading_indicators),
    Job("hall_staffing_sweep", 300, _hall_staffing_sweep),
    Job("rectification_sweep", 3600, _rectification_sweep),
    Job("rating_invitations", 3600, _rating_invitations),
    Job("exchange_push", 300, _exchange_push),
    Job("partitions_ahead", 86400, _partitions_ahead),
    Job("exchange_reconcile", 3600, _exchange_reconcile),
)


def jobs(intervals: dict[str, int] | None = None) -> list[Job]:
    """The jobs, with the ``intervals`` given (name → seconds) instead of their defaults."""
    intervals = intervals or {}
    unknown = set(intervals) - {job.name for job in JOBS}
    if unknown:
        raise ValueError(f"unknown job: {', '.join(sorted(unknown))}")
    return [Job(j.name, max(1, intervals.get(j.name, j.interval)), j.run) for j in JOBS]


@dataclass
class Outcome:
    job: str
    ok: bool
    line: str


@dataclass
class Scheduler:
    """Runs each job when its interval has passed since its last run (all of them at the first
    tick). A job that fails is logged and tried again at its next turn; the others go on."""

    jobs: list[Job]
    monotonic: Callable[[], float] = time.monotonic
    next_at: dict[str, float] = field(default_factory=dict)

    def run(self, job: Job) -> Outcome:
        try:
            line = job.run()
        except Exception as error:
            log.exception("scheduled job %s failed", job.name)
            return Outcome(job.name, False, f"failed: {type(error).__name__}: {error}")
        return Outcome(job.name, True, line)

    def tick(self) -> list[Outcome]:
        """Run the jobs that are due now, in their order."""
        outcomes = []
        for job in self.jobs:
            if self.monotonic() >= self.next_at.get(job.name, 0.0):
                outcomes.append(self.run(job))
                self.next_at[job.name] = self.monotonic() + job.interval
        return outcomes

    def seconds_to_next(self) -> float:
        now = self.monotonic()
        return max(0.0, min(self.next_at.get(j.name, 0.0) for j in self.jobs) - now)

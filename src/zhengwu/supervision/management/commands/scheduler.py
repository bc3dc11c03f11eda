"""Every periodic job of the system, each at its interval (``zhengwu.supervision.scheduler``).

    python manage.py scheduler                      # forever (make run starts it beside the web
                                                    # server and a task worker)
    python manage.py scheduler --once               # every job once, then exit (cron, or a test)
    python manage.py scheduler --every supervise=300 --every rating_invitations=1800

Safe to run twice or on several machines at once: every job is. Ctrl-C or SIGTERM stops it
between two jobs.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from zhengwu.core import clock
from zhengwu.supervision import scheduler


def _every(value: str) -> tuple[str, int]:
    name, _sep, seconds = value.partition("=")
    if not seconds.isdigit() or int(seconds) < 1:
        raise ValueError(value)
    return name, int(seconds)


class Command(BaseCommand):
    help = "Run every periodic job (sweeps, invitations, the ratings outbox) at its interval."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument(
            "--every",
            action="append",
            default=[],
            metavar="JOB=SECONDS",
            help="The interval of one job (default: "
            + ", ".join(f"{j.name}={j.interval}" for j in scheduler.JOBS)
            + ").",
        )

    def handle(self, *args, once=False, every=(), **options):
        try:
            jobs = scheduler.jobs(dict(_every(v) for v in every))
        except ValueError as error:
            raise CommandError(f"--every JOB=SECONDS: {error}") from error
        runner = scheduler.Scheduler(jobs)
        if once:
            failed = [o.job for o in self._report(runner.tick()) if not o.ok]
            if failed:
                raise CommandError(f"failed: {', '.join(failed)}")
            return
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(
            "scheduler: " + ", ".join(f"{j.name} every {j.interval}s" for j in jobs),
        )
        self.stdout.flush()
        while not stopping:
            # a long-lived process: drop connections that broke or outlived their age first
            close_old_connections()
            self._report(runner.tick())
            wait = min(runner.seconds_to_next(), 60.0)
            end = time.monotonic() + wait
            while not stopping and time.monotonic() < end:
                time.sleep(min(0.5, max(0.0, end - time.monotonic())))
        self.stdout.write("scheduler: stopped")

    def _report(self, outcomes):
        for outcome in outcomes:
            self.stdout.write(f"{clock.now():%Y-%m-%d %H:%M:%S} {outcome.job} {outcome.line}")
        self.stdout.flush()
        return outcomes

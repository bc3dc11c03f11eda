"""The supervision sweep (``zhengwu.supervision.sweep``): deemed acceptances, today's levels of
every open case, warnings, irregularities, notifications and, once a day, the seal.

    python manage.py supervise --once      # one sweep (cron, or a test)
    python manage.py supervise             # sweep every --interval seconds, forever

Safe to run twice or on several machines at once: the sweep takes a lock, writes set-based, and
unique constraints keep every warning, irregularity and notification single.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from zhengwu.core import clock
from zhengwu.supervision import sweep


class Command(BaseCommand):
    help = "Sweep every open case: deemed acceptances, levels, warnings, irregularities, seal."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Sweep once and exit.")
        parser.add_argument(
            "--interval", type=int, default=600, help="Seconds between sweeps (default 600)."
        )
        parser.add_argument(
            "--no-daily",
            action="store_true",
            help="Skip the daily seal and certificate check.",
        )

    def handle(self, *args, once=False, interval=600, no_daily=False, **options):
        while True:
            result = sweep.run(daily=not no_daily)
            self.stdout.write(f"{clock.now():%Y-%m-%d %H:%M:%S} {result.line()}")
            if once:
                return
            time.sleep(max(interval, 1))

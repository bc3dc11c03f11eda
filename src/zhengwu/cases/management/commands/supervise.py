"""The supervision sweep: deemed acceptances and today's levels of every open case.

    python manage.py supervise --once      # one sweep (cron, or a test)
    python manage.py supervise             # sweep every --interval seconds, forever

Safe to run twice or on several machines at once: each case is changed under its row lock, and a
case already swept today is left alone.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from zhengwu.cases import services
from zhengwu.core import clock


class Command(BaseCommand):
    help = "Record deemed acceptances and bring the levels of open cases up to today."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Sweep once and exit.")
        parser.add_argument(
            "--interval", type=int, default=600, help="Seconds between sweeps (default 600)."
        )

    def handle(self, *args, once=False, interval=600, **options):
        while True:
            deemed = services.deem_overdue()
            refreshed = services.refresh_clocks()
            self.stdout.write(
                f"{clock.now():%Y-%m-%d %H:%M:%S} deemed_accepted={deemed} refreshed={refreshed}"
            )
            if once:
                return
            time.sleep(max(interval, 1))

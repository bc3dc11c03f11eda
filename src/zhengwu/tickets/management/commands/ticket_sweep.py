"""Automatic 督办 of hotline tickets (docs/tickets.md).

    python manage.py ticket_sweep --once      # one sweep (cron, or a test)
    python manage.py ticket_sweep             # sweep every --interval seconds, forever

A unit late to accept or to reply gets a level-1 urge; an urge not answered by its response
deadline goes one level up, to 3 at most. Safe to run twice or on several machines at once: each
ticket is changed under its row lock after checking again that it still qualifies.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from zhengwu.core import clock
from zhengwu.tickets import services


class Command(BaseCommand):
    help = "Urge tickets whose handling unit is late, and escalate unanswered urges."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Sweep once and exit.")
        parser.add_argument(
            "--interval", type=int, default=600, help="Seconds between sweeps (default 600)."
        )

    def handle(self, *args, once=False, interval=600, **options):
        while True:
            result = services.sweep()
            self.stdout.write(
                f"{clock.now():%Y-%m-%d %H:%M:%S} urged={result['urged']} "
                f"escalated={result['escalated']}"
            )
            if once:
                return
            time.sleep(max(interval, 1))

"""SMS invitations to rate completed, unrated cases (DOMAIN.md §6: after 3 days).

    python manage.py rating_invitations --once      # one pass (cron, or a test)
    python manage.py rating_invitations             # a pass every --interval seconds, forever

Safe to run twice or on several machines: a case gets at most one invitation (a unique row per
case, written in the same transaction as the message is handed to the SMS backend).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from zhengwu.core import clock
from zhengwu.ratings import services


class Command(BaseCommand):
    help = "Invite the applicants of completed, unrated cases to rate (SMS)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass and exit.")
        parser.add_argument(
            "--interval", type=int, default=3600, help="Seconds between passes (default 3600)."
        )

    def handle(self, *args, once=False, interval=3600, **options):
        while True:
            sent = services.send_invitations()
            self.stdout.write(f"{clock.now():%Y-%m-%d %H:%M:%S} invitations_sent={sent}")
            if once:
                return
            time.sleep(max(interval, 1))

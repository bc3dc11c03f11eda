"""Check the hash chain of every case's and every ticket's events.

    python manage.py verify_audit

Exits 0 when every chain verifies; otherwise prints each case or ticket whose events were altered,
reordered or deleted, and exits 1.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from zhengwu.cases.integrity import verify
from zhengwu.tickets.integrity import verify as verify_tickets


class Command(BaseCommand):
    help = "Verify the hash chains of all case and ticket events; exit 1 naming every broken one."

    def _check(self, chains, noun: str) -> int:
        checked = broken = 0
        for _owner_id, problem in chains:
            checked += 1
            if problem is not None:
                broken += 1
                where = f" (event {problem.seq})" if problem.seq else ""
                self.stderr.write(f"BROKEN {problem.number}{where}: {problem.reason}")
        self.stdout.write(f"checked {checked} {noun}, {broken} broken")
        return broken

    def handle(self, *args, **options):
        broken = self._check(verify(), "cases")
        broken += self._check(verify_tickets(), "tickets")
        if broken:
            sys.exit(1)

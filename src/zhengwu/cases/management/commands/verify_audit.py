"""Check the hash chain of every case's events.

    python manage.py verify_audit

Exits 0 when every chain verifies; otherwise prints each case whose events were altered,
reordered or deleted, and exits 1.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from zhengwu.cases.integrity import verify


class Command(BaseCommand):
    help = "Verify the hash chains of all case events; exit 1 naming every broken case."

    def handle(self, *args, **options):
        checked = broken = 0
        for _case_id, problem in verify():
            checked += 1
            if problem is not None:
                broken += 1
                where = f" (event {problem.seq})" if problem.seq else ""
                self.stderr.write(f"BROKEN {problem.number}{where}: {problem.reason}")
        self.stdout.write(f"checked {checked} cases, {broken} broken")
        if broken:
            sys.exit(1)

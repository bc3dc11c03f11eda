"""Check the hash chain of every case's, joint case's, ticket's and rectification task's events,
and the daily seals over the case chain heads.

    python manage.py verify_audit              # every chain, the chain of seals, the latest seal
    python manage.py verify_audit --all-seals  # recompute every seal (slower)

Exits 0 when everything verifies; otherwise prints each case, joint case, ticket or task whose
events were altered, reordered or deleted, and each seal that no longer matches (a chain deleted
whole), and exits 1.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from zhengwu.cases.integrity import verify
from zhengwu.joint.integrity import verify as verify_joint_cases
from zhengwu.ratings.integrity import verify as verify_tasks
from zhengwu.supervision import seal
from zhengwu.tickets.integrity import verify as verify_tickets


class Command(BaseCommand):
    help = (
        "Verify the hash chains of all case, joint case, ticket and rectification-task events and "
        "the daily "
        "seals; "
        "exit 1 on any break."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all-seals", action="store_true", help="Recompute every seal.")

    def _chains(self, chains, noun: str) -> int:
        checked = broken = 0
        for _owner_id, problem in chains:
            checked += 1
            if problem is not None:
                broken += 1
                where = f" (event {problem.seq})" if problem.seq else ""
                self.stderr.write(f"BROKEN {problem.number}{where}: {problem.reason}")
        self.stdout.write(f"checked {checked} {noun}, {broken} broken")
        return broken

    def handle(self, *args, all_seals=False, **options):
        broken = self._chains(verify(), "cases")
        broken += self._chains(verify_joint_cases(), "joint cases")
        broken += self._chains(verify_tickets(), "tickets")
        broken += self._chains(verify_tasks(), "tasks")
        problems = seal.verify(all_seals=all_seals)
        for problem in problems:
            if problem.reason == "seal_chain":
                self.stderr.write(f"SEAL {problem.day}: the chain of seals was altered")
            else:
                self.stderr.write(
                    f"SEAL {problem.day}: chain heads changed since sealed "
                    f"(sealed {problem.sealed[0]} cases / {problem.sealed[1]} events, "
                    f"now {problem.found[0]} / {problem.found[1]})"
                )
        self.stdout.write(f"seals: {len(problems)} broken")
        if broken or problems:
            sys.exit(1)

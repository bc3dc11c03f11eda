"""Check the hash chain of every case's, joint case's, ticket's, rectification task's, deal's,
disclosure request's and rectification ledger's events, and the daily seals over the case chain
heads.

    python manage.py verify_audit              # every chain, the chain of seals, the latest seal
    python manage.py verify_audit --all-seals  # recompute every seal (slower)

Then replays every case's, ticket's and rectification task's events and compares the state and
dates they produce with the stored ones (``zhengwu.supervision.replay``), and lists the case ids
handed out whose case no longer exists (a chain deleted whole).

Exits 0 when everything verifies; otherwise prints each case, joint case, ticket or task whose
events were altered, reordered or deleted or whose stored state or dates its events do not
produce, each case removed, and each seal that no longer matches, and exits 1.
"""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengwu.cases.integrity import verify
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.disclosure.integrity import verify as verify_disclosure_requests
from zhengwu.disclosure.models import DisclosureRequest
from zhengwu.evaluation.rectification_integrity import verify as verify_ledgers
from zhengwu.joint.integrity import verify as verify_joint_cases
from zhengwu.ratings.integrity import verify as verify_tasks
from zhengwu.ratings.models import RectificationTask
from zhengwu.supervision import replay, seal
from zhengwu.tickets.integrity import verify as verify_tickets
from zhengwu.tickets.models import Ticket
from zhengwu.trading.integrity import verify as verify_deals


def _shown(value) -> str:
    if value is None or value == "":
        return _("(none)")
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(clock.LOCAL_TZ).isoformat()  # a ticket's clock, in local time
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "value", value))


class Command(BaseCommand):
    help = (
        "Verify the hash chains of all case, joint case, ticket, rectification-task, disclosure "
        "request and rectification ledger events and "
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

    def _labels(self):
        return {
            "case": _("Case"),
            "ticket": _("Ticket"),
            "task": _("Rectification task"),
            "disclosure": _("Disclosure request"),
        }

    def _field_name(self, label: str, name: str) -> str:
        model = {
            "case": Case,
            "ticket": Ticket,
            "task": RectificationTask,
            "disclosure": DisclosureRequest,
        }[label]
        return str(model._meta.get_field(name).verbose_name)

    def _replayed(self, mismatches, noun: str) -> int:
        found = 0
        labels = self._labels()
        for mismatch in mismatches:
            found += 1
            who = f"{labels[mismatch.label]} {mismatch.number}"
            if mismatch.error:
                self.stderr.write(
                    _("MISMATCH %(who)s: its events cannot be replayed (%(error)s)")
                    % {"who": who, "error": mismatch.error}
                )
                continue
            parts = [
                _("%(field)s stored %(stored)s, its events give %(replayed)s")
                % {
                    "field": self._field_name(mismatch.label, name),
                    "stored": _shown(stored),
                    "replayed": _shown(replayed),
                }
                for name, stored, replayed in mismatch.fields
            ]
            self.stderr.write(
                _("MISMATCH %(who)s: %(parts)s") % {"who": who, "parts": "; ".join(parts)}
            )
        self.stdout.write(f"replayed {noun}: {found} mismatched")
        return found

    def handle(self, *args, all_seals=False, **options):
        broken = self._chains(verify(), "cases")
        broken += self._chains(verify_joint_cases(), "joint cases")
        broken += self._chains(verify_tickets(), "tickets")
        broken += self._chains(verify_tasks(), "tasks")
        broken += self._chains(verify_deals(), "deals")
        broken += self._chains(verify_disclosure_requests(), "disclosure requests")
        broken += self._chains(verify_ledgers(), "rectification ledgers")
        broken += self._replayed(replay.cases(), "cases")
        broken += self._replayed(replay.tickets(), "tickets")
        broken += self._replayed(replay.tasks(), "tasks")
        broken += self._replayed(replay.disclosure_requests(), "disclosure requests")
        missing = replay.missing_case_ids()
        for case_id in missing:
            self.stderr.write(
                _("REMOVED case id %(id)s (number ending %(tail)s): deleted with its events")
                % {"id": case_id, "tail": f"{case_id:08d}"}
            )
        self.stdout.write(f"removed cases: {len(missing)}")
        broken += len(missing)
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

"""The table of the open cases at warning levels (``cases.at_level``; docs/decisions/0009).

    python manage.py warning_levels             # does it agree with the cases? (exit 1 if not)
    python manage.py warning_levels --rebuild   # refill it from the cases

Triggers keep the table in the statement that changes a case; only a load that bypassed them
(``session_replication_role = replica``, a restore of the cases table alone) leaves it behind,
and ``--rebuild`` then refills it in one transaction.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengwu.cases import at_level


class Command(BaseCommand):
    help = "Check, or refill, the table of the open cases at warning levels against the cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Refill the table from the cases."
        )

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            rows = at_level.rebuild()
            self.stdout.write(
                _("Refilled: %(rows)s open cases at warning levels.") % {"rows": rows}
            )
            return
        missing, extra = at_level.verify()
        if missing or extra:
            raise CommandError(
                _(
                    "The table of the open cases at warning levels lacks or differs for "
                    "%(missing)s cases and holds %(extra)s rows of no such case; run "
                    "warning_levels --rebuild."
                )
                % {"missing": missing, "extra": extra}
            )
        self.stdout.write(_("The table of the open cases at warning levels agrees with the cases."))

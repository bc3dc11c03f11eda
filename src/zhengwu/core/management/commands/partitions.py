"""The monthly partitions of the event, warning and notification tables on PostgreSQL
(docs/operations.md, Partition maintenance).

    python manage.py partitions                      # each partition: range, rows, size
    python manage.py partitions --exact              # rows counted, not estimated
    python manage.py partitions --ahead 6            # create this month's and the next 6 months'
    python manage.py partitions --archive-before 2024-01 --to /srv/archive [--drop]

``--archive-before`` copies every month before the one named to ``<partition>.csv.gz`` with a
``<partition>.manifest.json`` (rows, the file's SHA-256, each trail's first and last event in it),
records where each trail's kept history starts (``verify_audit`` checks it from there) and
detaches the month: with ``--drop`` the detached table is dropped, otherwise it stays in the
database as a plain table of that name until an operator drops it. On SQLite there are no
partitions: the command says so and does nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengwu.core import partitions


def _size(value: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(value)


class Command(BaseCommand):
    help = (
        "List, create ahead, or archive and detach the monthly partitions of the event, warning"
        " and notification tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("--exact", action="store_true", help="Count the rows exactly.")
        parser.add_argument(
            "--ahead", type=int, default=None, help="Create the partitions of N months ahead."
        )
        parser.add_argument(
            "--archive-before", metavar="YYYY-MM", help="Archive the months before this one."
        )
        parser.add_argument("--to", metavar="DIR", help="Where the archive files are written.")
        parser.add_argument(
            "--drop", action="store_true", help="Drop the archived months once written."
        )

    def handle(
        self, *args, exact=False, ahead=None, archive_before=None, to=None, drop=False, **options
    ):
        if not partitions.on_postgresql():
            self.stdout.write(_("This database has no partitions (only PostgreSQL partitions)."))
            return
        if ahead is not None:
            if ahead < 0:
                raise CommandError(_("The number of months ahead cannot be negative."))
            for name in partitions.ensure_months(ahead=ahead):
                self.stdout.write(_("created %(name)s") % {"name": name})
        if archive_before is not None:
            self._archive(archive_before, to, drop)
            return
        if ahead is not None:
            return
        for part in partitions.partitions(exact=exact):
            rows = str(part.rows) if part.exact else f"~{part.rows}"
            self.stdout.write(f"{part.name}\t{part.bounds}\t{rows}\t{_size(part.bytes)}")

    def _archive(self, archive_before: str, to: str | None, drop: bool) -> None:
        try:
            before = partitions.parse_month(archive_before)
        except ValueError:
            raise CommandError(_("Enter the month as YYYY-MM, for example 2024-01.")) from None
        if not to:
            raise CommandError(_("Name the directory the archive is written to (--to)."))
        done = partitions.archive(before=before, to=Path(to), drop=drop)
        for item in done:
            if item.held:
                self.stdout.write(
                    _(
                        "kept %(name)s: %(count)s cases received in the month are still open "
                        "and would record their warnings in it"
                    )
                    % {"name": item.partition, "count": item.held}
                )
                continue
            what = _("dropped") if item.dropped else _("detached")
            self.stdout.write(
                _("archived %(name)s: %(rows)s rows to %(path)s, %(what)s")
                % {"name": item.partition, "rows": item.rows, "path": item.path, "what": what}
            )
        if not done:
            self.stdout.write(
                _("No month before %(month)s to archive.") % {"month": archive_before}
            )

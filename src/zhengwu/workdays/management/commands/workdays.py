"""python manage.py workdays add|between|is|next|years|import ...

workdays add 2025-09-30 20           -> 2025-11-04            (" provisional" appended when so)
workdays between 2025-09-30 2025-11-04 -> 20
workdays is 2026-02-14               -> workday | holiday
workdays next 2025-09-30             -> 2025-10-09
workdays years                       -> every supported year: status and source
workdays import FILE --year 2027 [--notice TEXT] [--dry-run]
workdays import --year 2027 --from-package
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed, ZhengwuError
from zhengwu.workdays import loader, selectors, services
from zhengwu.workdays import schedule as sched

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(text: str, what: str) -> dt.date:
    try:
        if not _ISO.match(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(what)s: %(text)s is not a date; write YYYY-MM-DD, e.g. 2025-09-30.")
            % {"what": what, "text": text}
        ) from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0 or not text.strip().lstrip("+").isdigit():
        raise CommandError(
            _("days: %(text)s is not a number of working days (a whole number, 0 or more).")
            % {"text": text}
        )
    return value


def _suffix(provisional: bool) -> str:
    return " provisional" if provisional else ""


class Command(BaseCommand):
    help = "Working-day arithmetic and the official schedule import (docs/calendar.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = sub.add_parser("add", help="the n-th working day after a date")
        add.add_argument("start")
        add.add_argument("days")
        between = sub.add_parser("between", help="working days in (start, end]")
        between.add_argument("start")
        between.add_argument("end")
        is_ = sub.add_parser("is", help="workday or holiday")
        is_.add_argument("date")
        next_ = sub.add_parser("next", help="the first working day after a date")
        next_.add_argument("date")
        sub.add_parser("years", help="every supported year with its status")
        imp = sub.add_parser("import", help="enter a year's official schedule")
        imp.add_argument("file", nargs="?", help="CSV or text file (see docs/calendar.md)")
        imp.add_argument("--year", required=True)
        imp.add_argument("--notice", default="", help="the State Council notice")
        imp.add_argument("--reason", default="")
        imp.add_argument("--dry-run", action="store_true", help="show the changes only")
        imp.add_argument(
            "--from-package",
            action="store_true",
            help="take the schedule the installed holidays package carries for the year",
        )

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"do_{action}")(**options)
        except ZhengwuError as error:
            raise CommandError(self._message(error)) from None

    @staticmethod
    def _message(error: ZhengwuError) -> str:
        if isinstance(error, ValidationFailed) and error.errors:
            return "; ".join(m for messages in error.errors.values() for m in messages)
        return str(error.message)

    def do_add(self, start, days, **options):
        due = loader.add_workdays(_date(start, "start"), _count(days))
        self.stdout.write(due.isoformat() + _suffix(due.provisional))

    def do_between(self, start, end, **options):
        count = loader.workdays_between(_date(start, "start"), _date(end, "end"))
        self.stdout.write(f"{count.value}{_suffix(count.provisional)}")

    def do_is(self, date, **options):
        flag = loader.is_workday(_date(date, "date"))
        self.stdout.write(("workday" if flag else "holiday") + _suffix(flag.provisional))

    def do_next(self, date, **options):
        day = loader.next_workday(_date(date, "date"))
        self.stdout.write(day.isoformat() + _suffix(day.provisional))

    def do_years(self, **options):
        for year, status, source in selectors.years():
            self.stdout.write(f"{year}\t{status}\t{source}")

    def do_import(self, file, year, notice, reason, dry_run, from_package, **options):
        try:
            year = int(year)
        except ValueError:
            raise CommandError(_("--year: %(text)s is not a year.") % {"text": year}) from None
        first, last = loader.supported_range()
        if not first.year <= year <= last.year:
            raise CommandError(
                _("--year: enter a year from %(first)d to %(last)d.")
                % {"first": first.year, "last": last.year}
            )
        schedule = self._schedule(file, year, from_package)
        if dry_run:
            plan = services.plan_import(year=year, schedule=schedule)
        else:
            plan = services.import_year(
                year=year, schedule=schedule, notice=notice, reason=reason, actor=None
            )
        for change in plan.changes:
            self.stdout.write(
                f"{change.date.isoformat()}  {selectors.describe(change.before)}"
                f"  ->  {selectors.describe(change.after)}"
            )
        values = {"year": year, "count": len(plan.changes)}
        if dry_run:
            summary = _(
                "Dry run: importing %(year)d would change the working status of %(count)d days."
            )
        else:
            summary = _(
                "Imported the official schedule of %(year)d: the working status of %(count)d "
                "days changed; the year is official."
            )
        self.stdout.write(summary % values)

    def _schedule(self, file, year: int, from_package: bool) -> sched.Schedule:
        if from_package:
            if file:
                raise CommandError(_("Give a file or --from-package, not both."))
            found = sched.from_package(year)
            if found is None:
                raise CommandError(
                    _("The installed holidays package has no official schedule for %(year)d.")
                    % {"year": year}
                )
            return found
        if not file:
            raise CommandError(_("Give the schedule file (or --from-package)."))
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read %(file)s.") % {"file": file}) from None
        schedule, errors = sched.parse(year, file=content)
        if errors:
            raise CommandError(
                "\n".join(m for messages in errors.by_field.values() for m in messages)
            )
        return schedule

"""``manage.py export_ocds [--releases] [--from DATE] [--to DATE] [--out FILE]``: every deal as
OCDS, one JSON line per deal: its compiled release, or (``--releases``) a release package of its
releases (the form ``import_ocds`` reads)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from zhengwu.trading import ocds
from zhengwu.trading.models import Deal, DealEvent, Lot


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text}: not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Write every deal as OCDS 1.1 JSON lines: compiled releases, or release packages."

    def add_arguments(self, parser):
        parser.add_argument("--releases", action="store_true", help="release packages per deal")
        parser.add_argument("--from", dest="start", help="deals announced from this day")
        parser.add_argument("--to", dest="end", help="... up to this day (inclusive)")
        parser.add_argument("--out", help="file to write (default: standard output)")

    def handle(self, *args, releases, start, end, out, **options):
        deals = Deal.objects.order_by("pk").prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("pk")),
            Prefetch("events", queryset=DealEvent.objects.order_by("seq")),
        )
        if _day(start):
            deals = deals.filter(announced_on__gte=_day(start))
        if _day(end):
            deals = deals.filter(announced_on__lte=_day(end))
        lines = ocds.export_lines(
            deals.iterator(chunk_size=200), kind="releases" if releases else "compiled"
        )
        if not out:
            for line in lines:
                self.stdout.write(line)
            return
        count = 0
        try:
            with open(out, "w", encoding="utf-8") as stream:
                for line in lines:
                    stream.write(line + "\n")
                    count += 1
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from None
        self.stdout.write(f"{count} {out}")

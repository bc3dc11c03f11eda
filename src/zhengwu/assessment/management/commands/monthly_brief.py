"""``manage.py monthly_brief 2025-10 [--out DIR]``: write the month's brief as .docx and .xlsx."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.assessment import brief as briefs
from zhengwu.assessment import documents, selectors
from zhengwu.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Write the monthly brief (.docx) and its tables (.xlsx) for a month, e.g. 2025-10."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--out", default=".", help="directory to write to (default: here)")

    def handle(self, *args, month, out, **options):
        try:
            year, number = briefs.month_of(month)
        except ValidationFailed as error:
            raise CommandError(str(error.errors["month"][0])) from None
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"{folder}: {error.strerror}") from None
        brief = briefs.build(year=year, month=number)
        docx = folder / f"月度简报-{brief.slug}.docx"
        xlsx = folder / f"月度简报-{brief.slug}.xlsx"
        docx.write_bytes(documents.brief_docx(brief, center_name=selectors.center_name()))
        xlsx.write_bytes(documents.brief_xlsx(brief))
        self.stdout.write(str(docx))
        self.stdout.write(str(xlsx))

"""``manage.py quarterly_bulletin 2026-Q3 [--out DIR]``: write the quarter's bulletin as .docx and
.xlsx."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import ValidationFailed
from zhengwu.evaluation import bulletins


class Command(BaseCommand):
    help = "Write the quarterly bulletin (.docx) and its tables (.xlsx), e.g. 2026-Q3."

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="YYYY-Qn")
        parser.add_argument("--out", default=".", help="directory to write to (default: here)")

    def handle(self, *args, quarter, out, **options):
        try:
            year, number = bulletins.quarter_of(quarter)
        except ValidationFailed as error:
            raise CommandError(str(error.errors["quarter"][0])) from None
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"{folder}: {error.strerror}") from None
        bulletin = bulletins.build(year=year, quarter=number)
        docx = folder / f"季度通报-{bulletin.slug}.docx"
        xlsx = folder / f"季度通报-{bulletin.slug}.xlsx"
        docx.write_bytes(bulletins.bulletin_docx(bulletin))
        xlsx.write_bytes(bulletins.bulletin_xlsx(bulletin))
        self.stdout.write(str(docx))
        self.stdout.write(str(xlsx))

"""``manage.py import_ocds FILE --user LOGIN``: deals from OCDS release packages (JSON lines: a
release package or a release per line), the releases of each ocid compiled by ocdsmerge; all or
nothing; an ocid imported before is skipped."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.trading import imports
from zhengwu.trading.management.commands.import_deals import run


class Command(BaseCommand):
    help = "Import deals from OCDS release packages (JSON lines), all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="login of a trading officer")

    def handle(self, *args, file, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        run(self, lambda: imports.read_ocds(path.read_bytes()), user)

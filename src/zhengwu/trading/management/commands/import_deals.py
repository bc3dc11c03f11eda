"""``manage.py import_deals FILE --user LOGIN``: deals from the trading center's template (.xlsx
or .csv), all or nothing; the problems by row and column."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import Forbidden
from zhengwu.trading import imports


def actor(login: str):
    user = get_user_model().objects.filter(username=login).first()
    if user is None:
        raise CommandError(f"{login}: no such user")
    return user


def run(command: BaseCommand, read, login: str) -> None:
    try:
        deals, skipped = read()
        done = imports.import_deals(actor=actor(login), deals=deals, skipped=skipped)
    except imports.ImportRejected as rejected:
        for p in rejected.problems:
            command.stderr.write(f"{p.row if p.row is not None else '-'}\t{p.column}\t{p.message}")
        raise CommandError(f"nothing imported: {len(rejected.problems)} problems") from None
    except Forbidden:
        raise CommandError(f"{login}: not a trading officer") from None
    for deal in done.deals:
        command.stdout.write(f"{deal.code}\t{deal.name}")
    if done.skipped:
        command.stdout.write(f"skipped (imported before): {len(done.skipped)}")


class Command(BaseCommand):
    help = "Import deals from the template (.xlsx or .csv), all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="login of a trading officer")

    def handle(self, *args, file, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        run(
            self,
            lambda: (imports.read_template(name=path.name, content=path.read_bytes()), []),
            user,
        )

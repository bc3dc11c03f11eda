from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengwu.core.roles import ROLE_LABELS
from zhengwu.demo import services


class Command(BaseCommand):
    help = "Load the demo city (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        services.seed()
        self.stdout.write(
            _("Demo data is loaded. Demo accounts (password: %(password)s):")
            % {"password": services.DEMO_PASSWORD}
        )
        for account in services.ACCOUNTS:
            where = account.department or ""
            self.stdout.write(
                f"  {account.username:<14} {ROLE_LABELS[account.role]!s:<10} {account.name} {where}"
            )
        self.stdout.write(_("Open http://127.0.0.1:8000/ and log in."))

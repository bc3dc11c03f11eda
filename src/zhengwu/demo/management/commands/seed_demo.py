from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengwu.cases.models import Case
from zhengwu.core.roles import ROLE_LABELS
from zhengwu.demo import history as demo_history
from zhengwu.demo import ratings as demo_ratings
from zhengwu.demo import services
from zhengwu.demo import tickets as demo_tickets
from zhengwu.tickets.models import Ticket


class Command(BaseCommand):
    help = "Load the demo city (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--tickets",
            type=int,
            default=360,
            help="Hotline tickets to make over the past eighteen months when there are none yet "
            "(default 360; 0 for none).",
        )
        parser.add_argument(
            "--history",
            type=int,
            default=1500,
            help="Cases of history to make over the past year when there are none yet "
            "(default 1500; 0 for none).",
        )

    def handle(self, *args, history=1500, tickets=360, **options):
        services.seed()
        if history > 0 and not Case.objects.exists():
            self.stdout.write(
                _("Making a year of case history (%(count)d cases)...") % {"count": history}
            )

            def progress(done, total):
                self.stdout.write(f"  {done}/{total}")

            made = demo_history.generate(count=history, progress=progress)
            self.stdout.write(
                _("%(cases)d cases with %(actions)d steps.")
                % {"cases": made.cases, "actions": made.actions}
            )
            rated = demo_ratings.generate()
            self.stdout.write(_("%(count)d ratings.") % {"count": rated})
        demo_tickets.seed_categories()
        if tickets > 0 and not Ticket.objects.exists():
            self.stdout.write(
                _("Making the hotline's history (%(count)d calls)...") % {"count": tickets}
            )
            made = demo_tickets.generate(count=tickets)
            self.stdout.write(
                _("%(tickets)d tickets with %(actions)d steps.")
                % {"tickets": made.tickets, "actions": made.actions}
            )
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

import contextlib
import logging
import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengwu.accounts.models import Department
from zhengwu.cases.models import Case
from zhengwu.core.roles import ROLE_LABELS, Role
from zhengwu.demo import disclosure as demo_disclosure
from zhengwu.demo import exchange as demo_exchange
from zhengwu.demo import exchange_inbound as demo_exchange_inbound
from zhengwu.demo import hall_queue as demo_hall_queue
from zhengwu.demo import hall_staffing as demo_hall_staffing
from zhengwu.demo import history as demo_history
from zhengwu.demo import joint as demo_joint
from zhengwu.demo import province, services
from zhengwu.demo import ratings as demo_ratings
from zhengwu.demo import rectification as demo_rectification
from zhengwu.demo import surveys as demo_surveys
from zhengwu.demo import tickets as demo_tickets
from zhengwu.demo import trading as demo_trading
from zhengwu.tickets.models import Ticket


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """``rows`` (the first one the heading) as aligned lines."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


@contextlib.contextmanager
def quiet_sms():
    """The history's messages (rating feedback, invitations) are not news: keep them out of the
    demo's output."""
    logger = logging.getLogger("zhengwu.sms")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def account_rows() -> list[tuple[str, ...]]:
    """The demo accounts: the named ones, then the portal and department accounts by pattern."""
    from zhengwu.demo.history import CITIZENS, ENTERPRISES

    names = dict(Department.objects.values_list("code", "name"))

    def where(code):
        return f"{code} {names.get(code, '')}" if code else ""

    rows = [(_("Account"), _("Role"), _("Full name"), _("Department (code and name)"))]
    for account in services.ACCOUNTS:
        rows.append(
            (
                account.username,
                str(ROLE_LABELS[account.role]),
                account.name,
                where(account.department),
            )
        )
    for account in province.ACCOUNTS:  # one at each level of the demo province
        rows.append(
            (
                account.username,
                str(ROLE_LABELS[account.role]),
                account.name,
                where(account.department),
            )
        )
    applicant = str(ROLE_LABELS[Role.APPLICANT])
    rows.append(
        (f"applicant_01…applicant_{CITIZENS:02d}", applicant, _("people applying online"), "")
    )
    rows.append(
        (
            f"enterprise_01…enterprise_{ENTERPRISES:02d}",
            applicant,
            _("companies applying online"),
            "",
        )
    )
    return rows


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
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="The address the site is served at, printed at the end.",
        )

    def handle(self, *args, history=1500, tickets=360, url="http://127.0.0.1:8000/", **options):
        with quiet_sms():
            self._seed(history, tickets)
        self._accounts(url)

    def _seed(self, history, tickets):
        services.seed()
        demo_joint.seed()
        if history > 0 and not Case.objects.exists():
            self.stdout.write(
                _("Making a year of case history (%(count)d cases)...") % {"count": history}
            )

            def progress(done, total):
                self.stdout.write(f"  {done}/{total}")

            joint, plays = demo_joint.timelines(count=max(6, history // 25))
            made = demo_history.generate(count=history, progress=progress, also=plays)
            demo_joint.finish(joint)
            self.stdout.write(
                _("%(cases)d cases with %(actions)d steps.")
                % {"cases": made.cases, "actions": made.actions}
            )
            self.stdout.write(
                _("%(joint)d joint cases (一件事) with %(children)d item cases.")
                % {"joint": joint.joint_cases, "children": joint.children}
            )
            rated = demo_ratings.generate()
            demo_history.after_ratings()
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
        demo_exchange.seed_platforms()
        if tickets > 0:
            demo_exchange.generate()
        if history > 0:
            made = demo_exchange_inbound.generate()
            if made.records:
                self.stdout.write(
                    _(
                        "%(records)d records of a department's system reconciled: %(findings)d "
                        "discrepancies; %(tickets)d tickets handed over by other hotlines."
                    )
                    % {"records": made.records, "findings": made.findings, "tickets": made.tickets}
                )
            made = demo_disclosure.generate()
            if made.requests:
                self.stdout.write(
                    _("%(requests)d disclosure requests with %(steps)d steps, %(appeals)d appeals.")
                    % {"requests": made.requests, "steps": made.steps, "appeals": made.appeals}
                )
            dealt = demo_trading.generate()
            if dealt.deals:
                self.stdout.write(
                    _("%(deals)d public-resource deals with %(bids)d bids, %(flags)d flags.")
                    % {"deals": dealt.deals, "bids": dealt.bids, "flags": dealt.flags}
                )
            queue = demo_hall_queue.generate()
            if queue.tickets:
                self.stdout.write(
                    _("%(tickets)d queue numbers in the hall, %(appointments)d appointments.")
                    % {"tickets": queue.tickets, "appointments": queue.appointments}
                )
            staffed = demo_hall_staffing.generate()
            if staffed.assisted:
                self.stdout.write(
                    _(
                        "The hall's month: %(attendance)d sign-ins, %(patrols)d patrols, "
                        "%(empty)d empty posts, %(assisted)d assisted services."
                    )
                    % {
                        "attendance": staffed.attendance,
                        "patrols": staffed.patrols,
                        "empty": staffed.empty_posts,
                        "assisted": staffed.assisted,
                    }
                )
            ledgers = demo_rectification.generate()
            if ledgers.ledgers:
                self.stdout.write(
                    _("%(ledgers)d rectification ledgers with %(measures)d measures.")
                    % {"ledgers": ledgers.ledgers, "measures": ledgers.measures}
                )
            evaluated = demo_surveys.generate()
            if evaluated.evaluations:
                self.stdout.write(
                    _("%(evaluations)d evaluation (民主评议) with %(responses)d answers.")
                    % {"evaluations": evaluated.evaluations, "responses": evaluated.responses}
                )
        else:
            demo_hall_queue.ensure_floor()

    def _accounts(self, url):
        self.stdout.write(
            _("Demo data is loaded. Demo accounts (password: %(password)s):")
            % {"password": services.DEMO_PASSWORD}
        )
        for line in table(account_rows()):
            self.stdout.write(line)
        self.stdout.write(
            _(
                "Every other department has <code>_clerk, <code>_reviewer and <code>_head "
                "(window clerk, reviewer, department head)."
            )
        )
        codes = list(Department.objects.order_by("sort_order", "code").values_list("code", "name"))
        width = max((len(code) for code, _name in codes), default=4) + 2
        self.stdout.write(_("Departments:"))
        for code, name in codes:
            self.stdout.write(f"  {code:<{width}}{name}")
        self.stdout.write(_("Open %(url)s and log in.") % {"url": url})

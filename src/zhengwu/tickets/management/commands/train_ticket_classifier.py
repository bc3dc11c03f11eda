"""Train the ticket classifier from closed tickets and save the model."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengwu.tickets import classifier
from zhengwu.tickets.models import Ticket, TicketState


def closed_samples(limit: int) -> list[classifier.Sample]:
    """The latest ``limit`` closed tickets (not merged or transferred): their content, category
    and handling unit (none for a consultation answered on the spot)."""
    rows = (
        Ticket.objects.filter(state=TicketState.CLOSED)
        .order_by("-id")
        .values_list("content", "category__code", "department__code")[:limit]
    )
    return [
        classifier.Sample(text, category or "", department or "")
        for text, category, department in rows
    ]


class Command(BaseCommand):
    help = (
        "Train the ticket classifier (category and handling unit) from closed tickets, report its "
        "accuracy on a held-out share and save it (default: the TICKET_CLASSIFIER_PATH setting)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="", help="Where to save the model.")
        parser.add_argument(
            "--test-share",
            type=float,
            default=0.2,
            help="Share of the tickets held out to measure accuracy (default 0.2).",
        )
        parser.add_argument("--seed", type=int, default=12345, help="Seed of the split.")
        parser.add_argument(
            "--limit", type=int, default=200_000, help="Latest closed tickets to learn from."
        )
        parser.add_argument(
            "--min-samples", type=int, default=30, help="Refuse to train on fewer tickets."
        )

    def handle(self, *args, output="", test_share=0.2, seed=12345, limit=200_000, **options):
        if not 0 <= test_share < 1:
            raise CommandError(_("The test share must be at least 0 and below 1."))
        samples = closed_samples(limit)
        if len(samples) < max(options["min_samples"], 2):
            raise CommandError(
                _("Only %(n)d closed tickets: too few to train on (at least %(min)d).")
                % {"n": len(samples), "min": options["min_samples"]}
            )
        self.stdout.write(_("Training on %(n)d closed tickets...") % {"n": len(samples)})
        model, report = classifier.train(samples, test_share=test_share, seed=seed)
        path = Path(output) if output else classifier.configured_path()
        model.save(path)

        def share(value):
            return "—" if value is None else f"{value:.1%}"

        self.stdout.write(
            _(
                "Held-out accuracy on %(tested)d tickets: category %(category)s, "
                "handling unit %(department)s (%(categories)d categories, %(departments)d units)."
            )
            % {
                "tested": report.tested_on,
                "category": share(report.category_accuracy),
                "department": share(report.department_accuracy),
                "categories": report.categories,
                "departments": report.departments,
            }
        )
        self.stdout.write(_("Model saved to %(path)s.") % {"path": path})

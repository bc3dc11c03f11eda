"""Deliver the outbox to its receivers (docs/exchange.md).

    python manage.py exchange_push                   # every record due now, once; then exit
    python manage.py exchange_push --retry-failed    # first give failed records a fresh start
    python manage.py exchange_push --status          # only print the counts per status
    python manage.py exchange_push --replay FROM TO  # send again what was written FROM..TO
    python manage.py exchange_push --receiver CODE   # one receiver (default: every receiver)

Each run also urges the ticket transfers not acknowledged in time (``transfers.urge_overdue``).
Safe to run beside the delivery tasks and on several machines: records are claimed with
``SKIP LOCKED`` (PostgreSQL) and leased, and the receiver dedupes by each record's key.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from zhengwu.exchange import outbox, push, transfers
from zhengwu.exchange.models.outbound import OutboxRecord


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Deliver every due outbox record once and exit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed", action="store_true", help="Requeue failed records first."
        )
        parser.add_argument("--status", action="store_true", help="Print the counts and exit.")
        parser.add_argument(
            "--replay",
            nargs=2,
            metavar=("FROM", "TO"),
            help="Send again every record written from FROM to TO (dates, inclusive).",
        )
        parser.add_argument("--receiver", default=None, help="Only this receiver.")
        parser.add_argument("--batch", type=int, default=None, help="Records per request.")

    def handle(
        self,
        *args,
        retry_failed=False,
        status=False,
        replay=None,
        receiver=None,
        batch=None,
        **options,
    ):
        if status:
            self.stdout.write(
                " ".join(f"{k}={v}" for k, v in outbox.status_counts(receiver).items())
            )
            return
        if retry_failed:
            self.stdout.write(f"requeued={outbox.retry_failed(receiver)}")
        if replay:
            start, end = _day(replay[0]), _day(replay[1])
            if end < start:
                raise CommandError("TO is before FROM")
            self.stdout.write(f"replayed={outbox.replay(start, end, receiver)}")
        urged = transfers.urge_overdue()
        receivers = (
            [receiver]
            if receiver
            else sorted(
                set(
                    OutboxRecord.objects.filter(status=OutboxRecord.Status.PENDING)
                    .values_list("receiver", flat=True)
                    .distinct()
                )
            )
        )
        total = push.Report()
        for name in receivers:
            report = push.deliver(receiver=name, batch=batch)
            if report.errors and report.batches == 0 and not report.refused:
                if receiver:
                    raise CommandError(report.errors[0])
                self.stderr.write(f"{name}: {report.errors[0]}")
                continue
            for attr in ("delivered", "refused", "failed_attempts", "gave_up", "batches"):
                setattr(total, attr, getattr(total, attr) + getattr(report, attr))
            total.errors += report.errors
        counts = outbox.status_counts(receiver)
        self.stdout.write(
            f"delivered={total.delivered} refused={total.refused} "
            f"failed_attempts={total.failed_attempts} gave_up={total.gave_up} "
            f"batches={total.batches} pending={counts['pending']} failed={counts['failed']} "
            f"dead_letters={counts['refused']} urged={urged}"
        )
        for error in sorted(set(total.errors))[:5]:
            self.stderr.write(f"error: {error}")

"""Deliver the queued ratings and rectification outcomes to ``ZHENGWU_RATINGS_PUSH_URL``.

    python manage.py ratings_push                  # every record due now, once; then exit
    python manage.py ratings_push --retry-failed   # first give the failed records a fresh start
    python manage.py ratings_push --status         # only print the counts per status

Safe to run beside the delivery task and on several machines: records are claimed with
``SKIP LOCKED`` (PostgreSQL) and leased, and the receiver dedupes by each record's key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zhengwu.ratings import push


class Command(BaseCommand):
    help = "Deliver every pending rating push record once and exit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed", action="store_true", help="Requeue failed records first."
        )
        parser.add_argument("--status", action="store_true", help="Print the counts and exit.")
        parser.add_argument("--batch", type=int, default=None, help="Records per request.")

    def handle(self, *args, retry_failed=False, status=False, batch=None, **options):
        if status:
            self.stdout.write(" ".join(f"{k}={v}" for k, v in push.status_counts().items()))
            return
        if retry_failed:
            self.stdout.write(f"requeued={push.retry_failed()}")
        report = push.deliver(batch=batch)
        if report.errors and report.batches == 0:
            raise CommandError(report.errors[0])
        counts = push.status_counts()
        self.stdout.write(
            f"delivered={report.delivered} failed_attempts={report.failed_attempts} "
            f"gave_up={report.gave_up} batches={report.batches} "
            f"pending={counts['pending']} failed={counts['failed']}"
        )
        for error in sorted(set(report.errors))[:5]:
            self.stderr.write(f"error: {error}")

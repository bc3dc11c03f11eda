"""When an official calendar year arrives, the cases whose clocks relied on a provisional year
are recomputed by a background task (enqueued when the calendar change commits)."""

from __future__ import annotations

from django.dispatch import receiver

from zhengwu.workdays.signals import calendar_changed


@receiver(calendar_changed)
def recompute_cases(sender, years=(), **kwargs):
    from zhengwu.cases.tasks import recompute_provisional

    recompute_provisional.enqueue(sorted(int(y) for y in years))

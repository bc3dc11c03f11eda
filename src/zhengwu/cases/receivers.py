"""When an official calendar year arrives, the cases whose clocks relied on a provisional year
are recomputed by a background task (enqueued when the calendar change commits)."""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import empty

from zhengwu.workdays.signals import calendar_changed


@receiver(calendar_changed)
def recompute_cases(sender, years=(), **kwargs):
    from zhengwu.cases.tasks import recompute_provisional

    recompute_provisional.enqueue(sorted(int(y) for y in years))


@receiver(setting_changed)
def private_storage_follows_var_dir(sender, setting, **kwargs):
    """Uploaded materials live under VAR_DIR: rebuild the storage when a test changes it."""
    if setting == "VAR_DIR":
        from zhengwu.cases.models import private_storage

        private_storage._wrapped = empty

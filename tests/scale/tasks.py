"""A task for the scale-out tests: it counts its own runs in the shared cache, whose increments
are atomic across processes, so a task run twice shows as a count of 2."""

from __future__ import annotations

import time

from django.core.cache import cache
from django_tasks import task


@task()
def count_run(number: int, pause: float = 0.0) -> int:
    key = f"scale-out-run:{number}"
    cache.add(key, 0, timeout=3600)
    if pause:
        time.sleep(pause)
    return cache.incr(key)

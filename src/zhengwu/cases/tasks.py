"""Background work on cases (thin wrappers over the services)."""

from __future__ import annotations

from django_tasks import task

from zhengwu.cases import services


@task()
def recompute_provisional(years: list[int]) -> int:
    return services.recompute_provisional(years=years)

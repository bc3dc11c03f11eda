"""Background work on tickets (thin wrappers over the services)."""

from __future__ import annotations

from django_tasks import task

from zhengwu.tickets import services


@task()
def ticket_sweep() -> dict:
    """Automatic 督办: enqueue it from a scheduler, or run ``manage.py ticket_sweep --once``."""
    return services.sweep()

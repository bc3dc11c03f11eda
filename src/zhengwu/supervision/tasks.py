"""Background work of e-supervision (thin wrappers over the sweep)."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from zhengwu.supervision import sweep


@task()
def supervise() -> dict:
    return asdict(sweep.run())

"""The project's WSGI application as the benchmarks serve it (``Gunicorn`` in ``harness``).

- ``ZHENGWU_BENCH_TODAY=YYYY-MM-DD``: every request runs with ``zhengwu.core.clock`` frozen on
  that day (10:00 Shanghai at the server's start, moving with the real clock from there), so the
  server sees the same day the benchmark generated its data for.
- ``ZHENGWU_BENCH_QUERY_COUNT=1`` together with ``ZHENGWU_BENCH_ENDPOINTS=1`` (the switch of the
  bench-only endpoints, never on in production): each answer carries ``X-Query-Count``, the SQL
  statements the request ran.

Nothing here changes what the project does; it only wraps its ``application``.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from django.db import connections

from zhengwu.core import clock
from zhengwu.wsgi import application as project_application

_TODAY = os.environ.get("ZHENGWU_BENCH_TODAY")
_COUNT = os.environ.get("ZHENGWU_BENCH_QUERY_COUNT") == "1" and os.environ.get(
    "ZHENGWU_BENCH_ENDPOINTS"
) in ("1", "true", "yes", "on")
_BASE = (
    dt.datetime.combine(dt.date.fromisoformat(_TODAY), dt.time(10, 0), tzinfo=clock.LOCAL_TZ)
    if _TODAY
    else None
)
_STARTED = time.monotonic()


def _counted(environ, start_response):
    seen = [0]

    def count(execute, sql, params, many, context):
        seen[0] += 1
        return execute(sql, params, many, context)

    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Query-Count", str(seen[0]))], exc_info)

    wrappers = [connections[alias].execute_wrapper(count) for alias in connections]
    for wrapper in wrappers:
        wrapper.__enter__()
    try:
        return project_application(environ, start)
    finally:
        for wrapper in reversed(wrappers):
            wrapper.__exit__(None, None, None)


def application(environ, start_response):
    serve = _counted if _COUNT else project_application
    if _BASE is None:
        return serve(environ, start_response)
    with clock.frozen(_BASE + dt.timedelta(seconds=time.monotonic() - _STARTED)):
        return serve(environ, start_response)

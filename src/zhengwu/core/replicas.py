"""Reads that may go to a PostgreSQL streaming replica, and the router that sends them there.

A deployment lists its replicas in ``ZHENGWU_DATABASE_REPLICA_URLS`` (comma-separated); settings
turns each into a database alias ``replica1``, ``replica2``, ... and installs ``ReplicaRouter``.
Nothing goes to a replica unless a view asked for it: the reports, the dashboard, the board,
the public statistics and the exports are wrapped in ``reads_from_replica`` (or run their reads
inside ``replica_reads()``). Inside that scope a read goes to a healthy replica, unless

- the request comes from someone who wrote a moment ago (``ReadYourWritesMiddleware`` pins them
  to the primary for ``ZHENGWU_REPLICA_PIN_SECONDS``, default 5 s, by a cookie), or
- the primary's connection is inside a transaction (what it wrote is not on any replica yet).

A replica is healthy when it answers, is in recovery (a standby, not a promoted copy) and its
replay lags the primary by at most ``ZHENGWU_REPLICA_MAX_LAG_SECONDS`` (default 10 s). Each
process checks a replica at most every ``ZHENGWU_REPLICA_CHECK_SECONDS`` (default 5 s); a replica
that is down or lagging is skipped and the read goes to the primary. Writes and migrations
always go to the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

# Django's database cache reads through the router too; it stays on the primary with the
# sessions and everything else outside a replica scope.
_NEVER_ON_REPLICA = frozenset({"django_cache", "sessions", "axes"})

PIN_COOKIE = "zw_primary_until"

_scope: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "zhengwu_replica_reads", default=False
)
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "zhengwu_replica_pinned", default=False
)


def in_replica_scope() -> bool:
    return _scope.get()


def is_pinned() -> bool:
    return _pinned.get()


def replica_aliases() -> list[str]:
    return list(getattr(settings, "REPLICA_DATABASES", ()))


@dataclass
class Health:
    ok: bool
    lag_seconds: float | None
    reason: str
    checked_at: float


_LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE
         WHEN NOT pg_is_in_recovery() THEN NULL
         WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
         ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


class _Checker:
    """Each alias's last health check, shared by the threads of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._health: dict[str, Health] = {}
        self._turn = itertools.count()

    def health(self, alias: str, *, fresh: bool = False) -> Health:
        interval = float(getattr(settings, "REPLICA_CHECK_SECONDS", 5))
        now = time.monotonic()
        with self._lock:
            known = self._health.get(alias)
        if known is not None and not fresh and now - known.checked_at < interval:
            return known
        checked = self._check(alias, now)
        with self._lock:
            self._health[alias] = checked
        return checked

    def _check(self, alias: str, now: float) -> Health:
        limit = float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 10))
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute(_LAG_SQL)
                in_recovery, lag = cursor.fetchone()
        except DatabaseError as exc:
            with contextlib.suppress(DatabaseError):
                connection.close()
            return Health(False, None, f"unreachable: {exc.__class__.__name__}", now)
        if not in_recovery:
            return Health(False, None, "not a standby", now)
        lag = float(lag or 0)
        if lag > limit:
            return Health(False, lag, f"lagging {lag:.1f} s > {limit:g} s", now)
        return Health(True, lag, "ok", now)

    def choose(self) -> str | None:
        aliases = replica_aliases()
        if not aliases:
            return None
        start = next(self._turn)
        for offset in range(len(aliases)):
            alias = aliases[(start + offset) % len(aliases)]
            if self.health(alias).ok:
                return alias
        return None

    def forget(self) -> None:
        with self._lock:
            self._health.clear()


checker = _Checker()


def _primary_busy() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """Reads inside a replica scope to a healthy replica; everything else to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _scope.get() or _pinned.get():
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in _NEVER_ON_REPLICA or _primary_busy():
            return DEFAULT_DB_ALIAS
        return checker.choose() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # A replica holds the primary's very rows: objects read from either relate freely.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may go to a replica (see the module's text for when they do not)."""
    token = _scope.set(True)
    try:
        yield
    finally:
        _scope.reset(token)


@contextlib.contextmanager
def pinned_to_primary() -> Iterator[None]:
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A view whose reads may go to a replica: a report, a board, a dashboard, an export."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ReadYourWritesMiddleware:
    """Pins to the primary, for a few seconds, whoever just sent a write, so the page they are
    sent to next shows what they did even if the replicas have not replayed it yet."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        pin_seconds = float(getattr(settings, "REPLICA_PIN_SECONDS", 5))
        until = _cookie_time(request.COOKIES.get(PIN_COOKIE))
        pinned = until is not None and until > time.time()
        token = _pinned.set(pinned or request.method in _UNSAFE)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method in _UNSAFE and replica_aliases():
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + pin_seconds:.3f}",
                max_age=max(1, int(pin_seconds + 0.999)),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _cookie_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None

"""The shared rate limiter of the public pages (tries per client address in a fixed window)."""

from __future__ import annotations

import re

from django.core.cache import cache

from zhengwu.core import clock

_KEY_SAFE = re.compile(r"[^0-9A-Za-z.:_-]")


def client_address(request) -> str:
    """The client's address as the web server saw it (the front proxy sets REMOTE_ADDR)."""
    return _KEY_SAFE.sub("_", request.META.get("REMOTE_ADDR", "") or "unknown")[:64]


def rate_limited(request, scope: str, *, limit: int, window: int) -> bool:
    """Count one try of ``scope`` for the client's address in a fixed window of ``window``
    seconds (Django's cache, shared by every app server when it is a shared cache); True when the
    try is over ``limit``."""
    bucket = int(clock.now().timestamp() // window)
    key = f"zw:rate:{scope}:{client_address(request)}:{bucket}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit

"""The rate limits count in the cache every process shares: the database cache by default
(atomic increments), Redis when ZHENGWU_CACHE_URL says so."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import RequestFactory

from zhengwu.cases.portal import rate_limited
from zhengwu.core.cache import DatabaseCache

CHILD = """
import django, sys
django.setup()
from django.test import RequestFactory
from zhengwu.cases.portal import rate_limited
request = RequestFactory().get("/", REMOTE_ADDR="10.7.7.7")
print(sum(rate_limited(request, "shared", limit=4, window=3600) for _ in range(3)))
"""


def database_url() -> str:
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgres://{user}@{conf['HOST']}:{conf['PORT'] or 5432}/{conf['NAME']}"


def test_the_default_cache_is_the_database():
    assert isinstance(caches["default"], DatabaseCache)
    assert settings.CACHES["default"]["LOCATION"] == "zhengwu_cache"


@pytest.mark.django_db(transaction=True)
def test_two_processes_count_the_same_tries():
    request = RequestFactory().get("/", REMOTE_ADDR="10.7.7.7")
    assert not rate_limited(request, "shared", limit=4, window=3600)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhengwu.settings",
        "ZHENGWU_DATABASE_URL": database_url(),
    }
    child = subprocess.run(  # noqa: S603 (this interpreter, our code)
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
    )
    assert child.stdout.strip() == "0"  # tries 2, 3 and 4: within the limit
    assert rate_limited(request, "shared", limit=4, window=3600)  # the fifth, counted here
    other = RequestFactory().get("/", REMOTE_ADDR="10.7.7.8")
    assert not rate_limited(other, "shared", limit=4, window=3600)


@pytest.mark.django_db(transaction=True)
def test_concurrent_tries_on_separate_connections_are_each_counted():
    threads, tries, limit = 4, 6, 10
    allowed = []
    barrier = threading.Barrier(threads)

    def run():
        request = RequestFactory().get("/", REMOTE_ADDR="10.8.8.8")
        try:
            barrier.wait()
            for _ in range(tries):
                allowed.append(not rate_limited(request, "burst", limit=limit, window=3600))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(allowed) == threads * tries
    assert sum(allowed) == limit  # no try lost, none counted twice


@pytest.mark.django_db
def test_incr_of_a_missing_or_expired_key_raises_as_django_says():
    with pytest.raises(ValueError):
        cache.incr("zw:none")
    cache.set("zw:gone", 1, timeout=-1)
    with pytest.raises(ValueError):
        cache.incr("zw:gone")
    cache.set("zw:n", 5)
    assert cache.incr("zw:n", 2) == 7
    assert cache.decr("zw:n") == 6
    assert cache.get("zw:n") == 6


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "zhengwu.core.cache.DatabaseCache"),
        ("redis://cache.internal:6379/2", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_zhengwu_cache_url_chooses_the_backend(url, backend):
    code = (
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'], c['LOCATION'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhengwu.settings", "ZHENGWU_CACHE_URL": url}
    out = subprocess.run(  # noqa: S603 (this interpreter, our code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [backend, url or "zhengwu_cache"]


def test_an_unknown_cache_url_is_refused():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhengwu.settings",
        "ZHENGWU_CACHE_URL": "memcached://x",
    }
    code = "from django.conf import settings; settings.CACHES"
    out = subprocess.run(  # noqa: S603 (this interpreter, our code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "ZHENGWU_CACHE_URL" in out.stderr

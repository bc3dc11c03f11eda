"""The replica router without a replica: what stays on the primary, and why.

A real streaming replica is exercised in tests/replica/ (CI starts one)."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend
from django.test import RequestFactory

from zhengwu.accounts.models import Department
from zhengwu.core import replicas

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_replica(settings):
    added: list[str] = []

    def add(alias: str, **config) -> str:
        base = dict(connections["default"].settings_dict)
        if base["ENGINE"] != "django.db.backends.postgresql":
            base = {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "zhengwu",
                "USER": "postgres",
                "PASSWORD": "",
                "HOST": "127.0.0.1",
                "PORT": 5432,
                "OPTIONS": {},
                "ATOMIC_REQUESTS": False,
                "AUTOCOMMIT": True,
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
                "TIME_ZONE": None,
                "TEST": {},
            }
        base.update(config)
        base["OPTIONS"] = {**base.get("OPTIONS", {}), "connect_timeout": 1}
        # A connection made here, not configured in settings: the test case allows those.
        setattr(
            connections._connections,
            alias,
            load_backend(base["ENGINE"]).DatabaseWrapper(base, alias),
        )
        settings.REPLICA_DATABASES = [*settings.REPLICA_DATABASES, alias]
        added.append(alias)
        return alias

    replicas.checker.forget()
    yield add
    replicas.checker.forget()
    for alias in added:
        connections[alias].close()
        delattr(connections._connections, alias)


def test_without_replicas_every_read_is_the_primarys():
    with replicas.replica_reads():
        assert replicas.ReplicaRouter().db_for_read(Department) == "default"


def test_outside_a_replica_scope_reads_stay_on_the_primary(add_replica):
    add_replica("replica_down", PORT=1)
    assert replicas.ReplicaRouter().db_for_read(Department) == "default"


def test_a_replica_that_does_not_answer_is_skipped(add_replica):
    add_replica("replica_down", PORT=1)
    with replicas.replica_reads():
        assert replicas.ReplicaRouter().db_for_read(Department) == "default"
    health = replicas.checker.health("replica_down")
    assert not health.ok
    assert health.reason.startswith("unreachable")


def test_the_health_of_a_replica_is_checked_once_per_interval(add_replica, settings):
    settings.REPLICA_CHECK_SECONDS = 60
    add_replica("replica_down", PORT=1)
    first = replicas.checker.health("replica_down")
    assert replicas.checker.health("replica_down") is first
    assert replicas.checker.health("replica_down", fresh=True) is not first


@pytest.mark.skipif(
    "postgresql" not in connections["default"].settings_dict["ENGINE"],
    reason="a primary standing in for a replica needs PostgreSQL",
)
def test_a_database_that_is_not_a_standby_is_not_used_as_a_replica(add_replica):
    add_replica("replica_primary")
    with replicas.replica_reads():
        assert replicas.ReplicaRouter().db_for_read(Department) == "default"
    assert replicas.checker.health("replica_primary").reason == "not a standby"


def test_writes_and_migrations_go_to_the_primary_only(add_replica):
    add_replica("replica_down", PORT=1)
    router = replicas.ReplicaRouter()
    with replicas.replica_reads():
        assert router.db_for_write(Department) == "default"
    assert router.allow_migrate("default", "accounts")
    assert not router.allow_migrate("replica_down", "accounts")


def test_reads_inside_a_transaction_stay_on_the_primary():
    # Whatever the transaction wrote is on no replica yet.
    with replicas.replica_reads(), transaction.atomic():
        assert replicas.ReplicaRouter().db_for_read(Department) == "default"


def test_the_database_cache_never_reads_from_a_replica(add_replica):
    from django.core.cache.backends.db import BaseDatabaseCache

    cache_model = BaseDatabaseCache("zhengwu_cache", {}).cache_model_class
    add_replica("replica_down", PORT=1)
    with replicas.replica_reads():
        assert replicas.ReplicaRouter().db_for_read(cache_model) == "default"


def _respond(request):
    from django.http import HttpResponse

    with replicas.replica_reads():
        alias = replicas.ReplicaRouter().db_for_read(Department)
    return HttpResponse(alias)


def test_a_write_pins_its_author_to_the_primary_for_a_few_seconds(add_replica, settings):
    settings.REPLICA_PIN_SECONDS = 5
    add_replica("replica_down", PORT=1)
    middleware = replicas.ReadYourWritesMiddleware(_respond)
    factory = RequestFactory()

    wrote = middleware(factory.post("/cases/"))
    cookie = wrote.cookies[replicas.PIN_COOKIE]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]

    pinned = factory.get("/assessment/")
    pinned.COOKIES[replicas.PIN_COOKIE] = cookie.value
    seen: list[bool] = []

    def remember(request):
        seen.append(replicas.is_pinned())
        return _respond(request)

    replicas.ReadYourWritesMiddleware(remember)(pinned)
    assert seen == [True]

    expired = factory.get("/assessment/")
    expired.COOKIES[replicas.PIN_COOKIE] = "1.0"
    replicas.ReadYourWritesMiddleware(remember)(expired)
    assert seen == [True, False]


def test_no_pin_cookie_without_replicas():
    response = replicas.ReadYourWritesMiddleware(_respond)(RequestFactory().post("/cases/"))
    assert replicas.PIN_COOKIE not in response.cookies


def test_a_view_marked_for_replicas_reads_in_the_replica_scope():
    seen: list[bool] = []

    @replicas.reads_from_replica
    def view(request):
        seen.append(replicas.in_replica_scope())
        return None

    view(RequestFactory().get("/"))
    assert seen == [True]
    assert replicas.in_replica_scope() is False

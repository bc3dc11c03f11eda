"""The replica router against a real streaming replica of the test database.

CI starts one with ``.ci/replica start 5433`` and runs these with ``ZHENGWU_TEST_REPLICA_PORT``
set; elsewhere they are skipped with that reason. The replica streams the whole primary cluster,
so the test database created on the primary appears on it under the same name."""

from __future__ import annotations

import os
import time

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from tests.factories import DepartmentFactory
from zhengwu.accounts.models import Department
from zhengwu.core import replicas

PORT = os.environ.get("ZHENGWU_TEST_REPLICA_PORT")

pytestmark = [
    pytest.mark.skipif(not PORT, reason="no streaming replica (ZHENGWU_TEST_REPLICA_PORT unset)"),
    pytest.mark.django_db(transaction=True),
]

ALIAS = "replica_stream"


@pytest.fixture
def replica(settings):
    if connections["default"].vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL")
    config = dict(connections["default"].settings_dict)
    config.update(PORT=int(PORT), CONN_MAX_AGE=0)
    config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 2}
    # Made here, not configured in settings: the test case allows such connections.
    setattr(
        connections._connections,
        ALIAS,
        load_backend(config["ENGINE"]).DatabaseWrapper(config, ALIAS),
    )
    settings.REPLICA_DATABASES = [ALIAS]
    settings.REPLICA_CHECK_SECONDS = 0
    replicas.checker.forget()
    yield connections[ALIAS]
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_wal_replay_paused()")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT pg_wal_replay_resume()")
    connections[ALIAS].close()
    delattr(connections._connections, ALIAS)
    replicas.checker.forget()


def _replayed(code: str, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Department.objects.using(ALIAS).filter(code=code).exists():
            return True
        time.sleep(0.1)
    return False


def test_a_report_read_goes_to_the_replica_once_it_has_replayed(replica):
    DepartmentFactory(code="STREAM1", name="流复制测试局")
    assert _replayed("STREAM1")

    health = replicas.checker.health(ALIAS, fresh=True)
    assert health.ok, health.reason
    with CaptureQueriesContext(replica) as on_replica, replicas.replica_reads():
        names = list(Department.objects.filter(code="STREAM1").values_list("name", flat=True))
    assert names == ["流复制测试局"]
    assert any("accounts_department" in q["sql"] for q in on_replica.captured_queries)


def test_a_board_page_reads_from_the_replica(replica, client):
    from tests.factories import UserFactory
    from zhengwu.core.roles import Role

    supervisor = UserFactory(roles=[Role.SUPERVISOR], department=None, full_name="周监察")
    deadline = time.monotonic() + 15
    while not type(supervisor).objects.using(ALIAS).filter(pk=supervisor.pk).exists():
        assert time.monotonic() < deadline, "the replica did not replay the user"
        time.sleep(0.1)
    client.force_login(supervisor)
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/supervision/")
    assert response.status_code == 200
    assert on_replica.captured_queries, "the board read nothing from the replica"


def test_a_replica_lagging_beyond_the_limit_is_skipped(replica, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    DepartmentFactory(code="STREAM2", name="回放前")
    assert _replayed("STREAM2")
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    # Writes the paused replica receives but does not replay: its lag grows past the limit.
    deadline = time.monotonic() + 20
    while True:
        Department.objects.filter(code="STREAM2").update(name=f"回放暂停 {time.monotonic():.0f}")
        health = replicas.checker.health(ALIAS, fresh=True)
        if not health.ok:
            break
        assert time.monotonic() < deadline, "the paused replica never lagged"
        time.sleep(0.5)
    assert health.reason.startswith("lagging")
    with replicas.replica_reads():
        assert replicas.ReplicaRouter().db_for_read(Department) == "default"

    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 20
    while not replicas.checker.health(ALIAS, fresh=True).ok:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.2)
    with replicas.replica_reads():
        assert replicas.ReplicaRouter().db_for_read(Department) == ALIAS


def test_after_a_write_its_author_reads_from_the_primary(replica, client):
    from tests.factories import UserFactory
    from zhengwu.core.roles import Role

    supervisor = UserFactory(roles=[Role.SUPERVISOR], department=None, full_name="吴监察")
    client.force_login(supervisor)
    client.post("/supervision/", {})  # any write: the answer pins the author
    assert replicas.PIN_COOKIE in client.cookies
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/supervision/")
    assert response.status_code == 200
    assert not on_replica.captured_queries

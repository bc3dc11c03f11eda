"""Login throttling (django-axes): a username or an address locked out after repeated failures,
on the site login and the admin login, with a Chinese page or JSON, recorded for the admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings

from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def attempt(client, username, password, *, address="10.1.1.1", url=LOGIN, **headers):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, username, times, **kwargs):
    """``times`` wrong passwords: the form again with its error until the limit, whose failure
    is answered with the lockout."""
    for n in range(times):
        response = attempt(client, username, "wrong-password", **kwargs)
        expected = 429 if n + 1 >= settings.AXES_FAILURE_LIMIT else 200
        assert response.status_code == expected


def test_one_account_is_locked_after_the_failure_limit_from_any_address(client, make_user):
    make_user(Role.REVIEWER, username="rev")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        fail(client, "rev", 1, address=f"10.2.0.{n}")
    assert attempt(client, "rev", "wrong", address="10.2.1.1").status_code == 429
    locked = attempt(client, "rev", "pass-1234", address="10.2.9.9")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多" in page and "15 分钟" in page
    assert 'data-testid="locked-out"' in page and "navbar" in page  # the site's layout
    assert "_auth_user_id" not in client.session
    assert AccessFailureLog.objects.filter(username="rev", locked_out=True).exists()


def test_one_address_is_locked_after_the_failure_limit_for_any_account(client, make_user):
    make_user(Role.REVIEWER, username="rev")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        fail(client, f"guess{n}", 1, address="10.3.3.3")
    assert attempt(client, "guess9", "wrong", address="10.3.3.3").status_code == 429
    assert attempt(client, "rev", "pass-1234", address="10.3.3.3").status_code == 429
    assert attempt(client, "rev", "pass-1234", address="10.3.3.4").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, make_user):
    make_user(Role.REVIEWER, username="rev")
    with time_machine.travel(START, tick=False):
        fail(client, "rev", settings.AXES_FAILURE_LIMIT)
        assert attempt(client, "rev", "pass-1234").status_code == 429
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        assert attempt(client, "rev", "pass-1234").status_code == 429
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        assert attempt(client, "rev", "pass-1234").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, make_user):
    make_user(Role.REVIEWER, username="rev")
    fail(client, "rev", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "rev", "pass-1234").status_code == 302
    client.post("/accounts/logout/")
    fail(client, "rev", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "rev", "pass-1234").status_code == 302


def test_the_admin_login_is_throttled_too(client, admin_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "admin1", "wrong-password", url=ADMIN_LOGIN)
        assert response.status_code == 200
    assert attempt(client, "admin1", "wrong-password", url=ADMIN_LOGIN).status_code == 429
    locked = attempt(client, "admin1", "pass-1234", url=ADMIN_LOGIN)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert AccessAttempt.objects.get(username="admin1").path_info == ADMIN_LOGIN


def test_a_client_asking_for_json_gets_json(client, make_user):
    make_user(Role.REVIEWER, username="rev")
    fail(client, "rev", settings.AXES_FAILURE_LIMIT)
    locked = attempt(client, "rev", "pass-1234", HTTP_ACCEPT="application/json")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    body = locked.json()
    assert body["code"] == "locked_out"
    assert "登录失败次数过多" in body["message"]


def test_admins_see_attempts_and_lockouts_in_chinese(client, admin_user, make_user):
    make_user(Role.REVIEWER, username="rev")
    fail(client, "rev", settings.AXES_FAILURE_LIMIT, address="10.4.4.4")
    attempt(client, "rev", "pass-1234", address="10.4.4.4")
    client.force_login(admin_user)
    index = client.get("/admin/").content.decode()
    assert "登录保护" in index and "登录失败记录" in index and "登录尝试" in index
    failures = client.get("/admin/axes/accessfailurelog/").content.decode()
    assert "rev" in failures and "10.4.4.4" in failures and "已锁定" in failures
    attempts = client.get("/admin/axes/accessattempt/").content.decode()
    assert "失败次数" in attempts and "rev" in attempts

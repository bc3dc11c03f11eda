import pytest

from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db


def test_home_is_chinese_even_when_the_browser_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_language_switch_to_english_is_kept(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Log in" in page


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_login_sends_each_role_to_its_work(client, make_user, department):
    make_user(Role.DEPARTMENT_HEAD, department=department, username="head")
    response = client.post("/accounts/login/", {"username": "head", "password": "pass-1234"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'data-testid="work-entries"' in page
    assert "/catalog/manage/" in page


def test_failed_login_keeps_username_and_says_why_in_chinese(client, make_user):
    make_user(Role.WINDOW_CLERK, username="clerk")
    response = client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="clerk"' in page
    assert "请输入一个正确的" in page


def test_user_without_role_is_told_so(client, db):
    from tests.factories import UserFactory

    UserFactory(username="norole")
    client.post("/accounts/login/", {"username": "norole", "password": "pass-1234"})
    assert "还没有角色" in client.get("/").content.decode()


def test_logout(client, make_user):
    make_user(Role.LEADER, username="leader")
    client.post("/accounts/login/", {"username": "leader", "password": "pass-1234"})
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "current-user" not in client.get("/").content.decode()


def test_admin_is_chinese(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "系统管理" in page

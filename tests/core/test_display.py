"""People by their names and dates the Chinese way, everywhere; error pages in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from zhengwu.accounts.models import User
from zhengwu.core import views
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.core.display import cn_date, cn_datetime, people_by_login, person_name
from zhengwu.core.roles import Role


def test_a_person_is_shown_by_full_name_then_first_and_last_never_the_login():
    with translation.override("zh-hans"):
        assert person_name(User(username="wang", full_name="王芳")) == "王芳"
        assert person_name(User(username="li", first_name="四", last_name="李")) == "四 李"
        assert person_name(User(username="nobody")) == "未署名用户"
        assert User(username="nobody").display_name == "未署名用户"
        assert str(User(username="nobody")) == "未署名用户"
        assert person_name(None) == ""


@pytest.mark.django_db
def test_logins_kept_in_records_are_shown_as_names(make_user):
    make_user(Role.WINDOW_CLERK, username="clerk7", full_name="赵敏")
    make_user(Role.WINDOW_CLERK, username="clerk8", full_name="")
    with translation.override("zh-hans"):
        names = people_by_login(["clerk7", "clerk8", "gone", ""])
    assert names == {"clerk7": "赵敏", "clerk8": "未署名用户"}


def test_one_date_style_per_kind_in_filters_and_in_django_formats():
    moment = dt.datetime(2026, 12, 6, 14, 5, tzinfo=LOCAL_TZ)
    day = dt.date(2026, 12, 6)
    assert cn_date(day) == cn_date(moment) == "2026年12月6日"
    assert cn_datetime(moment) == "2026年12月6日 14:05"
    template = Template(
        '{{ d|date }}|{{ m|date:"DATETIME_FORMAT" }}|{{ d|cn_date }}|{{ m|cn_datetime }}|'
        "{{ u|person }}"
    )
    with translation.override("zh-hans"):
        text = template.render(
            Context({"d": day, "m": moment, "u": User(username="wang", full_name="王芳")})
        )
    assert text == "2026年12月6日|2026年12月6日 14:05|2026年12月6日|2026年12月6日 14:05|王芳"


@pytest.mark.django_db
def test_404_is_chinese_in_the_site_layout(client):
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and 'data-testid="error-404"' in body
    assert "navbar" in body and "返回首页" in body


@pytest.mark.django_db
def test_403_is_chinese_in_the_site_layout(client, make_user):
    user = make_user(Role.APPLICANT, username="someone", full_name="钱七")
    client.force_login(user)
    response = client.get("/supervision/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in body and 'data-testid="error-403"' in body
    assert "钱七" in body  # the layout's header, with the person's name


def test_500_needs_neither_the_database_nor_the_request_context():
    # No django_db mark: pytest-django refuses any query here.
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = views.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and 'data-testid="error-500"' in body and "navbar" in body


@pytest.mark.django_db
def test_a_stale_form_gets_the_chinese_403(make_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单未能提交" in response.content.decode()


@pytest.mark.django_db
def test_the_assessment_names_staff_rows_by_name_never_login(make_user):
    from zhengwu.assessment.selectors import _names

    named = make_user(Role.WINDOW_CLERK, username="clerk5", full_name="孙丽")
    unnamed = make_user(Role.WINDOW_CLERK, username="clerk6", full_name="")
    with translation.override("zh-hans"):
        names = _names("staff", [named.pk, unnamed.pk], None)
    assert names == {named.pk: "孙丽", unnamed.pk: "未署名用户"}

"""The staff calendar page /workdays/: admin only; the month grid; preview and import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workdays.test_provisional import SCHEDULE_2027
from zhengwu.core.roles import Role
from zhengwu.workdays import add_workdays, loader, sources
from zhengwu.workdays.models import CalendarChange, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

URL = "/workdays/"

HOLIDAYS_2027 = "2027-02-05,2027-02-12,春节\n2027-10-01,2027-10-07,国庆节"
WORKDAYS_2027 = "2027-02-13,春节调休上班\n2027-10-09"


def test_the_url_name():
    assert reverse("workdays:calendar") == URL


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.SUPERVISOR, Role.APPLICANT])
def test_other_roles_are_forbidden(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"year": 2027, "holidays": HOLIDAYS_2027}).status_code == 403
    assert not CalendarDay.objects.exists()


def test_an_admin_sees_the_year_as_a_month_grid(client, make_user):
    client.force_login(make_user(Role.ADMIN, username="cal-admin"))
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026 年工作日历" in html
    assert html.count('class="card h-100"') == 12
    assert 'data-date="2026-02-17"' in html
    cell = html.split('data-date="2026-02-14"')[0].rsplit("<td", 1)[1]
    assert "wd-makeup" in cell
    cell = html.split('data-date="2026-02-17"')[0].rsplit("<td", 1)[1]
    assert "wd-holiday" in cell and "春节" in cell
    assert "2026年2月14日" in html  # the list of special days, dates the Chinese way
    assert "官方" in html


def test_a_provisional_year_is_marked(admin_client, provisional_2027):
    html = admin_client.get(URL, {"year": 2027}).content.decode()
    assert "暂定" in html


def test_an_unknown_year_falls_back_to_this_year(admin_client):
    assert admin_client.get(URL, {"year": "abc"}).status_code == 200
    assert admin_client.get(URL, {"year": 1990}).status_code == 200


def test_preview_then_import(
    admin_client, admin_user, provisional_2027, announcements, django_capture_on_commit_callbacks
):
    data = {
        "year": 2027,
        "notice": "国办发明电〔2026〕1号",
        "holidays": HOLIDAYS_2027,
        "workdays": WORKDAYS_2027,
        "action": "preview",
    }
    response = admin_client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="preview"' in html
    assert "2027年2月13日" in html  # the make-up Saturday appears among the changes
    assert not CalendarDay.objects.exists()
    digest = response.context["form"].initial["digest"]
    assert digest

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(URL, {**data, "action": "import", "digest": digest})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year=2027"
    assert loader.year_status(2027) == sources.OFFICIAL
    assert add_workdays(dt.date(2027, 2, 4), 1) == dt.date(2027, 2, 13)
    assert CalendarYear.objects.get(year=2027).imported_by == admin_user
    assert CalendarChange.objects.filter(year=2027, date=dt.date(2027, 2, 13)).exists()
    assert announcements == [([2027], "import")]
    page = admin_client.get(response["Location"]).content.decode()
    assert "已导入" in page and "官方" in page


def test_import_without_the_previewed_fingerprint_is_refused(admin_client, provisional_2027):
    data = {
        "year": 2027,
        "holidays": HOLIDAYS_2027,
        "workdays": WORKDAYS_2027,
        "action": "import",
        "digest": "not-the-preview",
    }
    response = admin_client.post(URL, data)
    assert response.status_code == 422
    assert "预览" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_errors_keep_what_was_typed(admin_client):
    typed_holidays = "2027-02-05,2027-02-12,春节\n2027-13-01,2027-13-02,错"
    typed_workdays = "2027-02-15,补班"
    response = admin_client.post(
        URL,
        {
            "year": 2027,
            "notice": "草稿",
            "holidays": typed_holidays,
            "workdays": typed_workdays,
            "action": "preview",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "第 2 行" in html
    assert "2027-13-01,2027-13-02,错" in html
    assert "2027-02-15,补班" in html
    assert 'value="草稿"' in html
    assert "is-invalid" in html
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({"year": "", "holidays": HOLIDAYS_2027}, "year", "必填"),
        ({"year": 1990, "holidays": HOLIDAYS_2027}, "year", "请输入"),
        ({"year": 2027}, "holidays", "请填写"),
        (
            {"year": 2027, "holidays": HOLIDAYS_2027, "workdays": "2027-02-15"},
            "workdays",
            "是工作日",
        ),
        ({"year": 2026, "holidays": HOLIDAYS_2027}, "holidays", "不在 2026 年"),
    ],
)
def test_form_errors_in_chinese(admin_client, data, field, expected):
    response = admin_client.post(URL, {**data, "action": "preview"})
    assert response.status_code == 422
    errors = response.context["form"].errors[field]
    assert any(expected in e for e in errors), errors


def test_a_file_upload_is_previewed_as_text(admin_client, provisional_2027):
    upload = SimpleUploadedFile("2027.csv", SCHEDULE_2027.encode(), content_type="text/csv")
    response = admin_client.post(URL, {"year": 2027, "file": upload, "action": "preview"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "2027-02-05,2027-02-12,春节" in form.initial["holidays"]
    assert "2027-02-13,春节调休上班" in form.initial["workdays"]
    # the confirmation sends the text back, with the fingerprint
    response = admin_client.post(
        URL,
        {
            "year": 2027,
            "holidays": form.initial["holidays"],
            "workdays": form.initial["workdays"],
            "digest": form.initial["digest"],
            "action": "import",
        },
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).is_imported


def test_a_file_and_typed_text_together_are_refused(admin_client):
    upload = SimpleUploadedFile("2027.csv", SCHEDULE_2027.encode(), content_type="text/csv")
    response = admin_client.post(
        URL, {"year": 2027, "file": upload, "holidays": HOLIDAYS_2027, "action": "preview"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["file"]


def test_the_page_in_english(admin_client):
    admin_client.cookies["django_language"] = "en"
    html = admin_client.get(URL, {"year": 2026}).content.decode()
    assert "Working-day calendar 2026" in html
    assert "2026-02-14" in html

"""The helpers every domain shares: styled forms, keyset cursors, the chained-event shape, input
cleaners, the applicant page guard and the rate limiter."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django import forms
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from tests.factories import UserFactory
from zhengwu.core import clock
from zhengwu.core.cursors import decode_cursor, encode_cursor
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.forms import NOTE_WIDGET, DateTimeLocalInput, StyledForm
from zhengwu.core.inputs import phone, text
from zhengwu.core.presenters import chained_event
from zhengwu.core.ratelimit import client_address, rate_limited
from zhengwu.core.views import applicant_required

# --- forms ---------------------------------------------------------------------------------------


class Sample(StyledForm):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A")])
    agree = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(widget=NOTE_WIDGET, required=False)
    when = forms.DateTimeField(widget=DateTimeLocalInput, required=False)


def test_a_styled_form_puts_bootstrap_classes_on_its_widgets():
    form = Sample()
    assert form["name"].field.widget.attrs["class"] == "form-control"
    assert form["kind"].field.widget.attrs["class"] == "form-select"
    assert form["agree"].field.widget.attrs["class"] == "form-check-input"
    assert "class" not in form["hidden"].field.widget.attrs
    assert form["note"].field.widget.attrs["rows"] == 2
    assert 'type="datetime-local"' in str(form["when"])


def test_put_errors_puts_the_services_messages_on_fields_and_returns_the_rest():
    form = Sample(data={"name": "x", "kind": "a"})
    assert form.is_valid()
    failed = ValidationFailed({"title": ["too long"], "hidden": ["bad"], "other": ["no field"]})
    rest = form.put_errors(failed, rename={"title": "name"})
    assert form.errors["name"] == ["too long"]
    assert rest == ["bad", "no field"]


# --- cursors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("row_id", [1, 7, 12345, 10**12])
def test_a_cursor_gives_back_its_id(row_id):
    cursor = encode_cursor(row_id)
    assert "=" not in cursor
    assert decode_cursor(cursor) == row_id


@pytest.mark.parametrize("cursor", ["", "!!!", "YWJj", encode_cursor(0), encode_cursor(-3), "€"])
def test_a_cursor_that_is_not_ours_starts_from_the_beginning(cursor):
    assert decode_cursor(cursor) is None


# --- the chained-event shape ---------------------------------------------------------------------


def test_a_chained_event_shows_local_moments_and_its_place_in_the_chain():
    moment = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    row = SimpleNamespace(
        seq=3,
        kind="accept",
        occurred_at=moment,
        recorded_at=moment + dt.timedelta(days=2),
        actor_name="王芳",
        data={"note": "x"},
        retroactive=True,
    )
    assert chained_event(row) == {
        "seq": 3,
        "kind": "accept",
        "occurred_at": "2026-03-02T09:30:00+08:00",
        "recorded_at": "2026-03-04T09:30:00+08:00",
        "actor": "王芳",
        "data": {"note": "x"},
        "retroactive": True,
    }


# --- input cleaners ------------------------------------------------------------------------------


def test_text_strips_and_drops_nul_characters():
    errors: dict = {}
    assert text("  a\x00b  ", "note", required=True, errors=errors) == "ab"
    assert errors == {}


@pytest.mark.parametrize(
    ("value", "required", "message"),
    [
        (None, True, "此项为必填项。"),
        ("   ", True, "此项为必填项。"),
        (12, False, "请输入文本。"),
        ("x" * 11, False, "文本过长。"),
    ],
)
def test_text_refusals_name_the_field(value, required, message):
    errors: dict = {}
    with translation.override("zh-hans"):
        text(value, "note", required=required, errors=errors, limit=10)
    assert errors == {"note": [message]}


@pytest.mark.parametrize("value", ["13800138000", "+86 138-0013-8000", "010-12345678"])
def test_phone_takes_numbers_with_separators(value):
    errors: dict = {}
    assert phone(f" {value} ", "phone", errors=errors) == value
    assert errors == {}


@pytest.mark.parametrize("value", ["", "12ab5678", "123", "1" * 21])
def test_phone_refuses_what_is_not_a_number(value):
    errors: dict = {}
    phone(value, "phone", errors=errors)
    assert list(errors) == ["phone"]


def test_phone_refusal_is_in_chinese():
    errors: dict = {}
    with translation.override("zh-hans"):
        phone("abc", "phone", errors=errors)
    assert errors == {"phone": ["请填写有效的电话号码。"]}


# --- the applicant page guard --------------------------------------------------------------------


@applicant_required
def _page(request):
    return HttpResponse("ok")


@pytest.mark.django_db
def test_the_applicant_guard_sends_strangers_to_login_and_refuses_staff(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = rf.get("/x/")
    request.user = AnonymousUser()
    assert _page(request).status_code == 302
    request.user = UserFactory(roles=["window_clerk"])
    with pytest.raises(PermissionDenied):
        _page(request)
    request.user = UserFactory(roles=["applicant"])
    assert _page(request).status_code == 200


# --- the rate limiter ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rate_limiter_counts_per_address_and_window():
    cache.clear()
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="10.0.0.1")
    two = factory.get("/", REMOTE_ADDR="10.0.0.2")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        assert [rate_limited(one, "t", limit=2, window=60) for _ in range(3)] == [
            False,
            False,
            True,
        ]
        assert rate_limited(two, "t", limit=2, window=60) is False
        assert rate_limited(one, "other", limit=2, window=60) is False
    with clock.frozen(start + dt.timedelta(seconds=60)):
        assert rate_limited(one, "t", limit=2, window=60) is False


def test_the_client_address_is_safe_in_a_cache_key():
    request = RequestFactory().get("/", REMOTE_ADDR="fe80::1 %eth0")
    assert client_address(request) == "fe80::1__eth0"
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="")) == "unknown"

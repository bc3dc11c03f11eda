"""Password rules: Django's common-password and numeric validators for everyone, at least 10
characters for staff, applied wherever accounts are created."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from zhengwu.accounts import services
from zhengwu.accounts.models import User
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db


def rejected(**kwargs) -> list[str]:
    with pytest.raises(ValidationFailed) as error:
        services.create_user(**kwargs)
    assert not User.objects.filter(username=kwargs["username"]).exists()  # nothing half-made
    return error.value.errors["password"]


def test_staff_passwords_need_ten_characters(department):
    messages = rejected(
        username="clerk", roles=[Role.WINDOW_CLERK], department_code="SCJ", password="Qx7-pw-k9"
    )
    assert any("至少" in m and "10" in m for m in messages)
    user = services.create_user(
        username="clerk", roles=[Role.WINDOW_CLERK], department_code="SCJ", password="Qx7-pw-k9z"
    )
    assert user.check_password("Qx7-pw-k9z")


def test_an_applicant_needs_only_django_s_minimum(db):
    user = services.create_user(username="citizen", roles=[Role.APPLICANT], password="Qx7-pw-k")
    assert user.check_password("Qx7-pw-k")
    assert rejected(username="citizen2", roles=[Role.APPLICANT], password="Qx7-pw")


@pytest.mark.parametrize(
    ("password", "reason"), [("password1234", "常见"), ("2026031412345", "只包含数字")]
)
def test_common_and_numeric_passwords_are_refused(password, reason):
    messages = rejected(username="lead", roles=[Role.LEADER], password=password)
    assert any(reason in m for m in messages)


def test_setting_a_password_on_an_existing_account_is_checked_against_its_roles(department):
    services.create_user(username="rev", roles=[Role.APPLICANT], password="Qx7-pw-k")
    with pytest.raises(ValidationFailed):
        services.create_user(username="rev", roles=[Role.REVIEWER], password="Qx7-pw-k")
    assert User.objects.get(username="rev").check_password("Qx7-pw-k")


def test_the_command_reports_the_rule_in_chinese(department):
    with pytest.raises(CommandError, match="至少"):
        call_command("create_user", "u1", "--role", "reviewer", "--password", "short-1")
    assert not User.objects.filter(username="u1").exists()


def test_the_demo_flag_keeps_the_published_demo_password(db):
    user = services.create_user(
        username="demo_lead", roles=[Role.LEADER], password="demo-pw", demo=True
    )
    assert user.check_password("demo-pw")


def test_the_admin_form_applies_the_staff_rule(client, admin_user, make_user):
    staff = make_user(Role.REVIEWER, username="rev", is_staff=True)
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{staff.pk}/password/"
    short = client.post(url, {"password1": "Qx7-pw-k9", "password2": "Qx7-pw-k9"})
    assert short.status_code == 200 and "至少" in short.content.decode()
    ok = client.post(url, {"password1": "Qx7-pw-k9z", "password2": "Qx7-pw-k9z"})
    assert ok.status_code == 302

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.factories import valid_id_number, valid_uscc
from zhengwu.accounts import services
from zhengwu.accounts.models import Applicant, User
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.roles import Role, role_names

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_create_user_with_every_role(role, department):
    assert run(
        "create_user", "u1", "--role", role, "--department", "SCJ", "--password", "pw-1234567"
    )
    user = User.objects.get(username="u1")
    assert role in role_names(user)
    assert user.department == department
    assert user.check_password("pw-1234567")
    assert user.is_superuser == (role == "admin")


def test_create_user_rejects_unknown_role_and_department(department):
    with pytest.raises(CommandError, match="未知角色"):
        run("create_user", "u2", "--role", "boss")
    with pytest.raises(CommandError, match="XX"):
        run("create_user", "u2", "--role", "reviewer", "--department", "XX")
    assert not User.objects.filter(username="u2").exists()


def test_create_user_twice_adds_roles(department):
    run("create_user", "u3", "--role", "reviewer", "--department", "SCJ")
    run("create_user", "u3", "--role", "department_head")
    user = User.objects.get(username="u3")
    assert {"reviewer", "department_head"} <= role_names(user)
    assert not user.has_usable_password()


def test_issued_token_authenticates_the_api(client, make_user, department):
    make_user(Role.REVIEWER, department=department, username="rev")
    token = run("issue_token", "rev")
    assert token.startswith("zw_")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json() == {
        "username": "rev",
        "name": User.objects.get(username="rev").display_name,
        "roles": ["reviewer"],
        "department": "SCJ",
    }


def test_missing_bad_or_revoked_token_is_401_in_chinese(client, make_user):
    user = make_user(Role.REVIEWER, username="rev2")
    token, raw = services.issue_token(user=user)
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer zw_nope")
    assert bad.status_code == 401
    assert bad.json()["code"] == "unauthenticated"
    assert "登录" in bad.json()["message"]
    services.revoke_token(token=token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_issue_token_for_unknown_user():
    with pytest.raises(CommandError, match="nobody"):
        run("issue_token", "nobody")


def test_session_login_works_for_the_api(client, make_user):
    make_user(Role.LEADER, username="lead")
    client.post("/accounts/login/", {"username": "lead", "password": "pass-1234"})
    assert client.get("/api/v1/me").json()["roles"] == ["leader"]


def test_register_person_and_org_upserts_by_number():
    number = valid_id_number(7)
    first = services.register_applicant(
        kind="person", name="张三", id_number=number.lower(), phone="13800000000"
    )
    again = services.register_applicant(
        kind="person", name="张三", id_number=number, phone="13900000000"
    )
    assert first.pk == again.pk
    assert again.id_number == number and again.phone == "13900000000"
    org = services.register_applicant(
        kind="org", name="示范公司", uscc=valid_uscc(3), legal_representative="李四"
    )
    assert org.number == valid_uscc(3)
    assert Applicant.objects.count() == 2


def test_registering_again_keeps_stored_details_left_empty_and_the_account_link():
    user = User.objects.create_user(username="citizen", password="pass-1234")
    number = valid_id_number(8)
    with time_machine.travel(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        first = services.register_applicant(
            kind="person", name="张三", id_number=number, phone="13800000000", user=user
        )
    with time_machine.travel(dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        again = services.register_applicant(kind="person", name=" 张三丰 ", id_number=number)
    assert again.pk == first.pk
    assert (again.name, again.phone, again.user_id) == ("张三丰", "13800000000", user.pk)
    assert again.created_at == dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    stored = Applicant.objects.get(pk=first.pk)
    assert (stored.name, stored.phone, stored.user_id) == ("张三丰", "13800000000", user.pk)
    org = services.register_applicant(
        kind="org", name="示范公司", uscc=valid_uscc(4), contact="王五", phone="057100000000"
    )
    renamed = services.register_applicant(
        kind="org", name="示范有限公司", uscc=valid_uscc(4), legal_representative="李四"
    )
    assert renamed.pk == org.pk
    assert (renamed.name, renamed.contact, renamed.legal_representative, renamed.phone) == (
        "示范有限公司",
        "王五",
        "李四",
        "057100000000",
    )


def test_a_person_and_an_organisation_never_collide_on_an_empty_number():
    person = services.register_applicant(kind="person", name="张三", id_number=valid_id_number(9))
    first = services.register_applicant(kind="org", name="甲公司", uscc=valid_uscc(5))
    second = services.register_applicant(kind="org", name="乙公司", uscc=valid_uscc(6))
    assert len({person.pk, first.pk, second.pk}) == 3
    assert Applicant.objects.get(pk=person.pk).name == "张三"


def test_register_rejects_bad_numbers_with_the_exact_reason():
    with pytest.raises(ValidationFailed) as caught:
        services.register_applicant(kind="person", name="张三", id_number="110105194912310021")
    assert caught.value.errors == {"id_number": ["身份证号码校验位错误：应为 X，实为 1。"]}
    with pytest.raises(ValidationFailed) as caught:
        services.register_applicant(kind="org", name="", uscc="91350100M000100Y4")
    assert set(caught.value.errors) == {"uscc", "name"}
    assert "18" in caught.value.errors["uscc"][0]
    assert Applicant.objects.count() == 0

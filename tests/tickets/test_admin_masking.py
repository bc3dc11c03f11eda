"""The ticket admin (read-only) masks the caller's phone for those who only watch tickets."""

from __future__ import annotations

import pytest

from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_caller_s_phone_is_masked_for_an_administrator(client, admin_user, new_ticket):
    ticket = new_ticket()
    client.force_login(admin_user)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "138****8000" in page and "13800138000" not in page


def test_an_operator_who_administers_sees_the_phone(client, make_user, new_ticket):
    ticket = new_ticket()
    operator_admin = make_user(Role.OPERATOR, username="op_admin", is_staff=True, is_superuser=True)
    client.force_login(operator_admin)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "13800138000" in page

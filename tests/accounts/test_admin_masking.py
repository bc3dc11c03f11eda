"""The admin shows ID numbers and phones masked, as every other page does, unless the user
handles cases (a clerk, reviewer or department head who also administers)."""

from __future__ import annotations

import pytest

from tests.factories import ApplicantFactory, valid_id_number
from zhengwu.accounts.models import Applicant
from zhengwu.core.identity import mask_id
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return ApplicantFactory(name="张三", id_number=valid_id_number(5), phone="13812345678")


def test_an_administrator_sees_them_masked_in_the_list_and_the_form(client, admin_user, applicant):
    client.force_login(admin_user)
    listing = client.get("/admin/accounts/applicant/").content.decode()
    form = client.get(f"/admin/accounts/applicant/{applicant.pk}/change/").content.decode()
    for page in (listing, form):
        assert applicant.id_number not in page and "13812345678" not in page
        assert "138****5678" in page
    assert mask_id(applicant.id_number) in form  # shown read-only
    assert 'name="id_number"' not in form and 'name="phone"' not in form
    saved = client.post(
        f"/admin/accounts/applicant/{applicant.pk}/change/",
        {"kind": "person", "name": "张三丰", "legal_representative": "", "contact": ""},
    )
    assert saved.status_code == 302
    stored = Applicant.objects.get(pk=applicant.pk)
    assert (stored.name, stored.id_number, stored.phone) == (
        "张三丰",
        applicant.id_number,
        "13812345678",
    )


def test_an_administrator_who_handles_cases_sees_them_whole(client, make_user, applicant):
    handler = make_user(Role.ADMIN, username="admin_rev", is_staff=True, is_superuser=True)
    handler.groups.add(*make_user(Role.REVIEWER, username="x").groups.all())
    client.force_login(handler)
    form = client.get(f"/admin/accounts/applicant/{applicant.pk}/change/").content.decode()
    assert f'value="{applicant.id_number}"' in form and 'value="13812345678"' in form

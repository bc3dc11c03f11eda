"""A link is shown only to those its target admits."""

from __future__ import annotations

import pytest

from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_board_links_the_ratings_supervision_only_for_who_may_open_it(client, make_user):
    head = make_user(Role.DEPARTMENT_HEAD, username="head1")
    supervisor = make_user(Role.SUPERVISOR, username="sup1")
    client.force_login(head)
    assert "/ratings/supervision/" not in client.get("/supervision/").content.decode()
    assert client.get("/ratings/supervision/").status_code == 403
    client.force_login(supervisor)
    assert "/ratings/supervision/" in client.get("/supervision/").content.decode()
    assert client.get("/ratings/supervision/").status_code == 200


def test_apply_online_is_offered_to_applicants_and_visitors_only(client, make_user, department):
    import datetime as dt

    from django.urls import reverse

    from tests.catalog.builders import item_dict
    from zhengwu.catalog import services

    services.import_items([item_dict()], valid_from=dt.date(2025, 1, 6))
    guide = reverse("catalog:guide", args=["11330100SCJ-XK-0001"])
    apply = reverse("portal:apply", args=["11330100SCJ-XK-0001"])
    assert apply in client.get(guide).content.decode()  # a visitor logs in to apply
    client.force_login(make_user(Role.APPLICANT, username="citizen1"))
    assert apply in client.get(guide).content.decode()
    client.force_login(make_user(Role.WINDOW_CLERK, username="clerk1", department=department))
    assert apply not in client.get(guide).content.decode()
    assert client.get(apply).status_code == 403


def test_the_home_page_offers_a_role_only_the_pages_that_admit_the_user(client, make_user):
    """A department head of no department (the government's disclosure office may be one) is
    not offered the supervision pages, which admit heads of a department only."""
    office_head = make_user(Role.DISCLOSURE_OFFICER, username="gk_head_x", full_name="周政公")
    from django.contrib.auth.models import Group

    office_head.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT_HEAD.value)[0])
    client.force_login(office_head)
    home = client.get("/").content.decode()
    assert "/supervision/" not in home
    assert client.get("/supervision/").status_code == 403
    assert "/disclosure/" in home

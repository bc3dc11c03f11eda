"""Every list shows the one pager (``includes/pager.html``): the total and the rows' position,
on numbered lists and on keyset lists alike."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.core.roles import Role

PAGER = 'data-testid="pager"'


def total(html: str) -> str:
    found = re.search(r'data-testid="pager-total"[^>]*>([^<]*)<', html)
    assert found, "no shared pager total"
    return " ".join(found.group(1).split())


@pytest.fixture
def people(make_user, department, clerk, head, supervisor, citizen, admin_user):
    return {
        "clerk": clerk,
        "head": head,
        "supervisor": supervisor,
        "citizen": citizen,
        "admin": admin_user,
        "operator": make_user(Role.OPERATOR, username="operator_pager"),
    }


LISTS = [
    ("clerk", "cases:workbench", ""),
    ("citizen", "portal:home", ""),
    ("operator", "tickets:workbench", ""),
    ("citizen", "tickets:mine", ""),
    ("clerk", "ratings:list", ""),
    ("head", "ratings:tasks", ""),
    ("admin", "exchange:outbox", ""),
    ("supervisor", "supervision:cases", ""),
    ("supervisor", "supervision:warnings", ""),
    ("supervisor", "supervision:irregularities", ""),
    (None, "catalog:public_list", "?q=许可"),
    ("admin", "catalog:staff_list", ""),
    ("clerk", "notifications:inbox", ""),
]


@pytest.mark.parametrize(("who", "name", "query"), LISTS)
def test_every_list_shows_the_shared_pager_and_its_total(
    client, item, people, travel, who, name, query
):
    travel(AT("2025-09-22 09:00"))
    file_case(people["citizen"], channel="online")  # the portal lists a case only when it has one
    if who:
        client.force_login(people[who])
    response = client.get(reverse(name) + query)
    html = response.content.decode()
    assert response.status_code == 200, name
    assert html.count(PAGER) == 1, name
    assert total(html).startswith("共 "), name


def test_the_case_list_counts_its_total_and_position_by_key(client, item, clerk, travel):
    travel(AT("2025-09-22 09:00"))
    for seq in range(25):
        file_case(clerk, applicant=applicant_payload(seq + 1))
    client.force_login(clerk)
    html = client.get("/cases/?queue=intake").content.decode()
    assert total(html) == "共 25 条，第 1–20 条"
    after = re.search(r'href="\?([^"]+)" data-testid="next-page"', html).group(1)
    html = client.get("/cases/?" + after.replace("&amp;", "&")).content.decode()
    assert total(html) == "共 25 条，第 21–25 条"
    assert 'data-testid="previous-page"' in html


def test_a_numbered_list_says_its_page(client, item, admin_user, travel):
    from tests.catalog.builders import item_dict
    from zhengwu.catalog import services as catalog_services

    travel(AT("2025-09-22 09:00"))
    catalog_services.import_items(
        [item_dict(impl_code=f"P-{n:03d}", name=f"分页事项{n}") for n in range(25)]
    )
    client.force_login(admin_user)
    html = client.get(reverse("catalog:public_list"), {"q": "分页", "page": 2}).content.decode()
    assert total(html) == "共 25 条，第 21–25 条 · 第 2 页，共 2 页"


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("supervisor", "/tickets/reports/"),  # a default period, filled in by the page
        ("operator", "/tickets/?received_from=2025-09-01&received_to=2025-09-22"),
        ("clerk", "/cases/?received_from=2025-09-01&received_to=2025-09-22"),
        ("supervisor", "/supervision/warnings/?start=2025-09-01&end=2025-09-22"),
    ],
)
def test_date_filters_hold_iso_values_a_date_input_reads(client, item, people, travel, who, url):
    travel(AT("2025-09-22 09:00"))
    client.force_login(people[who])
    html = client.get(url).content.decode()
    inputs = re.findall(r'<input[^>]*type="date"[^>]*>', html)
    assert inputs, url
    for tag in inputs:
        value = re.search(r'value="([^"]*)"', tag)
        assert value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.group(1)), tag
    if "/reports/" not in url:
        assert "筛选" in html and "过滤器" not in html


def test_the_last_page_of_a_keyset_list_links_back_to_the_first():
    from django.template.loader import render_to_string

    from zhengwu.core.paging import Pager

    html = render_to_string(
        "includes/pager.html",
        {"pager": Pager(total="30", first=21, last=30, first_query="")},
    )
    assert 'data-testid="first-page"' in html


def test_a_stated_time_is_confirmed_the_chinese_way():
    import datetime as dt
    from types import SimpleNamespace

    from zhengwu.cases.views import _shown
    from zhengwu.core.clock import LOCAL_TZ

    bound = SimpleNamespace(field=SimpleNamespace(choices=()))
    moment = dt.datetime(2026, 12, 6, 14, 13, tzinfo=LOCAL_TZ)
    assert _shown(bound, moment, {}) == "2026年12月6日 14:13"
    assert _shown(bound, moment.date(), {}) == "2026年12月6日"

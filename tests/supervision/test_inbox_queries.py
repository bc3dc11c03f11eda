"""The notification centre reads a page's findings (joint warnings and irregularities, measure
findings) one query per kind, not one per row: the page's queries do not grow with its rows."""

import pytest
from django.urls import reverse

from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def fill(user, rows: int) -> None:
    kinds = [
        NotificationKind.MEASURE,
        NotificationKind.JOINT_WARNING,
        NotificationKind.JOINT_IRREGULARITY,
    ]
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kinds[n % 3],
            code="yellow",
            source_id=1000 + n,
            source_at=clock.now(),
            batch="b",
            created_at=clock.now(),
        )
        for n in range(rows)
    )


def test_a_page_of_findings_reads_them_in_one_query_per_kind(
    client, make_user, django_assert_max_num_queries
):
    head = make_user(Role.LEADER, username="leader_inbox")
    fill(head, 25)
    client.force_login(head)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25

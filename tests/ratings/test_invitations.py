"""SMS invitations: completed, unrated cases from 3 days after completion, once per case."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT
from tests.ratings.helpers import rate
from zhengwu.ratings.models import Invitation, Rating

pytestmark = pytest.mark.django_db


def test_invitations_after_three_days_once(item, complete, travel, sms_outbox):
    first = complete("2025-03-03 10:00")
    rated = complete("2025-03-03 11:00", seq=2)
    rate(rated, 5)
    call_command("rating_invitations", "--once")  # same day: too early
    assert sms_outbox == []
    travel(AT("2025-03-05 23:00"))  # 2 days after
    call_command("rating_invitations", "--once")
    assert sms_outbox == []
    travel(AT("2025-03-06 08:00"))  # 3 days after
    call_command("rating_invitations", "--once")
    assert [m.phone for m in sms_outbox] == ["13800138000"]
    assert first.number in sms_outbox[0].text and "/ratings/r/" in sms_outbox[0].text
    call_command("rating_invitations", "--once")
    assert len(sms_outbox) == 1 and Invitation.objects.count() == 1


def test_invitation_link_rates_by_sms(item, complete, travel, sms_outbox):
    from django.test import Client

    case = complete("2025-03-03 10:00")
    travel(AT("2025-03-06 08:00"))
    call_command("rating_invitations", "--once")
    path = "/ratings/r/" + sms_outbox[0].text.split("/ratings/r/")[1].split("/")[0] + "/"
    Client().post(path, {"level": "4"})
    assert Rating.objects.get(case=case).channel == "sms"


def test_no_invitation_after_the_window(item, complete, travel, sms_outbox):
    complete("2025-03-03 10:00")
    travel(AT("2025-03-11 09:00"))
    call_command("rating_invitations", "--once")
    assert sms_outbox == []


def test_a_failing_sms_backend_leaves_the_case_for_the_next_run(item, complete, travel, settings):
    complete("2025-03-03 10:00")
    travel(AT("2025-03-06 08:00"))
    settings.SMS_BACKEND = "tests.ratings.test_invitations.Broken"
    with pytest.raises(OSError):
        call_command("rating_invitations", "--once")
    assert not Invitation.objects.exists()


class Broken:
    def send(self, phone, text):
        raise OSError("gateway down")

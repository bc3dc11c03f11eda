"""申请人告知: every step that concerns the applicant reaches them in the portal's messages and by
SMS, in one transaction with the step; the supplement reminder goes out once, from the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.supervision import outbox
from zhengwu.accounts.models import Applicant
from zhengwu.cases import services
from zhengwu.cases.models import Case
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.notifications import applicant_messages, messages, selectors
from zhengwu.notifications import services as notification_services
from zhengwu.notifications.models import Notification
from zhengwu.supervision import sweep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sms(settings):
    settings.SMS_BACKEND = "tests.supervision.outbox.Outbox"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    outbox.SENT.clear()
    yield outbox.SENT
    outbox.SENT.clear()


def act(actor, case, action, data=None, **kwargs):
    return services.act(actor=actor, number=case.number, action=action, data=data, **kwargs)


def told(case) -> list[str]:
    return list(
        Notification.objects.filter(case=case, kind="case_step")
        .order_by("id")
        .values_list("code", flat=True)
    )


def deliver_all() -> None:
    batches = Notification.objects.order_by("id").values_list("batch", flat=True)
    for batch in dict.fromkeys(batches):
        notification_services.deliver(batch=batch)


def test_every_step_of_a_window_case_is_texted_to_the_phone_on_the_case(
    item, clerk, reviewer, head, travel, django_capture_on_commit_callbacks, sms
):
    travel(AT("2025-10-09 09:00"))
    case = file_case(clerk, materials=["M01"], applicant=applicant_payload(phone="13911112222"))
    assert told(case) == []  # filing itself: the receipt is handed over at the window
    steps = [
        (clerk, "request_supplement", {"missing": ["M02"]}),
        (clerk, "supplement", {"materials": ["M02"]}),
        (clerk, "accept", {}),
        (reviewer, "suspend", {"procedure": "inspection", "reason": "送检"}),
        (reviewer, "resume", {}),
        (head, "extend", {"workdays": 3, "reason": "需要复核"}),
        (reviewer, "decide", {"outcome": "grant"}),
        (clerk, "deliver", {"method": "mail"}),
    ]
    for actor, action, data in steps:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case = act(actor, case, action, data)
        assert len(callbacks) == (0 if action == "supplement" else 1), action
    assert told(case) == [
        "request_supplement",
        "accept",
        "suspend",
        "resume",
        "extend",
        "decide_grant",
        "deliver",
    ]
    # no account: nobody's inbox, the SMS goes to the phone on the case
    assert not Notification.objects.filter(case=case, recipient__isnull=False).exists()
    assert DBTaskResult.objects.count() == 7  # one delivery task per step, enqueued on commit
    deliver_all()
    assert [phone for phone, _text in sms] == ["13911112222"] * 7
    first = sms[0][1]
    assert case.number in first and "一次性告知" in first and "营业执照复印件" in first
    assert "2025年10月22日" in first  # the supplement period: 10 working days
    assert "送达" in sms[-1][1]


def test_refusal_denial_and_deemed_acceptance_are_told(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    refused = act(clerk, file_case(clerk), "refuse", {"reason": "不属于本部门职责"})
    denied = act(clerk, file_case(clerk, applicant=applicant_payload(2)), "accept")
    denied = act(reviewer, denied, "decide", {"outcome": "deny", "reason": "条件不符"})
    deemed = file_case(clerk, applicant=applicant_payload(3))
    travel(AT("2025-10-17 09:00"))
    services.deem_overdue()
    assert told(refused) == ["refuse"] and told(denied) == ["accept", "decide_deny"]
    assert told(deemed) == ["deem_accept"]
    row = Notification.objects.get(case=refused)
    assert "不属于本部门职责" in messages.body(row)


def test_a_failed_step_leaves_neither_message_nor_task(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    case = file_case(clerk, materials=["M01"])
    with pytest.raises(DomainError):
        act(clerk, case, "accept")  # materials incomplete
    with pytest.raises(ValidationFailed):
        act(clerk, case, "request_supplement", {"missing": []})
    assert not Notification.objects.exists() and not DBTaskResult.objects.exists()
    # a step whose transaction is rolled back by its caller takes its message along
    with pytest.raises(RuntimeError), transaction.atomic():
        act(clerk, case, "request_supplement", {"missing": ["M02"]})
        assert Notification.objects.count() == 1
        raise RuntimeError
    assert not Notification.objects.exists() and not DBTaskResult.objects.exists()
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_an_online_applicant_finds_the_message_in_their_inbox(
    item, clerk, citizen, other_citizen, citizen_id, travel, sms
):
    travel(AT("2025-10-09 09:00"))
    case = file_case(
        citizen,
        channel="online",
        applicant=applicant_payload(id_number=citizen_id, phone="13700001111"),
    )
    act(clerk, case, "accept")
    row = Notification.objects.get()
    assert row.recipient == citizen and row.phone == "13700001111"
    assert list(selectors.inbox(citizen)) == [row]
    assert selectors.unread_count(citizen) == 1
    assert list(selectors.inbox(other_citizen)) == []
    assert messages.link(row) == f"/portal/cases/{case.number}/"
    citizen.email = "citizen@example.org"
    citizen.save()
    assert notification_services.deliver(batch=row.batch) == (1, 1)
    assert sms == [("13700001111", messages.body(row))]
    assert notification_services.mark_read(user=other_citizen) == 0
    assert notification_services.mark_read(user=citizen) == 1


def test_a_window_applicant_sees_the_messages_once_an_account_is_linked(
    item, clerk, citizen, citizen_id, travel
):
    travel(AT("2025-10-09 09:00"))
    case = file_case(clerk, applicant=applicant_payload(id_number=citizen_id))
    act(clerk, case, "accept")
    assert list(selectors.inbox(citizen)) == []
    Applicant.objects.filter(pk=case.applicant_id).update(user=citizen)
    assert [n.code for n in selectors.inbox(citizen)] == ["accept"]
    assert selectors.unread_count(citizen) == 1
    assert notification_services.mark_read(user=citizen) == 1


# ------------------------------------------------------------------ the supplement reminder


def test_the_supplement_reminder_goes_out_once_the_working_day_before(
    item, clerk, travel, django_capture_on_commit_callbacks, sms
):
    travel(AT("2025-10-09 09:00"))  # 10 working days (11 October is one): due 22 October
    case = act(
        clerk, file_case(clerk, materials=["M01"]), "request_supplement", {"missing": ["M02"]}
    )
    assert case.supplement_due == dt.date(2025, 10, 22)
    answered = act(
        clerk,
        file_case(clerk, materials=["M01"], applicant=applicant_payload(2)),
        "request_supplement",
        {"missing": ["M02"]},
    )
    act(clerk, answered, "supplement", {"materials": ["M02"]})

    def reminders():
        return list(Notification.objects.filter(kind="supplement_due").values_list("case_id"))

    travel(AT("2025-10-20 07:00"))  # two working days before: not yet
    sweep.run(daily=False)
    assert reminders() == []
    travel(AT("2025-10-21 07:00"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sweep.run(daily=False)
    assert callbacks  # the SMS task is enqueued when the sweep commits
    assert reminders() == [(case.pk,)]  # not the case that has all its materials
    travel(AT("2025-10-21 12:00"))
    sweep.run(daily=False)
    travel(AT("2025-10-22 07:00"))
    call_command("supervise", "--once", stdout=__import__("io").StringIO())
    assert reminders() == [(case.pk,)]  # once
    row = Notification.objects.get(kind="supplement_due")
    deliver_all()
    reminder = [text for _phone, text in sms if "补正期限" in text]
    assert len(reminder) == 1
    assert "2025年10月22日" in reminder[0] and "营业执照复印件" in reminder[0]
    assert row.batch != Notification.objects.get(code="request_supplement", case=case).batch


def test_the_reminder_covers_a_due_date_after_a_weekend(item, clerk, travel):
    travel(AT("2025-10-13 09:00"))  # 10 working days: due Monday 27 October
    case = act(
        clerk, file_case(clerk, materials=["M01"]), "request_supplement", {"missing": ["M02"]}
    )
    assert case.supplement_due == dt.date(2025, 10, 27)
    travel(AT("2025-10-23 07:00"))
    sweep.run(daily=False)
    assert not Notification.objects.filter(kind="supplement_due").exists()
    travel(AT("2025-10-24 07:00"))  # Friday, the working day before
    sweep.run(daily=False)
    assert Notification.objects.filter(kind="supplement_due", case=case).count() == 1


def test_history_recorded_without_sms_still_reaches_the_portal(
    item, clerk, travel, django_capture_on_commit_callbacks
):
    travel(AT("2025-10-09 09:00"))
    case = file_case(clerk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with applicant_messages.not_sent():
            act(clerk, case, "accept")
    assert callbacks == [] and not DBTaskResult.objects.exists()
    assert told(case) == ["accept"]


def test_over_the_api_a_partial_supplement_keeps_the_case_waiting(client, item, clerk, travel):
    from tests.cases.test_api import bearer, new_case, post

    travel(AT("2025-10-09 09:00"))
    number = new_case(client, clerk, materials=[]).json()["number"]
    path = f"/api/v1/cases/{number}"
    case = post(client, clerk, f"{path}/request-supplement", {"missing": ["M01", "M02"]}).json()
    assert case["state"] == "supplement_requested" and case["supplement_due"] == "2025-10-22"
    response = post(client, clerk, f"{path}/supplement", {"materials": ["M01"]})
    assert response.status_code == 200
    case = response.json()
    assert (case["state"], case["missing"]) == ("supplement_requested", ["M02"])
    assert case["events"][-1]["kind"] == "supplement_part"
    assert case["supplement_due"] == "2025-10-22"  # the notice's period runs on
    case = post(client, clerk, f"{path}/supplement", {"materials": ["M02"]}).json()
    assert (case["state"], case["supplement_due"]) == ("submitted", None)
    assert client.get(path, **bearer(clerk)).json()["missing"] == []
    # the applicant was told of the notice once: no second notice for what remained
    assert told(Case.objects.get(number=number)) == ["request_supplement"]


def test_the_inbox_reads_a_page_of_messages_in_a_fixed_number_of_queries(
    client, item, clerk, citizen, citizen_id, travel
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    travel(AT("2025-10-09 09:00"))
    applicant = applicant_payload(id_number=citizen_id, phone="13700001111")

    def one_more_case():
        case = file_case(citizen, channel="online", applicant=applicant, materials=["M01"])
        case = act(clerk, case, "request_supplement", {"missing": ["M02"]})
        act(clerk, case, "supplement", {"materials": ["M02"]})
        act(clerk, Case.objects.get(pk=case.pk), "accept")

    client.force_login(citizen)
    one_more_case()
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200 and "M02" not in page.content.decode()  # named, not coded
    for _ in range(3):
        one_more_case()
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("notifications:inbox"))
    assert Notification.objects.filter(recipient=citizen).count() == 8
    assert len(more) == len(few)  # four times the messages, the same queries

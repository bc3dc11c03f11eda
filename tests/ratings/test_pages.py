"""The pages of 好差评: the mobile rating page, the QR code on the decision notice and at the
window, the staff list and queue, the task page's forms, the supervisor page, the portal panel,
the guide's satisfaction and the admins' push page."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.cases.helpers import AT
from tests.factories import WindowFactory
from tests.ratings.helpers import link_token, rate
from zhengwu.cases.models import Case
from zhengwu.ratings import services
from zhengwu.ratings.models import Rating
from zhengwu.ratings.presenters import QR_CAPTION

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_mobile_rating_page_keeps_input_on_error_and_rates(item, complete):
    case = complete("2025-03-03 10:00")
    url = f"/ratings/r/{link_token(case)}/"
    page = Client().get(url)
    assert page.status_code == 200 and "非常满意" in page.content.decode()
    failed = Client().post(url, {"comment": "留言在此", "dim_attitude": "4"})
    assert failed.status_code == 422
    body = failed.content.decode()
    assert "留言在此" in body and 'value="4" selected' in body
    done = Client().post(url, {"level": "1", "comment": "太慢", "real_name": "1"})
    assert done.status_code == 200 and 'data-level="1"' in done.content.decode()
    rating = Rating.objects.get()
    assert rating.channel == "onsite" and rating.real_name and rating.task
    again = Client().get(url)
    assert 'data-testid="rate-done"' in again.content.decode()


def test_closed_window_says_so_before_the_form(item, complete, travel):
    case = complete("2025-03-03 10:00")
    travel(AT("2025-03-09 10:00"))  # the notice printed again later: a younger link
    token = link_token(case)
    assert Client().get(f"/ratings/r/{token}/").status_code == 200
    travel(AT("2025-03-11 09:00"))
    page = Client().get(f"/ratings/r/{token}/")
    assert page.status_code == 409 and 'data-testid="rate-closed"' in page.content.decode()


def test_bad_links_show_a_clear_page(item, complete):
    case = complete("2025-03-03 10:00")
    assert Client().get(f"/ratings/r/{link_token(case)}x/").status_code == 400
    assert Client().get("/ratings/r/nonsense/").status_code == 400


def test_decision_notice_carries_the_rating_qr(item, complete, clerk):
    case = complete("2025-03-03 10:00")
    seq = services.decision_event(case).seq
    page = logged_in(clerk).get(f"/cases/{case.number}/notices/{seq}/")
    body = page.content.decode()
    assert 'data-testid="notice-rating-qr"' in body and "<svg" in body
    docx = logged_in(clerk).get(f"/cases/{case.number}/notices/{seq}.docx")
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    assert len(document.inline_shapes) == 1
    accept_seq = case.events.get(kind="accept").seq
    accept = logged_in(clerk).get(f"/cases/{case.number}/notices/{accept_seq}/")
    assert 'data-testid="notice-rating-qr"' not in accept.content.decode()


def test_the_notice_qr_is_the_registered_extension(item, complete, clerk, monkeypatch):
    from docx import Document

    from zhengwu.cases import notices

    case = complete("2025-03-03 10:00")
    seq = services.decision_event(case).seq
    registered = notices._decision_qr()
    assert registered is not None and str(registered.caption) == str(QR_CAPTION)
    monkeypatch.setattr(notices, "_DECISION_QR", [])  # as if no app registered a code
    page = logged_in(clerk).get(f"/cases/{case.number}/notices/{seq}/")
    assert page.status_code == 200
    assert 'data-testid="notice-rating-qr"' not in page.content.decode()
    docx = logged_in(clerk).get(f"/cases/{case.number}/notices/{seq}.docx")
    assert len(Document(io.BytesIO(docx.content)).inline_shapes) == 0


def test_window_page_shows_the_latest_completed_case(item, complete):
    window = WindowFactory(number="09")
    idle = Client().get(f"/ratings/windows/{window.pk}/")
    assert 'data-testid="window-idle"' in idle.content.decode()
    case = complete("2025-03-03 10:00")
    Case.objects.filter(pk=case.pk).update(window=window)
    body = Client().get(f"/ratings/windows/{window.pk}/").content.decode()
    assert case.number in body and "<svg" in body and "/ratings/r/" in body
    rate(case, 5)
    assert (
        'data-testid="window-idle"'
        in Client().get(f"/ratings/windows/{window.pk}/").content.decode()
    )
    assert Client().get("/ratings/windows/999999/").status_code == 404


def test_staff_list_filters_and_scope(item, complete, clerk, other_clerk, citizen):
    rate(complete("2025-03-03 10:00"), 5)
    rate(complete("2025-03-03 11:00", seq=2), 2)
    body = logged_in(clerk).get("/ratings/?level=2").content.decode()
    assert body.count('data-testid="rating-row"') == 1
    assert (
        logged_in(other_clerk).get("/ratings/").content.decode().count('data-testid="rating-row"')
        == 0
    )
    assert logged_in(citizen).get("/ratings/").status_code == 403
    assert Client().get("/ratings/").status_code == 302


def test_task_pages_run_the_loop(item, complete, reviewer, other_clerk, supervisor):
    rating = rate(complete("2025-09-29 10:00"), 1)
    task = rating.task
    client = logged_in(reviewer)
    queue = client.get("/ratings/tasks/").content.decode()
    assert f'data-task="{task.pk}"' in queue
    assert logged_in(other_clerk).get(f"/ratings/tasks/{task.pk}/").status_code == 404
    failed = client.post(
        f"/ratings/tasks/{task.pk}/callback/", {"method": "phone", "rater_said": ""}
    )
    assert failed.status_code == 422
    client.post(f"/ratings/tasks/{task.pk}/callback/", {"method": "phone", "rater_said": "排队久"})
    client.post(f"/ratings/tasks/{task.pk}/outcome/", {"outcome": "rectified", "text": "已整改"})
    client.post(f"/ratings/tasks/{task.pk}/feedback/", {"text": "已整改，谢谢"})
    task.refresh_from_db()
    assert task.state == "fed_back"
    sup = logged_in(supervisor).get("/ratings/supervision/").content.decode()
    assert f'data-task="{task.pk}" data-state="fed_back"' in sup


def test_task_queue_says_the_deadline_in_words(item, complete, reviewer, travel):
    rating = rate(complete("2025-09-29 10:00"), 1)
    travel(AT("2025-10-09 10:00"))
    assert "还剩 3 个工作日" in logged_in(reviewer).get("/ratings/tasks/").content.decode()
    travel(AT("2025-10-14 10:00"))
    body = logged_in(reviewer).get("/ratings/tasks/?state=pending&overdue=1").content.decode()
    assert f'data-task="{rating.task.pk}"' in body and "已超期 1 个工作日" in body


def test_supervisor_page_lists_what_esupervision_will_warn_about(
    item, complete, supervisor, reviewer, travel
):
    rating = rate(complete("2025-09-29 10:00"), 1, real_name=True)
    travel(AT("2025-10-14 10:00"))
    body = logged_in(supervisor).get("/ratings/supervision/").content.decode()
    assert 'data-testid="sup-overdue"' in body and f'data-task="{rating.task.pk}"' in body
    assert 'data-indicator="callback_rate"' in body and "0 / 0" in body  # October: none yet
    assert f'data-case="{rating.case.number}"' in body  # real name, no callback
    assert logged_in(reviewer).get("/ratings/supervision/").status_code == 403


def test_portal_panel_rates_and_answers(item, complete, citizen, reviewer):
    case = complete("2025-03-03 10:00", owner=citizen)
    client = logged_in(citizen)
    page = client.get(f"/portal/cases/{case.number}/").content.decode()
    assert 'data-testid="portal-rate-form"' in page
    client.post(f"/ratings/my/{case.number}/rate/", {"level": "2", "comment": "慢"})
    rating = Rating.objects.get()
    assert rating.channel == "online" and rating.level == 2
    task = rating.task
    services.record_callback(actor=reviewer, task_id=task.pk, rater_said="x")
    services.record_outcome(actor=reviewer, task_id=task.pk, outcome="rectified", text="y")
    services.send_feedback(actor=reviewer, task_id=task.pk, text="已加快审批")
    page = client.get(f"/portal/cases/{case.number}/").content.decode()
    assert "已加快审批" in page and 'data-testid="reject-feedback"' in page
    client.post(f"/ratings/my/{case.number}/answer/", {"answer": "reject", "reason": "仍然很慢"})
    task.refresh_from_db()
    assert task.state == "open" and task.escalated


def test_guide_shows_satisfaction_and_anonymised_comments(item, complete, reviewer):
    rate(complete("2025-03-03 10:00"), 5, comment="服务很好", real_name=True)
    rating = rate(complete("2025-03-03 11:00", seq=2), 2, comment="等太久")
    services.reply(actor=reviewer, rating_id=rating.pk, text="已增加窗口")
    body = Client().get(f"/catalog/items/{item.impl_code}/").content.decode()
    assert 'data-testid="guide-ratings" data-count="2"' in body
    assert "50.0%" in body and "服务很好" in body and "已增加窗口" in body
    assert "张三" not in body.split('data-testid="guide-ratings"')[1]


def test_task_page_masks_the_rater_for_supervisors(item, complete, supervisor, reviewer):
    rating = rate(complete("2025-03-03 10:00"), 1, real_name=True)
    watched = logged_in(supervisor).get(f"/ratings/tasks/{rating.task.pk}/").content.decode()
    assert "138****8000" in watched and "13800138000" not in watched
    handled = logged_in(reviewer).get(f"/ratings/tasks/{rating.task.pk}/").content.decode()
    assert "13800138000" in handled and "评价渠道" in handled


def test_a_closed_link_offers_the_portal_only_to_those_it_admits(client, make_user):
    from zhengwu.core.roles import Role

    page = client.get("/ratings/r/not-a-token/")
    assert page.status_code == 400 and 'href="/portal/"' in page.content.decode()
    client.force_login(make_user(Role.REVIEWER, username="reviewer_closed"))
    assert 'href="/portal/"' not in client.get("/ratings/r/not-a-token/").content.decode()

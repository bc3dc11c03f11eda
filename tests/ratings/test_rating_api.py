"""POST /api/v1/cases/{number}/ratings and GET /api/v1/ratings: channels, the window, one rating
per service event, signed links (tampered, expired, replayed), scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.test import Client

from tests.cases.helpers import AT
from tests.ratings.helpers import link_token, rate
from zhengwu.accounts.services import issue_token
from zhengwu.exchange.models.outbound import OutboxRecord
from zhengwu.ratings.models import Rating, RectificationTask

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user)[1]}"}


def post(client, number, body, *, token=None, user=None):
    url = f"/api/v1/cases/{number}/ratings" + (f"?token={token}" if token is not None else "")
    headers = bearer(user) if user is not None else {}
    return client.post(url, body, content_type="application/json", **headers)


BODY = {
    "channel": "onsite",
    "level": 5,
    "dimensions": {"attitude": 5},
    "comment": "很好",
    "real_name": False,
}


def test_onsite_link_rates_without_login(item, complete):
    case = complete("2025-03-03 10:00")
    answer = post(Client(), case.number, BODY, token=link_token(case))
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["level"] == 5 and data["channel"] == "onsite" and data["rectification"] is None
    rating = Rating.objects.get()
    # attached to the case, item, department, window and the clerk who served
    assert (rating.case_id, rating.item_id, rating.department_id) == (
        case.pk,
        case.item_id,
        case.department_id,
    )
    assert rating.window_id == case.window_id and rating.staff_id == case.created_by_id
    assert rating.rated_on == dt.date(2025, 3, 3)
    assert OutboxRecord.objects.filter(key=f"rating-{rating.pk}", kind="rating").count() == 1


def test_bad_rating_answers_with_its_rectification_due(item, complete):
    case = complete("2025-09-29 10:00")
    answer = post(
        Client(), case.number, {**BODY, "level": 1, "real_name": True}, token=link_token(case)
    )
    assert answer.status_code == 201
    # 5 working days from Monday 29 September 2025 across the National Day holiday (1-8 Oct;
    # Saturday 11 Oct is a make-up working day)
    assert answer.json()["rectification"]["due"] == "2025-10-13"
    assert answer.json()["rectification"]["state"] == "open"
    assert RectificationTask.objects.get().department_id == case.department_id


def test_online_rating_by_the_applicant(item, complete, citizen):
    case = complete("2025-03-03 10:00", owner=citizen)
    body = {"channel": "online", "level": 4, "dimensions": {"platform": 4, "guide_accuracy": 5}}
    answer = post(Client(), case.number, body, user=citizen)
    assert answer.status_code == 201, answer.content
    # signed in, the applicant rates online only
    other = complete("2025-03-03 11:00", seq=2, owner=citizen)
    refused = post(Client(), other.number, {**body, "channel": "onsite"}, user=citizen)
    assert refused.status_code == 422 and "channel" in refused.json()["errors"]


def test_staff_enter_a_telephone_rating(item, complete, clerk, other_clerk):
    case = complete("2025-03-03 10:00")
    answer = post(Client(), case.number, {**BODY, "channel": "phone"}, user=clerk)
    assert answer.status_code == 201
    assert Rating.objects.get().entered_by_id == clerk.pk
    # another department's clerk does not see the case
    other = complete("2025-03-03 11:00", seq=2)
    assert (
        post(Client(), other.number, {**BODY, "channel": "phone"}, user=other_clerk).status_code
        == 404
    )


def test_strangers_and_anonymous(item, complete, other_citizen):
    case = complete("2025-03-03 10:00")
    assert (
        post(Client(), case.number, {**BODY, "channel": "online"}, user=other_citizen).status_code
        == 404
    )
    assert post(Client(), case.number, BODY).status_code == 401


def test_window_boundaries(item, complete, travel, clerk):
    """The window is counted in calendar days from the completion date (Shanghai), whoever rates;
    a staff telephone entry is used here so that no link's own age plays a part."""
    phone = {**BODY, "channel": "phone"}
    case = complete("2025-03-03 10:00")
    late = complete("2025-03-03 11:00", seq=2)
    travel(AT("2025-03-10 23:50"))  # the 7th day after completion: still open
    assert post(Client(), case.number, phone, user=clerk).status_code == 201
    travel(AT("2025-03-11 00:05"))  # the 8th day: closed
    answer = post(Client(), late.number, phone, user=clerk)
    assert answer.status_code == 409 and answer.json()["code"] == "rating_closed"


def test_window_is_configurable(item, complete, travel, settings, clerk):
    settings.RATINGS_WINDOW_DAYS = 2
    case = complete("2025-03-03 10:00")
    travel(AT("2025-03-06 09:00"))
    answer = post(Client(), case.number, {**BODY, "channel": "phone"}, user=clerk)
    assert answer.json()["code"] == "rating_closed"


def test_not_completed_case(item, clerk, travel):
    from tests.cases.helpers import file_case
    from zhengwu.ratings import tokens

    travel(AT("2025-03-03 10:00"))
    case = file_case(clerk)
    answer = post(Client(), case.number, BODY, token=tokens.make(case.number, 1))
    assert answer.status_code == 409 and answer.json()["code"] == "not_completed"


def test_one_rating_per_service_event_whatever_the_channel(item, complete, citizen):
    case = complete("2025-03-03 10:00", owner=citizen)
    rate(case, 5)
    again = post(Client(), case.number, {"channel": "online", "level": 1}, user=citizen)
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert Rating.objects.count() == 1


def test_delivery_is_the_same_service_event(item, complete, clerk):
    from zhengwu.cases import services as case_services

    case = complete("2025-03-03 10:00")
    token = link_token(case)
    rate(case, 4)
    case_services.act(actor=clerk, number=case.number, action="deliver", data={"method": "window"})
    assert post(Client(), case.number, BODY, token=token).json()["code"] == "already_rated"


def test_token_replay_tamper_expiry(item, complete, travel):
    case = complete("2025-03-03 10:00")
    token = link_token(case)
    assert post(Client(), case.number, BODY, token=token).status_code == 201
    replay = post(Client(), case.number, BODY, token=token)
    assert replay.status_code == 409 and replay.json()["code"] == "already_rated"

    other = complete("2025-03-03 11:00", seq=2)
    good = link_token(other)
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    answer = post(Client(), other.number, BODY, token=tampered)
    assert answer.status_code == 400 and answer.json()["code"] == "rating_link_invalid"
    assert "评价链接" in answer.json()["message"]
    # a valid token of another case does not rate this one
    assert post(Client(), case.number, BODY, token=good).status_code == 400
    # a token signed with another salt (another purpose) is refused
    forged = signing.dumps({"c": other.number, "e": 3, "ch": "onsite"}, salt="other")
    assert post(Client(), other.number, BODY, token=forged).status_code == 400
    # a token whose channel is not the body's
    assert post(Client(), other.number, {**BODY, "channel": "sms"}, token=good).status_code == 422

    travel(AT("2025-03-10 11:01"))  # 7 days and a minute after the token was made
    expired = post(Client(), other.number, BODY, token=good)
    assert expired.status_code == 410 and expired.json()["code"] == "rating_link_expired"
    assert "过期" in expired.json()["message"]
    assert Rating.objects.count() == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({**BODY, "level": 0}, "level"),
        ({**BODY, "level": "5"}, "level"),
        ({**BODY, "channel": "fax"}, "channel"),
        ({**BODY, "dimensions": {"platform": 5}}, "dimensions.platform"),
        ({**BODY, "real_name": "yes"}, "real_name"),
        ({**BODY, "comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_content_is_422(item, complete, body, field):
    case = complete("2025-03-03 10:00")
    answer = post(Client(), case.number, body, token=link_token(case))
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["errors"]
    assert not Rating.objects.exists()


def test_ratings_route_wins_and_case_actions_still_work(item, clerk, reviewer, travel):
    from tests.cases.helpers import file_case

    travel(AT("2025-03-03 10:00"))
    case = file_case(clerk)
    client = Client()
    accepted = client.post(
        f"/api/v1/cases/{case.number}/accept", {}, content_type="application/json", **bearer(clerk)
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    decided = client.post(
        f"/api/v1/cases/{case.number}/decide",
        {"outcome": "grant"},
        content_type="application/json",
        **bearer(reviewer),
    )
    assert decided.status_code == 200
    answer = post(client, case.number, {**BODY, "channel": "phone"}, user=clerk)
    assert answer.status_code == 201 and answer.json()["case"] == case.number
    from django.urls import resolve

    assert resolve(f"/api/v1/cases/{case.number}/ratings").url_name.endswith("rate_case")


def test_list_filters_and_scope(item, complete, clerk, other_clerk, supervisor, citizen):
    first = complete("2025-03-03 10:00")
    second = complete("2025-03-03 11:00", seq=2)
    rate(first, 5)
    rate(second, 2, comment="太慢")
    client = Client()
    everything = client.get("/api/v1/ratings", **bearer(clerk)).json()
    assert everything["total"] == 2
    bad = client.get("/api/v1/ratings?level=2", **bearer(clerk)).json()["items"]
    assert [r["case"] for r in bad] == [second.number]
    assert bad[0]["rectification"]["due"]
    one = client.get(f"/api/v1/ratings?case={first.number}", **bearer(clerk)).json()["items"]
    assert [r["level"] for r in one] == [5]
    assert client.get("/api/v1/ratings?department=SCJ", **bearer(supervisor)).json()["total"] == 2
    # supervisors see the rater masked
    masked = client.get("/api/v1/ratings?level=2", **bearer(supervisor)).json()["items"][0]
    assert "*" in masked["rater"]
    assert client.get("/api/v1/ratings", **bearer(other_clerk)).json()["total"] == 0
    assert client.get("/api/v1/ratings", **bearer(citizen)).status_code == 403
    assert client.get("/api/v1/ratings?level=9", **bearer(clerk)).status_code == 422


def test_idempotency_key_for_signed_in_callers(item, complete, citizen):
    case = complete("2025-03-03 10:00", owner=citizen)
    client = Client()
    headers = {**bearer(citizen), "HTTP_IDEMPOTENCY_KEY": "rate-1"}
    url = f"/api/v1/cases/{case.number}/ratings"
    body = {"channel": "online", "level": 4}
    first = client.post(url, body, content_type="application/json", **headers)
    again = client.post(url, body, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and Rating.objects.count() == 1

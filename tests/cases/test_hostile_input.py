"""Malformed and hostile input to the case API gets a 4xx with the contract's error shape, never a
500, and changes nothing."""

from __future__ import annotations

import base64
import json

import pytest

from tests.cases.helpers import AT, applicant_payload
from tests.factories import valid_id_number, valid_uscc
from zhengwu.accounts.services import issue_token
from zhengwu.cases import services
from zhengwu.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

ITEM = "11330100SCJ-XK-0001"
BIG = "长" * 100_000
NUL = "\x00"


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def api(client, item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    auth = bearer(clerk)

    class Api:
        def post(self, path, body, **headers):
            if not isinstance(body, str | bytes):
                body = json.dumps(body)
            return client.post(
                f"/api/v1/cases{path}", body, content_type="application/json", **auth, **headers
            )

        def get(self, path, params=None):
            return client.get(f"/api/v1/cases{path}", params or {}, **auth)

    return Api()


@pytest.fixture
def number(api):
    response = api.post("", new_case())
    assert response.status_code == 201
    return response.json()["number"]


def new_case(**overrides) -> dict:
    body = {
        "item": ITEM,
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["M01", "M02"],
    }
    body.update(overrides)
    return body


def person(**overrides) -> dict:
    return applicant_payload(**overrides)


def org(**overrides) -> dict:
    data = {
        "kind": "org",
        "name": "示范科技有限公司",
        "uscc": valid_uscc(5),
        "phone": "0571-8765432",
    }
    data.update(overrides)
    return data


def refused(response, status=422, field=None):
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert {"code", "message"} <= set(body)
    if field is not None:
        assert field in body["errors"], body
    return body


GOOD_ID = valid_id_number(1)
CREATE_CASES = [
    (
        "ID wrong check digit",
        new_case(applicant=person(id_number=GOOD_ID[:-1] + "0")),
        "applicant.id_number",
    ),
    ("ID too short", new_case(applicant=person(id_number=GOOD_ID[:-1])), "applicant.id_number"),
    ("ID too long", new_case(applicant=person(id_number=GOOD_ID + "1")), "applicant.id_number"),
    (
        "ID bad date",
        new_case(applicant=person(id_number=valid_id_number(1, birth="19901332"))),
        "applicant.id_number",
    ),
    (
        "ID 30 February",
        new_case(applicant=person(id_number=valid_id_number(1, birth="19900230"))),
        "applicant.id_number",
    ),
    (
        "ID letters",
        new_case(applicant=person(id_number="11010119900101ABCD")),
        "applicant.id_number",
    ),
    ("ID empty", new_case(applicant=person(id_number="")), "applicant.id_number"),
    (
        "ID with NUL",
        new_case(applicant=person(id_number=GOOD_ID[:10] + NUL + GOOD_ID[11:])),
        "applicant.id_number",
    ),
    (
        "USCC wrong check",
        new_case(
            applicant=org(uscc=valid_uscc(5)[:-1] + ("0" if valid_uscc(5)[-1] != "0" else "1"))
        ),
        "applicant.uscc",
    ),
    ("USCC too short", new_case(applicant=org(uscc=valid_uscc(5)[:-2])), "applicant.uscc"),
    ("USCC with I and O", new_case(applicant=org(uscc="91110000IOIOIOIOI0")), "applicant.uscc"),
    ("applicant kind unknown", new_case(applicant=person(kind="robot")), None),
    ("applicant missing", {"item": ITEM, "channel": "window", "materials": []}, "applicant"),
    ("item missing", {"channel": "window", "applicant": person()}, "item"),
    ("channel unknown", new_case(channel="fax"), "channel"),
    ("name missing", new_case(applicant={k: v for k, v in person().items() if k != "name"}), None),
    ("name blank", new_case(applicant=person(name="   ")), "applicant.name"),
    ("name 100 KB", new_case(applicant=person(name=BIG)), None),
    ("phone letters", new_case(applicant=person(phone="call me")), "applicant.phone"),
    ("materials a string", new_case(materials="M01"), "materials"),
    ("materials numbers", new_case(materials=[1, 2]), None),
    ("materials nested", new_case(materials=[["M01"], {"M02": 1}]), None),
    ("materials unknown", new_case(materials=["M09"]), "materials"),
    ("materials with NUL", new_case(materials=["M01" + NUL]), "materials.0"),
    ("materials huge list", new_case(materials=["M01"] * 10_000), "materials"),
    ("materials 201 codes", new_case(materials=[f"X{i}" for i in range(201)]), "materials"),
    ("material code 100 KB", new_case(materials=[BIG]), None),
    ("item unknown", new_case(item="11330100SCJ-XK-9999"), "item"),
    ("item 100 KB", new_case(item=BIG), "item"),
    ("item a number", new_case(item=12345), "item"),
    (
        "applicant extra nested junk",
        new_case(applicant={**person(), "junk": {"a": [1, {"b": None}]}}),
        None,
    ),
    ("applicant a list", new_case(applicant=[person()]), None),
    ("received_at garbage", new_case(received_at="yesterday"), "received_at"),
    ("received_at naive", new_case(received_at="2025-10-09T08:00:00"), "received_at"),
    ("received_at in the future", new_case(received_at="2025-10-10T08:00:00+08:00"), "received_at"),
]


@pytest.mark.parametrize(("body", "field"), [pytest.param(*c[1:], id=c[0]) for c in CREATE_CASES])
def test_bad_applications_are_refused(api, body, field):
    refused(api.post("", body), 422, field)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "{",
        "",
        "[]",
        "42",
        '"a string"',
        "null",
        '{"item": "' + ITEM + '", "channel": "window", "applicant": ',
        "\x00\x01\x02",
        "[" * 5000 + "]" * 5000,
        '{"a":' * 5000 + "1" + "}" * 5000,
    ],
    ids=[
        "text",
        "brace",
        "empty",
        "list",
        "number",
        "string",
        "null",
        "truncated",
        "binary",
        "deep list",
        "deep object",
    ],
)
def test_a_body_that_is_not_an_application(api, raw):
    response = api.post("", raw)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    assert Case.objects.count() == 0


NUL_CASES = [
    ("name", new_case(applicant=person(name="张" + NUL + "三"))),
    ("phone", new_case(applicant=person(phone="138" + NUL + "00138000"))),
    ("item", new_case(item=ITEM[:5] + NUL + ITEM[5:])),
    ("org name", new_case(applicant=org(name="示范" + NUL + "公司"))),
    ("org contact", new_case(applicant=org(contact="王" + NUL))),
    ("org representative", new_case(applicant=org(legal_representative=NUL + "李四"))),
    ("uscc", new_case(applicant=org(uscc=valid_uscc(5) + NUL))),
]


@pytest.mark.parametrize("body", [pytest.param(c[1], id=c[0]) for c in NUL_CASES])
def test_nul_bytes_are_removed_or_refused_never_stored(api, body):
    response = api.post("", body)
    assert response.status_code in (201, 422), (response.status_code, response.content[:300])
    for case in Case.objects.select_related("applicant"):
        applicant = case.applicant
        stored = [applicant.name, applicant.phone, applicant.contact, applicant.uscc]
        stored += [applicant.legal_representative, case.contact_phone, case.item.impl_code]
        assert not any(NUL in value for value in stored)


def test_extra_top_level_fields_are_ignored_not_a_crash(api):
    response = api.post("", {**new_case(), "junk": {"deep": [1, 2, {"x": NUL}]}, "id": 7})
    assert response.status_code in (201, 422)


def test_an_online_applicant_does_not_state_the_receipt_time(client, item, citizen, travel):
    travel(AT("2025-10-09 09:00"))
    body = new_case(channel="online", received_at="2025-10-08T09:00:00+08:00")
    response = client.post(
        "/api/v1/cases", json.dumps(body), content_type="application/json", **bearer(citizen)
    )
    refused(response, 422, "received_at")


# ------------------------------------------------------------------ actions

ACTION_CASES = [
    ("extend", {"workdays": "ten", "reason": "x"}, "workdays"),
    ("extend", {"workdays": 3.5, "reason": "x"}, "workdays"),
    ("extend", {"workdays": True, "reason": "x"}, "workdays"),
    ("extend", {"workdays": None, "reason": "x"}, "workdays"),
    ("extend", {"workdays": [3], "reason": "x"}, "workdays"),
    ("extend", {"workdays": 10**30, "reason": "x"}, "workdays"),
    ("extend", {"reason": "x"}, "workdays"),
    ("refuse", {}, "reason"),
    ("refuse", {"reason": BIG}, "reason"),
    ("refuse", {"reason": 5}, "reason"),
    ("refuse", {"reason": NUL * 10}, "reason"),
    ("request-supplement", {"missing": "M02"}, "missing"),
    ("request-supplement", {"missing": ["M01"] * 10_000}, "missing"),
    ("request-supplement", {}, "missing"),
    ("suspend", {"procedure": ["hearing"], "reason": "x"}, "procedure"),
    ("suspend", {"procedure": BIG, "reason": "x"}, "procedure"),
    ("decide", {"outcome": "maybe"}, "outcome"),
    ("decide", {"outcome": None}, "outcome"),
    ("deliver", {"method": {"window": 1}}, "method"),
    ("accept", {"occurred_at": "2025-10-09T08:30:00"}, "occurred_at"),
    ("accept", {"occurred_at": "last week"}, "occurred_at"),
    ("accept", {"occurred_at": 1760000000}, None),
    ("accept", {"occurred_at": "2999-01-01T00:00:00+08:00"}, "occurred_at"),
    ("accept", {"occurred_at": "1900-01-01T00:00:00+08:00"}, "occurred_at"),
    ("accept", {"version": "latest"}, "version"),
    ("accept", {"version": 10**30}, None),
]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [pytest.param(*c, id=f"{c[0]}-{i}") for i, c in enumerate(ACTION_CASES)],
)
def test_bad_action_input_is_refused(client, number, clerk, reviewer, head, path, body, field):
    if path in ("extend", "suspend", "decide", "deliver"):
        services.act(actor=clerk, number=number, action="accept")
    if path == "deliver":
        services.act(actor=reviewer, number=number, action="decide", data={"outcome": "grant"})
    before = CaseEvent.objects.count()
    actor = {"extend": head, "suspend": reviewer, "decide": reviewer}.get(path, clerk)
    response = client.post(
        f"/api/v1/cases/{number}/{path}",
        json.dumps(body),
        content_type="application/json",
        **bearer(actor),
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if field is not None:
        refused(response, 422, field)
    assert CaseEvent.objects.count() == before


@pytest.mark.parametrize(
    "raw", ["not json", "[]", "[1]", "null", '{"reason":', "[" * 5000 + "]" * 5000]
)
def test_an_action_body_that_is_not_an_object(api, number, raw):
    response = api.post(f"/{number}/refuse", raw)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    assert CaseEvent.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/{number}/approve",
        "/{number}/deem-accept",
        "/{number}/request_supplement",
        "/{number}/accept/again",
        "/{number}/..%2F..%2Faccept",
    ],
)
def test_unknown_action_paths_are_404(api, number, path):
    response = api.post(path.format(number=number), {})
    assert response.status_code in (404, 405), response.status_code
    assert CaseEvent.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    ["nope", "0" * 33, "長" * 500, "' OR 1=1 --", "1;DROP TABLE x"],
)
def test_unknown_case_numbers_are_404(api, number, bad):
    assert api.get(f"/{bad}").status_code == 404
    response = api.post(f"/{bad}/accept", {})
    assert response.status_code == 404, response.content[:200]


@pytest.mark.parametrize("bad", ["%00", "2025100900000001%00"])
def test_case_numbers_with_nul_are_refused(api, number, bad):
    refused(api.get(f"/{bad}"), 422, "__all__")
    refused(api.post(f"/{bad}/accept", {}), 422, "__all__")


# ------------------------------------------------------------------ the list

LIST_CASES = [
    ({"after": "garbage!!"}, "after"),
    ({"after": "%%%"}, "after"),
    ({"after": base64.urlsafe_b64encode(b"-5").decode()}, "after"),
    ({"after": base64.urlsafe_b64encode(b"0").decode()}, "after"),
    ({"after": base64.urlsafe_b64encode(b"9" * 30).decode()}, "beyond every id"),
    ({"after": "x" * 41}, "after"),
    ({"after": NUL}, None),
    ({"limit": 0}, "limit"),
    ({"limit": 1000}, "limit"),
    ({"limit": "many"}, "limit"),
    ({"state": "pending"}, "state"),
    ({"state": "submitted,,nope"}, "state"),
    ({"level": "purple"}, "level"),
    ({"received_from": "tomorrow"}, "received_from"),
    ({"received_to": "2025-13-45"}, "received_to"),
    ({"item": NUL}, None),
    ({"department": "SCJ" + NUL}, None),
    ({"applicant": GOOD_ID + NUL}, None),
    ({"item": BIG}, "item"),
]


@pytest.mark.parametrize(
    ("params", "field"), [pytest.param(*c, id=f"list-{i}") for i, c in enumerate(LIST_CASES)]
)
def test_bad_list_parameters(api, number, params, field):
    response = api.get("", params)
    if field is None or field == "beyond every id":
        assert response.status_code in (200, 422), (response.status_code, response.content[:300])
    else:
        refused(response, 422, field)


def test_nul_bytes_in_filters_are_refused(api, number):
    for params in ({"department": "SCJ"}, {"item": ITEM}, {"applicant": GOOD_ID}):
        clean = api.get("", params).json()["items"]
        assert [row["number"] for row in clean] == [number]
        dirty = api.get("", {k: NUL + v + NUL for k, v in params.items()})
        refused(dirty, 422, next(iter(params)))


def test_a_cursor_of_another_page_works(api, clerk):
    numbers = []
    for seq in range(1, 4):
        case = services.submit(
            actor=clerk,
            item=ITEM,
            channel="window",
            applicant=services.ApplicantInput(**applicant_payload(seq)),
            materials=["M01"],
        )
        numbers.append(case.number)
    first = api.get("", {"limit": 2}).json()
    assert [row["number"] for row in first["items"]] == numbers[:0:-1]
    second = api.get("", {"limit": 2, "after": first["next"]}).json()
    assert [row["number"] for row in second["items"]] == numbers[:1] and second["next"] is None


@pytest.mark.parametrize(
    "key", ["k" * 129, NUL, "   ", "a" + NUL + "b"], ids=["long", "nul", "blank", "nul-inside"]
)
def test_bad_idempotency_keys(api, key):
    response = api.post("", new_case(), HTTP_IDEMPOTENCY_KEY=key)
    if key.strip():
        refused(response, 422, "Idempotency-Key")
        assert Case.objects.count() == 0
    else:
        assert response.status_code in (201, 422)


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("suspend", {"procedure": ["hearing"], "reason": "x"}, "procedure"),
        ("suspend", {"procedure": {"code": "hearing"}, "reason": "x"}, "procedure"),
        ("decide", {"outcome": ["grant"]}, "outcome"),
        ("deliver", {"method": {"window": 1}}, "method"),
        ("extend", {"workdays": "3", "reason": "x"}, "workdays"),
        ("extend", {"workdays": 2.0, "reason": "x"}, "workdays"),
        ("refuse", {"reason": ["x"]}, "reason"),
    ],
)
def test_unhashable_and_odd_values_at_the_service(
    number, clerk, reviewer, head, action, data, field
):
    """The pages call the services too: wrong types are a 422 there as well, never a crash."""
    from zhengwu.core.errors import ValidationFailed

    if action in ("suspend", "decide", "extend", "deliver"):
        services.act(actor=clerk, number=number, action="accept")
    if action == "deliver":
        services.act(actor=reviewer, number=number, action="decide", data={"outcome": "grant"})
    actor = {"suspend": reviewer, "decide": reviewer, "extend": head}.get(action, clerk)
    with pytest.raises(ValidationFailed) as caught:
        services.act(actor=actor, number=number, action=action, data=data)
    assert field in caught.value.errors

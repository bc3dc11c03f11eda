"""DOMAIN.md §3 through the services, table-driven, on the real 2025/2026 calendar.

Dates used (checked against the calendar module in ``test_the_calendar_behind_these_tables``):
National Day 2025: 1-8 October off, Sunday 28 September and Saturday 11 October worked; Spring
Festival 2026: 15-23 February off, Saturdays 14 and 28 February worked.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.catalog.builders import item_dict
from zhengwu.accounts.services import issue_token
from zhengwu.cases import inputs, rules, services
from zhengwu.cases.models import Case
from zhengwu.cases.rules import Action, State
from zhengwu.cases.selectors import remaining_workdays
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.choices import SPECIAL_PROCEDURE_CODES
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.workdays import loader

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
ITEM = "11330100SCJ-XK-0001"
IMMEDIATE = "11330100SCJ-QT-0002"


def outcome(call):
    """What a service call came to: ``("ok", case)``, ``(409, code)``, ``(403, code)``,
    ``(404, None)`` or ``(422, sorted field names)``."""
    try:
        return "ok", call()
    except ValidationFailed as error:
        return 422, sorted(error.errors)
    except Forbidden as error:
        return 403, error.code
    except DomainError as error:
        return 409, error.code
    except NotFound:
        return 404, None


@pytest.fixture
def people(clerk, reviewer, head, citizen, other_citizen, other_clerk, supervisor):
    return {
        "clerk": clerk,
        "reviewer": reviewer,
        "head": head,
        "citizen": citizen,
        "other_citizen": other_citizen,
        "other_clerk": other_clerk,
        "supervisor": supervisor,
    }


@pytest.fixture
def run(travel, people):
    """``run(who, case, action, data, at=, occurred_at=, version=)``: one service call."""

    def go(who, case, action, data=None, *, at=None, occurred_at=None, version=None):
        if at is not None:
            travel(AT(at))
        return services.act(
            actor=people[who] if isinstance(who, str) else who,
            number=case.number,
            action=action,
            data=data or {},
            occurred_at=AT(occurred_at) if isinstance(occurred_at, str) else occurred_at,
            version=version,
        )

    return go


@pytest.fixture
def filed(travel, people, item):
    """``filed(at, by="clerk", item=..., materials=...)``: a new case, window or online."""

    def go(at, *, by="clerk", item=ITEM, materials=("M01", "M02"), **kwargs):
        travel(AT(at))
        channel = "online" if by == "citizen" else "window"
        return file_case(people[by], item, materials=materials, channel=channel, **kwargs)

    return go


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def stored(case) -> dict:
    """The case row as a dict (every column)."""
    row = Case.objects.get(pk=case.pk)
    return {f.attname: getattr(row, f.attname) for f in Case._meta.concrete_fields}


def test_the_calendar_behind_these_tables(db):
    calendar = loader.get_calendar()
    off_2026 = [D("2026-02-15") + dt.timedelta(days=i) for i in range(9)]
    assert not any(calendar.is_workday(day) for day in off_2026)
    assert calendar.is_workday(D("2026-02-14")) and calendar.is_workday(D("2026-02-28"))
    assert D("2026-02-14").weekday() == D("2026-02-28").weekday() == 5
    assert calendar.is_workday(D("2026-02-24")) and not calendar.is_workday(D("2026-03-01"))
    off_2025 = [D("2025-10-01") + dt.timedelta(days=i) for i in range(8)]
    assert not any(calendar.is_workday(day) for day in off_2025)
    assert calendar.is_workday(D("2025-09-28")) and calendar.is_workday(D("2025-10-11"))
    assert calendar.add(D("2025-09-30"), 20) == D("2025-11-04")  # DOMAIN §2 examples
    assert calendar.add(D("2026-02-13"), 7) == D("2026-03-02")


# ------------------------------------------------------------------ the clocks, table-driven

# (id, filed: (moment, by, item, materials), steps: [(moment, who, action, data)], expected)
CLOCK_CASES = [
    (
        "intake 5 working days across National Day",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [],
        {"state": "submitted", "received_on": "2025-09-30", "intake_due": "2025-10-14"},
    ),
    (
        "intake 5 working days across the Spring Festival",
        ("2026-02-13 10:00", "clerk", ITEM, ("M01", "M02")),
        [],
        {"state": "submitted", "intake_due": "2026-02-27", "accepted_on": None},
    ),
    (
        "decision 20 and promised 10 working days from the acceptance",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [("2025-09-30 11:00", "clerk", "accept", {})],
        {
            "state": "accepted",
            "accepted_on": "2025-09-30",
            "promised_due": "2025-10-21",
            "statutory_due": "2025-11-04",
            "level": "normal",
            "remaining_workdays": 10,
            "deemed_accepted": False,
        },
    ),
    (
        "acceptance after the holiday counts from that day",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [("2025-10-09 09:30", "reviewer", "accept", {})],
        {"accepted_on": "2025-10-09", "promised_due": "2025-10-22", "statutory_due": "2025-11-05"},
    ),
    (
        "acceptance is dated the supplement day",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01",)),
        [
            ("2025-09-30 10:30", "clerk", "request_supplement", {"missing": ["M02"]}),
            ("2025-10-10 09:00", "clerk", "supplement", {"materials": ["M02"]}),
            ("2025-10-13 10:00", "clerk", "accept", {}),
        ],
        {
            "state": "accepted",
            "accepted_on": "2025-10-10",
            "promised_due": "2025-10-23",
            "statutory_due": "2025-11-06",
            "materials": ["M01", "M02"],
            "missing": [],
        },
    ),
    (
        "the intake limit runs again from the supplement day",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01",)),
        [
            ("2025-09-30 10:30", "clerk", "request_supplement", {"missing": ["M02"]}),
            ("2025-10-10 09:00", "clerk", "supplement", {"materials": ["M02"]}),
        ],
        {"state": "submitted", "intake_due": "2025-10-16", "received_on": "2025-09-30"},
    ),
    (
        "decided before the promised due date: early",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-10-21 15:00", "reviewer", "decide", {"outcome": "grant"}),
        ],
        {
            "state": "granted",
            "completed_on": "2025-10-21",
            "completion": "early",
            "delivery_due": "2025-11-04",
            "level": "",
            "statutory_overdue": False,
        },
    ),
    (
        "decided on the promised due date: on time",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-10-22 15:00", "head", "decide", {"outcome": "grant"}),
        ],
        {"completion": "on_time", "delivery_due": "2025-11-05"},
    ),
    (
        "decided after the promised due date: late",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-10-23 09:00", "reviewer", "decide", {"outcome": "deny", "reason": "条件不符"}),
        ],
        {"state": "denied", "completion": "late", "delivery_due": None},
    ),
    (
        "decided after the statutory due date: late and statutory overdue",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-11-06 09:00", "reviewer", "decide", {"outcome": "grant"}),
        ],
        {"completion": "late", "statutory_overdue": True, "completed_on": "2025-11-06"},
    ),
    (
        "an extension moves both due dates",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-10-15 09:00", "head", "extend", {"workdays": 5, "reason": "需现场复核"}),
        ],
        {"promised_due": "2025-10-29", "statutory_due": "2025-11-12", "extension_workdays": 5},
    ),
    (
        "an extension of the full 10 working days",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-11-05 16:00", "head", "extend", {"workdays": 10, "reason": "需专家论证"}),
        ],
        {"promised_due": "2025-11-05", "statutory_due": "2025-11-19", "extension_workdays": 10},
    ),
    (
        "[suspend, resume) working days are not counted",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            (
                "2025-10-13 09:00",
                "reviewer",
                "suspend",
                {"procedure": "inspection", "reason": "检验"},
            ),
            ("2025-10-16 09:00", "reviewer", "resume", {}),
        ],
        {
            "state": "accepted",
            "promised_due": "2025-10-27",
            "statutory_due": "2025-11-10",
            "suspended_workdays": 3,
            "suspended_since": None,
        },
    ),
    (
        "suspended and resumed on one day costs nothing",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-10-13 09:00", "head", "suspend", {"procedure": "hearing", "reason": "听证"}),
            ("2025-10-13 16:00", "head", "resume", {}),
        ],
        {"promised_due": "2025-10-22", "statutory_due": "2025-11-05", "suspended_workdays": 0},
    ),
    (
        "an open suspension counts through today",
        ("2025-09-30 10:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 09:30", "clerk", "accept", {}),
            ("2025-10-13 09:00", "reviewer", "suspend", {"procedure": "testing", "reason": "检测"}),
        ],
        {
            "state": "suspended",
            "suspended_since": "2025-10-13",
            "suspended_workdays": 1,
            "promised_due": "2025-10-23",
        },
    ),
    (
        "the decision clock across the Spring Festival",
        ("2026-02-10 09:00", "clerk", ITEM, ("M01", "M02")),
        [("2026-02-10 10:00", "clerk", "accept", {})],
        {"promised_due": "2026-03-02", "statutory_due": "2026-03-16"},
    ),
    (
        "a suspension across the Spring Festival counts its working days only",
        ("2026-02-10 09:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2026-02-10 10:00", "clerk", "accept", {}),
            (
                "2026-02-13 10:00",
                "reviewer",
                "suspend",
                {"procedure": "appraisal", "reason": "鉴定"},
            ),
            ("2026-02-25 10:00", "reviewer", "resume", {}),
        ],
        {"suspended_workdays": 3, "promised_due": "2026-03-05", "statutory_due": "2026-03-19"},
    ),
    (
        "delivery due 10 working days after the grant, across the Spring Festival",
        ("2026-02-10 09:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2026-02-10 10:00", "clerk", "accept", {}),
            ("2026-02-12 10:00", "reviewer", "decide", {"outcome": "grant"}),
            ("2026-03-04 10:00", "clerk", "deliver", {"method": "mail"}),
        ],
        {
            "state": "delivered",
            "delivery_due": "2026-03-04",
            "delivered_on": "2026-03-04",
            "delivery_overdue": False,
        },
    ),
    (
        "delivered after the delivery due date",
        ("2026-02-10 09:00", "clerk", ITEM, ("M01", "M02")),
        [
            ("2026-02-10 10:00", "clerk", "accept", {}),
            ("2026-02-12 10:00", "reviewer", "decide", {"outcome": "grant"}),
            ("2026-03-05 10:00", "clerk", "deliver", {"method": "electronic"}),
        ],
        {"delivery_due": "2026-03-04", "delivery_overdue": True},
    ),
    (
        "即办件 decided on the acceptance day: on time",
        ("2025-10-09 09:00", "clerk", IMMEDIATE, ("M01", "M02")),
        [
            ("2025-10-09 09:10", "clerk", "accept", {}),
            ("2025-10-09 09:40", "reviewer", "decide", {"outcome": "grant"}),
        ],
        {"promised_due": "2025-10-09", "completion": "on_time", "statutory_overdue": False},
    ),
    (
        "即办件 decided the next day: late",
        ("2025-10-09 09:00", "clerk", IMMEDIATE, ("M01", "M02")),
        [
            ("2025-10-09 09:10", "clerk", "accept", {}),
            ("2025-10-10 09:40", "reviewer", "decide", {"outcome": "grant"}),
        ],
        {"promised_due": "2025-10-09", "completion": "late"},
    ),
    (
        "the applicant withdraws before the decision",
        ("2025-10-09 09:00", "citizen", ITEM, ("M01", "M02")),
        [
            ("2025-10-09 10:00", "clerk", "accept", {}),
            ("2025-10-10 10:00", "citizen", "withdraw", {"reason": "不再需要"}),
        ],
        {"state": "withdrawn", "level": "", "completion": ""},
    ),
    (
        "a clerk withdraws on the applicant's written request",
        ("2025-10-09 09:00", "clerk", ITEM, ("M01",)),
        [
            ("2025-10-09 09:30", "clerk", "request_supplement", {"missing": ["M02"]}),
            ("2025-10-10 10:00", "clerk", "withdraw", {}),
        ],
        {"state": "withdrawn"},
    ),
]


def _value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize(
    ("filing", "steps", "expected"), [pytest.param(*c[1:], id=c[0]) for c in CLOCK_CASES]
)
def test_clock_rule(filed, run, filing, steps, expected):
    at, by, item_code, materials = filing
    case = filed(at, by=by, item=item_code, materials=materials)
    for moment, who, action, data in steps:
        case = run(who, case, action, data, at=moment)
    # the working days left are computed on read, not stored
    row = {**stored(case), "remaining_workdays": remaining_workdays(case)}
    assert {key: _value(row[key]) for key in expected} == expected
    assert row["event_count"] == len(steps) + 1
    assert row["version"] == len(steps) + 1


# ------------------------------------------------------------------ refusals, table-driven

# (id, filed materials, setup steps, failing step, expected (status, code or fields))
REFUSAL_CASES = [
    (
        "acceptance needs every required material",
        ("M01",),
        [],
        ("2025-10-09 10:00", "clerk", "accept", {}),
        (409, "materials_incomplete"),
    ),
    (
        "a notice lists every missing required material",
        ("M01",),
        [],
        ("2025-10-09 10:00", "clerk", "request_supplement", {"missing": ["M03"]}),
        (422, ["missing"]),
    ),
    (
        "a notice lists at least one material",
        ("M01", "M02"),
        [],
        ("2025-10-09 10:00", "clerk", "request_supplement", {"missing": []}),
        (422, ["missing"]),
    ),
    (
        "a refusal needs reasons",
        ("M01", "M02"),
        [],
        ("2025-10-09 10:00", "clerk", "refuse", {"reason": "  "}),
        (422, ["reason"]),
    ),
    (
        "a denial needs reasons",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-10-10 10:00", "reviewer", "decide", {"outcome": "deny", "reason": ""}),
        (422, ["reason"]),
    ),
    (
        "a second extension",
        ("M01", "M02"),
        [
            ("2025-10-09 10:00", "clerk", "accept", {}),
            ("2025-10-10 10:00", "head", "extend", {"workdays": 2, "reason": "复核"}),
        ],
        ("2025-10-13 10:00", "head", "extend", {"workdays": 2, "reason": "再次复核"}),
        (409, "already_extended"),
    ),
    (
        "an extension by a reviewer",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-10-10 10:00", "reviewer", "extend", {"workdays": 2, "reason": "复核"}),
        (403, "role_not_allowed"),
    ),
    (
        "an extension of 11 working days",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-10-10 10:00", "head", "extend", {"workdays": 11, "reason": "复核"}),
        (422, ["workdays"]),
    ),
    (
        "an extension of 0 working days",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-10-10 10:00", "head", "extend", {"workdays": 0, "reason": "复核"}),
        (422, ["workdays"]),
    ),
    (
        "an extension without a reason",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-10-10 10:00", "head", "extend", {"workdays": 3}),
        (422, ["reason"]),
    ),
    (
        "an extension after the statutory due date",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-11-06 10:00", "head", "extend", {"workdays": 3, "reason": "复核"}),
        (409, "extension_after_due"),
    ),
    (
        "a suspension for something not a special procedure",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-10-10 10:00", "reviewer", "suspend", {"procedure": "meeting", "reason": "开会"}),
        (422, ["procedure"]),
    ),
    (
        "a suspension without a reason",
        ("M01", "M02"),
        [("2025-10-09 10:00", "clerk", "accept", {})],
        ("2025-10-10 10:00", "reviewer", "suspend", {"procedure": "hearing"}),
        (422, ["reason"]),
    ),
    (
        "a decision while suspended",
        ("M01", "M02"),
        [
            ("2025-10-09 10:00", "clerk", "accept", {}),
            ("2025-10-10 10:00", "reviewer", "suspend", {"procedure": "hearing", "reason": "听证"}),
        ],
        ("2025-10-13 10:00", "reviewer", "decide", {"outcome": "grant"}),
        (409, "illegal_transition"),
    ),
    (
        "withdrawal after the decision",
        ("M01", "M02"),
        [
            ("2025-10-09 10:00", "clerk", "accept", {}),
            ("2025-10-10 10:00", "reviewer", "decide", {"outcome": "grant"}),
        ],
        ("2025-10-13 10:00", "clerk", "withdraw", {}),
        (409, "illegal_transition"),
    ),
    (
        "delivery by a reviewer",
        ("M01", "M02"),
        [
            ("2025-10-09 10:00", "clerk", "accept", {}),
            ("2025-10-10 10:00", "reviewer", "decide", {"outcome": "grant"}),
        ],
        ("2025-10-13 10:00", "reviewer", "deliver", {"method": "window"}),
        (403, "role_not_allowed"),
    ),
    (
        "an unknown delivery method",
        ("M01", "M02"),
        [
            ("2025-10-09 10:00", "clerk", "accept", {}),
            ("2025-10-10 10:00", "reviewer", "decide", {"outcome": "grant"}),
        ],
        ("2025-10-13 10:00", "clerk", "deliver", {"method": "pigeon"}),
        (422, ["method"]),
    ),
    (
        "a supplement of materials the item does not have",
        ("M01",),
        [("2025-10-09 10:00", "clerk", "request_supplement", {"missing": ["M02"]})],
        ("2025-10-10 10:00", "clerk", "supplement", {"materials": ["M09"]}),
        (422, ["materials"]),
    ),
    (
        "an unknown action",
        ("M01", "M02"),
        [],
        ("2025-10-09 10:00", "clerk", "approve", {}),
        (422, ["action"]),
    ),
    (
        "the system's deemed acceptance is not a public action",
        ("M01", "M02"),
        [],
        ("2025-10-09 10:00", "clerk", "deem_accept", {}),
        (422, ["action"]),
    ),
]


@pytest.mark.parametrize(
    ("materials", "setup", "step", "expected"),
    [pytest.param(*c[1:], id=c[0]) for c in REFUSAL_CASES],
)
def test_refused_step(filed, run, travel, materials, setup, step, expected):
    case = filed("2025-10-09 09:00", materials=materials)
    for moment, who, action, data in setup:
        case = run(who, case, action, data, at=moment)
    before = stored(case)
    moment, who, action, data = step
    result = outcome(lambda: run(who, case, action, data, at=moment))
    assert result == expected
    assert stored(case) == before  # a refused step changes nothing


def test_materials_incomplete_names_the_missing_material(filed, run):
    case = filed("2025-10-09 09:00", materials=("M01",))
    with pytest.raises(DomainError) as caught:
        run("clerk", case, "accept")
    assert caught.value.code == "materials_incomplete"
    assert "营业执照复印件" in str(caught.value.message)


def test_a_second_notice_asking_something_new_is_recorded_as_added(filed, run):
    case = filed("2025-10-09 09:00", materials=("M01",))
    run("clerk", case, "request_supplement", {"missing": ["M02"]}, at="2025-10-09 09:30")
    run("clerk", case, "supplement", {"materials": ["M02"]}, at="2025-10-10 09:00")
    case = run("clerk", case, "request_supplement", {"missing": ["M03"]}, at="2025-10-10 10:00")
    assert case.state == "supplement_requested" and case.missing == ["M03"]
    first, second = case.events.filter(kind="request_supplement").order_by("seq")
    assert first.data["round"] == 1 and "added" not in first.data
    assert second.data["round"] == 2 and second.data["added"] == ["M03"]
    # a second notice repeating the first asks nothing new
    run("clerk", case, "supplement", {"materials": ["M03"]}, at="2025-10-10 11:00")
    case = run("clerk", case, "request_supplement", {"missing": ["M02"]}, at="2025-10-10 12:00")
    third = case.events.filter(kind="request_supplement").order_by("-seq").first()
    assert third.data["round"] == 3 and third.data["added"] == []


# ------------------------------------------------------------------ deemed acceptance


def test_deemed_acceptance_by_the_sweep(filed, travel):
    case = filed("2025-09-30 10:00")
    travel(AT("2025-10-14 20:00"))  # the intake due date itself: not yet
    call_command("supervise", "--once", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.state == "submitted" and case.event_count == 1
    travel(AT("2025-10-15 08:00"))
    call_command("supervise", "--once", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.state == "accepted" and case.deemed_accepted
    assert case.accepted_on == D("2025-09-30")  # as of the receipt date
    assert case.promised_due == D("2025-10-21") and case.statutory_due == D("2025-11-04")
    event = case.events.get(seq=2)
    assert event.kind == "deem_accept" and event.actor is None and event.actor_name == "system"
    assert event.data["intake_due"] == "2025-10-14"
    # a second sweep changes nothing
    version = case.version
    call_command("supervise", "--once", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.version == version and case.event_count == 2


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("accept", {}),
        ("refuse", {"reason": "材料不全"}),
        ("request_supplement", {"missing": ["M03"]}),
    ],
)
def test_a_late_intake_action_finds_the_case_deemed_accepted(filed, run, action, data):
    case = filed("2025-09-30 10:00")
    result = outcome(lambda: run("clerk", case, action, data, at="2025-10-15 09:00"))
    assert result == (409, "deemed_accepted")
    case.refresh_from_db()
    assert case.state == "accepted" and case.deemed_accepted
    assert case.accepted_on == D("2025-09-30")
    assert list(case.events.values_list("kind", flat=True)) == ["submit", "deem_accept"]
    # the deemed case goes on to a decision
    case = run("reviewer", case, "decide", {"outcome": "grant"}, at="2025-10-16 09:00")
    assert case.state == "granted" and case.completion == "early"


def test_a_late_action_with_a_version_still_records_the_deemed_acceptance(filed, run):
    case = filed("2025-09-30 10:00")
    result = outcome(lambda: run("clerk", case, "accept", at="2025-10-15 09:00", version=1))
    assert result == (409, "deemed_accepted")
    case.refresh_from_db()
    assert case.state == "accepted" and case.version == 2


def test_an_intake_action_backfilled_within_the_limit_is_not_deemed(filed, run):
    case = filed("2025-09-30 10:00")
    case = run("clerk", case, "accept", at="2025-10-15 09:00", occurred_at="2025-10-14 16:00")
    assert case.state == "accepted" and not case.deemed_accepted
    assert case.accepted_on == D("2025-10-14")
    assert list(case.events.values_list("kind", flat=True)) == ["submit", "accept"]
    assert case.events.get(seq=2).retroactive is False  # 14 to 15 October: 1 working day


def test_deemed_acceptance_after_a_supplement_is_as_of_the_supplement_day(filed, run, travel):
    case = filed("2025-09-30 10:00", materials=("M01",))
    run("clerk", case, "request_supplement", {"missing": ["M02"]}, at="2025-09-30 11:00")
    run("clerk", case, "supplement", {"materials": ["M02"]}, at="2025-10-10 09:00")
    travel(AT("2025-10-17 09:00"))  # intake due 16 October
    call_command("supervise", "--once", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.state == "accepted" and case.deemed_accepted
    assert case.accepted_on == D("2025-10-10")


def test_reading_a_case_never_changes_it(filed, travel, client, clerk, supervisor):
    case = filed("2025-09-30 10:00")
    before = stored(case)
    travel(AT("2025-10-20 09:00"))  # intake limit long past, clocks stale
    for user in (clerk, supervisor):
        response = client.get(f"/api/v1/cases/{case.number}", **bearer(user))
        assert response.status_code == 200
        assert response.json()["state"] == "submitted"
        assert client.get("/api/v1/cases", **bearer(user)).status_code == 200
    assert stored(case) == before
    assert case.events.count() == 1


# ------------------------------------------------------------------ occurred_at


def test_occurred_at_in_the_future_is_refused_and_changes_nothing(filed, run):
    case = filed("2025-10-14 09:00")
    before = stored(case)
    result = outcome(
        lambda: run("clerk", case, "accept", at="2025-10-14 10:00", occurred_at="2025-10-14 10:05")
    )
    assert result == (422, ["occurred_at"])
    assert stored(case) == before


def test_a_future_occurred_at_does_not_bring_the_deemed_acceptance_forward(filed, run):
    """The intake limit ends on 21 October; a stated time after it, but in the future, must not
    record a deemed acceptance today."""
    case = filed("2025-10-14 09:00")
    assert case.intake_due == D("2025-10-21")
    before = stored(case)
    result = outcome(
        lambda: run("clerk", case, "accept", at="2025-10-21 10:00", occurred_at="2025-10-23 10:00")
    )
    assert result == (422, ["occurred_at"])
    assert stored(case) == before
    assert list(case.events.values_list("kind", flat=True)) == ["submit"]


def test_occurred_at_before_the_previous_event_is_refused(filed, run):
    case = filed("2025-10-14 09:00")
    run("clerk", case, "accept", at="2025-10-14 11:00")
    before = stored(case)
    result = outcome(
        lambda: run(
            "head",
            case,
            "extend",
            {"workdays": 2, "reason": "x"},
            at="2025-10-15 10:00",
            occurred_at="2025-10-14 10:30",
        )
    )
    assert result == (422, ["occurred_at"])
    assert stored(case) == before


def test_a_naive_occurred_at_is_refused(filed, run):
    case = filed("2025-10-14 09:00")
    naive = dt.datetime(2025, 10, 14, 9, 30)
    result = outcome(lambda: run("clerk", case, "accept", at="2025-10-14 10:00", occurred_at=naive))
    assert result == (422, ["occurred_at"])


def test_an_applicant_does_not_state_when_a_step_happened(filed, run):
    case = filed("2025-10-14 09:00", by="citizen")
    result = outcome(
        lambda: run(
            "citizen", case, "withdraw", at="2025-10-14 10:00", occurred_at="2025-10-14 09:30"
        )
    )
    assert result == (422, ["occurred_at"])
    case = run("citizen", case, "withdraw", at="2025-10-14 10:00")
    assert case.state == "withdrawn"
    assert case.events.get(seq=2).retroactive is False


@pytest.mark.parametrize(
    ("received", "occurred", "recorded", "retroactive"),
    [
        # Friday's action recorded on Monday: one working day late, not retroactive
        ("2025-10-16 09:00", "2025-10-17 15:00", "2025-10-20 09:00", False),
        # Thursday's action recorded on Monday: two working days
        ("2025-10-16 09:00", "2025-10-16 15:00", "2025-10-20 09:00", True),
        # the last day before National Day recorded on the first day after it
        ("2025-09-30 09:00", "2025-09-30 15:00", "2025-10-09 09:00", False),
        # the Friday before the Spring Festival recorded after it: 14 February was worked
        ("2026-02-13 09:00", "2026-02-13 15:00", "2026-02-24 09:00", True),
        # the make-up Saturday recorded after the holiday
        ("2026-02-13 09:00", "2026-02-14 15:00", "2026-02-24 09:00", False),
        # recorded the same day
        ("2025-10-16 09:00", "2025-10-16 09:30", "2025-10-16 10:00", False),
    ],
)
def test_backfilled_steps_are_marked_retroactive(
    filed, run, received, occurred, recorded, retroactive
):
    case = filed(received)
    case = run("clerk", case, "accept", at=recorded, occurred_at=occurred)
    event = case.events.get(seq=2)
    assert event.retroactive is retroactive
    assert event.occurred_at == AT(occurred) and event.recorded_at == AT(recorded)
    assert case.accepted_on == AT(occurred).date()


def test_a_window_receipt_stated_two_working_days_back_is_retroactive(filed):
    case = filed("2025-10-20 09:00", received_at=AT("2025-10-16 15:00"))
    assert case.received_on == D("2025-10-16") and case.intake_due == D("2025-10-23")
    assert case.events.get(seq=1).retroactive is True
    case = filed("2025-10-20 09:30", received_at=AT("2025-10-17 15:00"))
    assert case.events.get(seq=1).retroactive is False


@pytest.mark.parametrize(
    ("occurred", "recorded", "retroactive"),
    [
        # Thursday's action recorded on Monday: two working days, within a margin of 2
        ("2025-10-16 15:00", "2025-10-20 09:00", False),
        # Wednesday's action recorded on Monday: three working days
        ("2025-10-15 15:00", "2025-10-20 09:00", True),
    ],
)
def test_the_retroactive_margin_is_a_setting(filed, run, settings, occurred, recorded, retroactive):
    """ZHENGWU_RETROACTIVE_MARGIN_WORKDAYS (DOMAIN §4), for steps and window receipts alike."""
    settings.RETROACTIVE_MARGIN_WORKDAYS = 2
    case = filed("2025-10-15 09:00")
    case = run("clerk", case, "accept", at=recorded, occurred_at=occurred)
    assert case.events.get(seq=2).retroactive is retroactive
    receipt = filed(recorded, received_at=AT(occurred))
    assert receipt.events.get(seq=1).retroactive is retroactive


# ------------------------------------------------------------------ withdrawal and scope


def test_only_the_owner_withdraws_online(filed, run):
    case = filed("2025-10-14 09:00", by="citizen")
    assert outcome(lambda: run("other_citizen", case, "withdraw")) == (404, None)
    assert outcome(lambda: run("other_clerk", case, "withdraw")) == (404, None)
    assert outcome(lambda: run("supervisor", case, "withdraw")) == (403, "role_not_allowed")
    run("clerk", case, "accept")
    run("reviewer", case, "decide", {"outcome": "deny", "reason": "不符合条件"})
    assert outcome(lambda: run("citizen", case, "withdraw")) == (409, "illegal_transition")


@pytest.mark.parametrize("procedure", sorted(SPECIAL_PROCEDURE_CODES))
def test_each_of_the_eight_special_procedures_suspends(filed, run, procedure):
    case = filed("2025-10-09 09:00")
    run("clerk", case, "accept")
    case = run("reviewer", case, "suspend", {"procedure": procedure, "reason": "特别程序"})
    assert case.state == "suspended"
    assert case.events.order_by("-seq").first().data["procedure"] == procedure


def test_there_are_eight_special_procedures():
    assert len(SPECIAL_PROCEDURE_CODES) == 8


# ------------------------------------------------------------------ catalogue versions


def test_a_case_keeps_its_catalogue_version_after_the_item_is_republished(filed, run, travel):
    old = filed("2025-10-09 09:00")
    first_version = old.item_version
    travel(AT("2025-10-10 09:00"))
    materials = item_dict()["materials"] + [
        {
            "code": "M04",
            "name": "场所平面图",
            "required": True,
            "form": "paper",
            "copies": 1,
            "source": "申请人自备",
            "notes": "",
        }
    ]
    catalog_services.import_items(
        [item_dict(promised_limit=5, statutory_limit=15, materials=materials)],
        valid_from=D("2025-10-10"),
    )
    old.refresh_from_db()
    assert old.item_version_id == first_version.pk
    # the old case still needs only M01 and M02 and keeps 10/20 working days
    old = run("clerk", old, "accept", at="2025-10-10 10:00")
    assert old.promised_due == D("2025-10-23") and old.statutory_due == D("2025-11-06")
    assert old.item_version.number == first_version.number
    # a new case gets the new version: M04 is required, 5/15 working days
    new = filed("2025-10-10 11:00", materials=("M01", "M02"))
    assert new.item_version.number == first_version.number + 1
    assert outcome(lambda: run("clerk", new, "accept")) == (409, "materials_incomplete")
    case = filed("2025-10-10 11:30", materials=("M01", "M02", "M04"))
    case = run("clerk", case, "accept")
    assert case.promised_due == D("2025-10-16") and case.statutory_due == D("2025-10-30")
    # M04 is not a material of the old version
    result = outcome(lambda: run("clerk", old, "request_supplement", {"missing": ["M04"]}))
    assert result == (422, ["missing"])
    old.refresh_from_db()
    assert old.item_version_id == first_version.pk


# ------------------------------------------------------------------ every transition


PUBLIC_OF = {
    Action.REQUEST_SUPPLEMENT: ("request_supplement", {"missing": ["M02", "M03"]}),
    Action.SUPPLEMENT: ("supplement", {"materials": ["M02", "M03"]}),
    # handing in part of what the notice asked for
    Action.SUPPLEMENT_PART: ("supplement", {"materials": ["M02"]}),
    Action.ACCEPT: ("accept", {}),
    Action.REFUSE: ("refuse", {"reason": "不符合受理条件"}),
    Action.SUSPEND: ("suspend", {"procedure": "expert_review", "reason": "专家评审"}),
    Action.RESUME: ("resume", {"note": ""}),
    Action.EXTEND: ("extend", {"workdays": 3, "reason": "需要复核"}),
    Action.DECIDE_GRANT: ("decide", {"outcome": "grant", "reason": ""}),
    Action.DECIDE_DENY: ("decide", {"outcome": "deny", "reason": "不符合条件"}),
    Action.DELIVER: ("deliver", {"method": "window"}),
    Action.WITHDRAW: ("withdraw", {"reason": ""}),
}
# How each state is reached through the services (the case is filed online by the citizen, so
# every role applies: the owner, and the staff of the department).
PATHS = {
    State.SUBMITTED: [],
    State.SUPPLEMENT_REQUESTED: [("clerk", Action.REQUEST_SUPPLEMENT)],
    State.ACCEPTED: [("clerk", Action.ACCEPT)],
    State.SUSPENDED: [("clerk", Action.ACCEPT), ("reviewer", Action.SUSPEND)],
    State.GRANTED: [("clerk", Action.ACCEPT), ("reviewer", Action.DECIDE_GRANT)],
    State.DENIED: [("clerk", Action.ACCEPT), ("reviewer", Action.DECIDE_DENY)],
    State.DELIVERED: [
        ("clerk", Action.ACCEPT),
        ("reviewer", Action.DECIDE_GRANT),
        ("clerk", Action.DELIVER),
    ],
    State.REFUSED: [("clerk", Action.REFUSE)],
    State.WITHDRAWN: [("citizen", Action.WITHDRAW)],
}
ROLE_USER = {
    rules.APPLICANT: "citizen",
    rules.WINDOW_CLERK: "clerk",
    rules.REVIEWER: "reviewer",
    rules.DEPARTMENT_HEAD: "head",
    rules.SUPERVISOR: "supervisor",
}
PUBLIC_ROWS = [row for row in rules.TRANSITIONS if row.action in PUBLIC_OF]
TABLE = {(row.state, row.action) for row in rules.TRANSITIONS}
ILLEGAL = [
    (state, action)
    for state, action in itertools.product(State, PUBLIC_OF)
    if (state, action) not in TABLE
]


@pytest.fixture
def in_state(filed, run):
    def go(state):
        case = filed("2025-10-09 09:00", by="citizen")
        for who, action in PATHS[state]:
            name, data = PUBLIC_OF[action]
            case = run(who, case, name, data)
        assert case.state == state
        return case

    return go


def test_every_public_table_row_is_exercised():
    assert {row.action for row in rules.TRANSITIONS} - set(PUBLIC_OF) == {
        Action.SUBMIT,
        Action.DEEM_ACCEPT,
    }
    assert set(PATHS) == set(State)


@pytest.mark.parametrize(
    ("state", "action", "role", "after"),
    [
        pytest.param(r.state, r.action, role, r.next, id=f"{r.state}-{r.action}-{role}")
        for r in PUBLIC_ROWS
        for role in sorted(r.roles)
    ],
)
def test_allowed_transition_through_the_services(in_state, run, state, action, role, after):
    case = in_state(state)
    name, data = PUBLIC_OF[action]
    case = run(ROLE_USER[role], case, name, data)
    assert case.state == after
    assert case.events.order_by("-seq").first().kind == action


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [
        pytest.param(r.state, r.action, role, id=f"{r.state}-{r.action}-{role}")
        for r in PUBLIC_ROWS
        for role in sorted(set(ROLE_USER) - r.roles)
    ],
)
def test_wrong_role_through_the_services(in_state, run, state, action, role):
    case = in_state(state)
    before = stored(case)
    name, data = PUBLIC_OF[action]
    assert outcome(lambda: run(ROLE_USER[role], case, name, data)) == (403, "role_not_allowed")
    assert stored(case) == before


@pytest.mark.parametrize("state", list(State))
def test_illegal_transitions_through_the_services(in_state, run, state):
    case = in_state(state)
    before = stored(case)
    refused = {}
    for table_state, action in ILLEGAL:
        if table_state != state:
            continue
        name, data = PUBLIC_OF[action]
        refused[action] = outcome(lambda name=name, data=data: run("head", case, name, data))
    assert refused
    assert all(result == (409, "illegal_transition") for result in refused.values()), refused
    assert stored(case) == before


def test_submit_is_open_to_a_clerk_and_an_applicant_only(filed, people):
    for who in ("reviewer", "head", "supervisor"):
        for channel in ("window", "online"):
            result = outcome(
                lambda who=who, channel=channel: file_case(
                    people[who], channel=channel, applicant=applicant_payload(7)
                )
            )
            assert result[0] == 403, (who, channel, result)
    assert Case.objects.count() == 0


@pytest.mark.parametrize("state", list(State))
def test_illegal_transitions_through_the_api(in_state, client, head, state):
    number = in_state(state).number
    auth = bearer(head)
    before = client.get(f"/api/v1/cases/{number}", **auth).json()
    for table_state, action in ILLEGAL:
        if table_state != state:
            continue
        name, data = PUBLIC_OF[action]
        response = client.post(
            f"/api/v1/cases/{number}/{name.replace('_', '-')}",
            data,
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 409, (action, response.json())
        assert response.json()["code"] == "illegal_transition"
    assert client.get(f"/api/v1/cases/{number}", **auth).json() == before


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_parallel_approval_on_acceptance_is_yes_or_no(value):
    with pytest.raises(ValidationFailed) as caught:
        inputs.clean_action(
            "accept",
            {"parallel": value},
            known_codes=[],
            required_codes=[],
            handed_in=[],
            extension_max=10,
            parallel_allowed=True,
        )
    assert caught.value.errors == {"parallel": ["是否并联审批只能为是或否。"]}


def test_the_clocks_still_running_follow_the_state():
    from zhengwu.cases.rules import Clock, missing_for_acceptance, running_clocks

    assert running_clocks("submitted") == {Clock.INTAKE}
    assert running_clocks("supplement_requested") == {Clock.INTAKE}
    assert running_clocks("accepted") == running_clocks("suspended") == {Clock.DECISION}
    assert running_clocks("granted") == {Clock.DELIVERY}
    for state in ("denied", "delivered", "refused", "withdrawn"):
        assert running_clocks(state) == frozenset()
    assert missing_for_acceptance(["M01", "M02", "M03"], ["M02"]) == ["M01", "M03"]
    assert missing_for_acceptance(["M01"], ["M01", "M09"]) == []

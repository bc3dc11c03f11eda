"""Ratings fixtures: the case fixtures (SCJ department, its published item, one user per role,
time-machine ``travel``), plus builders of completed cases."""

from __future__ import annotations

import pytest

from tests.cases.conftest import (  # noqa: F401 (fixtures)
    citizen,
    citizen_id,
    clerk,
    head,
    item,
    other_citizen,
    other_clerk,
    private_root,
    reviewer,
    supervisor,
    travel,
)
from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services as case_services
from zhengwu.core import sms


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "zhengwu.core.sms.MemoryBackend"
    settings.EXCHANGE_PUSH_URL = ""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def complete(clerk, reviewer, travel):  # noqa: F811 (the imported fixtures)
    """``complete(decided_at, seq=1, ...)``: a window case filed, accepted and granted at
    ``decided_at`` ("YYYY-MM-DD HH:MM", Shanghai) by the clerk and the reviewer."""

    def make(decided_at: str, seq: int = 1, *, owner=None, phone="13800138000", channel="window"):
        travel(AT(decided_at))
        if channel == "online":
            case = case_services.submit(
                actor=owner,
                item="11330100SCJ-XK-0001",
                channel="online",
                applicant=case_services.ApplicantInput(**applicant_payload(seq, phone=phone)),
                materials=["M01", "M02"],
            )
        else:
            case = file_case(clerk, applicant=applicant_payload(seq, phone=phone))
        case_services.act(actor=clerk, number=case.number, action="accept")
        case_services.act(
            actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
        )
        case.refresh_from_db()
        if owner is not None and case.owner_id is None:
            case.owner = owner
            case.save(update_fields=["owner"])
        return case

    return make

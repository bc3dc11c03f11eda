"""Helpers of the inbound exchange tests: the platform's filing body, bearer tokens."""

from __future__ import annotations

from tests.cases.helpers import AT, applicant_payload
from tests.catalog.builders import item_dict
from zhengwu.accounts.services import issue_token

ITEM = item_dict()["impl_code"]

__all__ = ["AT", "ITEM", "applicant_payload", "bearer", "platform_body"]


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def platform_body(number: str = "ZWFW-2025-000001", seq: int = 1, **overrides) -> dict:
    body = {
        "item": ITEM,
        "channel": "online",
        "platform_number": number,
        "received_at": "2025-09-29T16:30:00+08:00",
        "applicant": applicant_payload(seq),
        "materials": ["M01", "M02"],
    }
    body.update(overrides)
    return body

"""Helpers for case tests: moments in Shanghai time, applicant payloads, filing a case."""

from __future__ import annotations

import datetime as dt

from tests.factories import valid_id_number
from zhengwu.cases import services
from zhengwu.core.clock import LOCAL_TZ


def AT(text: str) -> dt.datetime:
    """An aware Shanghai moment from ``YYYY-MM-DD HH:MM``."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TZ)


def applicant_payload(seq: int = 1, **overrides) -> dict:
    data = {
        "kind": "person",
        "name": "张三",
        "id_number": valid_id_number(seq),
        "phone": "13800138000",
    }
    data.update(overrides)
    return data


def file_case(actor, item="11330100SCJ-XK-0001", *, materials=("M01", "M02"), **kwargs):
    """File a window application through the service (the way the API does)."""
    person = kwargs.pop("applicant", None) or applicant_payload()
    return services.submit(
        actor=actor,
        item=item,
        channel=kwargs.pop("channel", "window"),
        applicant=services.ApplicantInput(**person),
        materials=list(materials),
        **kwargs,
    )

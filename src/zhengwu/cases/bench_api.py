"""Bench-only endpoints (mounted only when ZHENGWU_BENCH_ENDPOINTS is on; never in production).

``POST /api/bench/cases-row`` is the floor that ``bench/intake.py`` measures ``POST /api/v1/cases``
against: the same authentication (``api_auth``), the same request schema parsed by pydantic, and
one INSERT of a case row in a transaction, with no business rules (no catalogue checks, no
applicant registration, no clocks, no event, no hash chain). The foreign keys the row needs are
resolved once per process and then reused, so each request costs exactly one INSERT.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from ninja import Router, Schema, Status

from zhengwu.accounts.auth import api_auth
from zhengwu.accounts.services import register_applicant
from zhengwu.cases.api import CaseIn
from zhengwu.cases.models import Case
from zhengwu.cases.rules import State
from zhengwu.catalog.selectors import published_version
from zhengwu.core import clock
from zhengwu.core.identity import resident_id_check_char

router = Router(tags=["bench"], auth=api_auth)

_BENCH_ID_FIRST17 = "11010119900101999"
BENCH_APPLICANT_ID = _BENCH_ID_FIRST17 + resident_id_check_char(_BENCH_ID_FIRST17)

# item code -> (item id, version id, department id); and the one placeholder applicant's id.
_items: dict[str, tuple[int, int, int]] = {}
_applicant: list[int] = []


class RowOut(Schema):
    id: int
    number: str


def _item_keys(code: str) -> tuple[int, int, int]:
    keys = _items.get(code)
    if keys is None:
        version = published_version(code)
        keys = (version.item_id, version.pk, version.item.department_id)
        _items[code] = keys
    return keys


def _applicant_id() -> int:
    if not _applicant:
        person = register_applicant(
            kind="person", name="bench", id_number=BENCH_APPLICANT_ID, phone="13800000000"
        )
        _applicant.append(person.pk)
    return _applicant[0]


def reset_cache() -> None:
    """Forget the resolved keys (tests run against fresh databases)."""
    _items.clear()
    _applicant.clear()


@router.post("/cases-row", response={201: RowOut}, summary="Bench: insert one bare case row")
def cases_row(request, payload: CaseIn):
    item_id, version_id, department_id = _item_keys(payload.item)
    applicant_id = _applicant_id()
    user = request.user
    now = clock.now()
    today = clock.local_date(now)
    with transaction.atomic():
        case = Case.objects.create(
            number="BENCH" + secrets.token_hex(8),
            item_id=item_id,
            item_version_id=version_id,
            department_id=department_id,
            applicant_id=applicant_id,
            contact_phone=payload.applicant.phone,
            channel=payload.channel,
            window_id=user.window_id,
            created_by=user,
            state=State.SUBMITTED,
            materials=list(payload.materials),
            received_at=now,
            received_on=today,
            intake_due=today,
            clocks_on=today,
            created_at=now,
            updated_at=now,
        )
    return Status(201, {"id": case.pk, "number": case.number})

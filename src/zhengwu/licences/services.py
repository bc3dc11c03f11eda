"""Every write to the licence register, and the reuse of licences as materials (DOMAIN §10).

- ``issue_for_grant``: a granted case whose catalogue version names a licence type records the
  licence (number, name, holder, valid from/to, issuing case), in the grant's transaction;
- ``reusable``: which materials a holder's valid licences stand in for, so that filing marks them
  ``reused`` with the licence number instead of asking for them again (信息共享).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.db.models import Q

from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.licences.models import Licence, LicenceType

log = logging.getLogger(__name__)


def valid_until(valid_from: dt.date, years: int | None) -> dt.date | None:
    """The last day of a licence valid for ``years`` from ``valid_from`` (None: no end)."""
    if years is None:
        return None
    try:
        end = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February
        end = valid_from.replace(year=valid_from.year + years, day=28) + dt.timedelta(days=1)
    return end - dt.timedelta(days=1)


def issue_for_grant(*, case: Case) -> Licence | None:
    """Record the licence a grant of ``case`` issues (once); None when its type is unknown."""
    existing = Licence.objects.filter(case=case).first()
    if existing is not None:
        return existing
    code = case.item_version.licence_type
    kind = LicenceType.objects.filter(code=code).first()
    if kind is None:
        log.warning("case %s: unknown licence type %r, no licence recorded", case.number, code)
        return None
    valid_from = case.completed_on
    return Licence.objects.create(
        number=f"{kind.code}-{case.number}",
        type=kind,
        name=kind.name,
        holder=case.applicant.number,
        holder_name=case.applicant.name,
        applicant=case.applicant,
        valid_from=valid_from,
        valid_to=valid_until(valid_from, kind.validity_years),
        case=case,
        issued_at=clock.now(),
    )


def reusable(*, holder: str, wanted: Mapping[str, str], on: dt.date) -> dict[str, str]:
    """``{material code: licence number}`` for each material of ``wanted`` (code → licence type)
    that a licence of ``holder`` valid on ``on`` stands in for (the latest one)."""
    if not holder or not wanted:
        return {}
    licences = (
        Licence.objects.filter(
            holder=holder, type__code__in=set(wanted.values()), valid_from__lte=on
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("valid_from", "id")
        .values_list("type__code", "number")
    )
    by_type = dict(licences)  # the latest of each type wins
    return {code: by_type[kind] for code, kind in wanted.items() if kind in by_type}

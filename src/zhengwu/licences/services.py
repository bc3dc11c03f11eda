"""Every write to the licence register, and the reuse of licences as materials (DOMAIN §10).

- ``issue_for_grant``: a granted case whose catalogue version names a licence type records the
  licence (number, name, holder, valid from/to, issuing case), in the grant's transaction;
- ``issue_composite``: the delivery of a joint case whose scene issues one composite licence
  (一业一证) records one 行业综合许可证 listing the licences of its items, in the delivery's
  transaction;
- every licence gets a verification code (``new_verify_code``) for its public page;
- ``reusable``: which materials a holder's valid licences stand in for, so that filing marks them
  ``reused`` with the licence number instead of asking for them again (信息共享).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping

from django.db.models import Q

from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.licences.models import CompositeLicence, Licence, LicenceType

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
        verify_code=new_verify_code(),
    )


def new_verify_code() -> str:
    """16 hexadecimal digits from a secure source: the code a licence's QR code carries."""
    return secrets.token_hex(8).upper()


def issue_composite(*, joint) -> CompositeLicence:
    """Record the composite licence (行业综合许可证) of the delivered joint case ``joint`` (once):
    it lists the licences its item cases issued (number and name), else each granted item by
    its case number; valid from the delivery day until the first listed licence ends."""
    existing = CompositeLicence.objects.filter(joint=joint).first()
    if existing is not None:
        return existing
    cases = list(
        Case.objects.filter(joint_child__joint=joint, state__in=("granted", "delivered"))
        .select_related("item_version")
        .order_by("joint_child__stage", "joint_child__position", "id")
    )
    issued = {
        licence.case_id: licence
        for licence in Licence.objects.filter(case__in=[c.pk for c in cases])
    }
    entries, ends = [], []
    for case in cases:
        licence = issued.get(case.pk)
        if licence is not None:
            entries.append({"number": licence.number, "name": licence.name, "case": case.number})
            if licence.valid_to:
                ends.append(licence.valid_to)
        else:
            entries.append(
                {"number": case.number, "name": case.item_version.name, "case": case.number}
            )
    valid_from = joint.delivered_on or clock.today()
    return CompositeLicence.objects.create(
        number=f"ZH-{joint.number}",
        name=joint.scene_version.name,
        holder=joint.applicant.number,
        holder_name=joint.applicant.name,
        applicant=joint.applicant,
        issuer=joint.lead_department,
        joint=joint,
        entries=entries,
        valid_from=valid_from,
        valid_to=min(ends) if ends else None,
        verify_code=new_verify_code(),
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

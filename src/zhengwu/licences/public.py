"""The public verification page of a licence (``GET /licences/verify/<code>``, no login): what
its QR code opens. It says whether the licence is valid, expired or revoked, names the issuing
center and the holder masked, and for a composite licence (一业一证) lists the licences on it."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhengwu.core import clock
from zhengwu.core.identity import mask_id, mask_name
from zhengwu.core.ratelimit import rate_limited
from zhengwu.licences import selectors
from zhengwu.licences.models import CompositeLicence

VERIFY_LIMIT = 60  # look-ups per client address ...
VERIFY_WINDOW = 600  # ... per ten minutes


def holder_shown(licence) -> tuple[str, str]:
    """The holder's name and number as the public sees them: a person's name and every number
    masked; an organisation's name is public."""
    applicant = licence.applicant
    name = licence.holder_name
    if getattr(applicant, "kind", "person") == "person":
        name = mask_name(name)
    return name, mask_id(licence.holder)


@require_GET
def verify(request, code: str):
    if rate_limited(request, "licence-verify", limit=VERIFY_LIMIT, window=VERIFY_WINDOW):
        return render(request, "licences/verify.html", {"limited": True}, status=429)
    found = selectors.by_verify_code(code)
    if found is None:
        return render(request, "licences/verify.html", {"found": None}, status=404)
    today = clock.today()
    composite = isinstance(found, CompositeLicence)
    name, number = holder_shown(found)
    return render(
        request,
        "licences/verify.html",
        {
            "found": found,
            "composite": composite,
            "status": selectors.status_on(found, today),
            "holder_name": name,
            "holder_number": number,
            "issuer": found.issuer.name if composite else found.case.department.name,
            "entries": found.entries if composite else [],
            "today": today,
        },
    )

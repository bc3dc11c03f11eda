"""The one read without login: a ticket found by its number and the caller's phone."""

from __future__ import annotations

import re

from zhengwu.tickets.models import Ticket

_NOT_DIGITS = re.compile(r"[^0-9]")


def find_by_number_and_phone(number: str, phone: str) -> Ticket | None:
    """The ticket whose number is ``number`` and whose caller's phone is ``phone`` (digits
    compared, spaces and dashes ignored); None otherwise, never saying which did not match.
    Merged duplicates are found too: they say what they were merged into."""
    number = str(number or "").replace("\x00", "").strip()[:32]
    digits = _NOT_DIGITS.sub("", str(phone or ""))[:20]
    if not number or len(digits) < 5:
        return None
    ticket = Ticket.objects.select_related("category", "department").filter(number=number).first()
    if ticket is None or _NOT_DIGITS.sub("", ticket.caller_phone) != digits:
        return None
    return ticket

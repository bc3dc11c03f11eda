"""The day a disclosure request is received (政府信息公开条例 art. 31), per channel. Pure.

- in person (当面提交): the day it is handed in (art. 31(1));
- post needing a signature (邮寄，需签收): the day the office signs for it (art. 31(2));
- ordinary letter (平常信函): the office confirms with the applicant on the day it arrives, and
  the day of the confirmation is the day of receipt (art. 31(2)); a later confirmation is late
  (``late`` is set) but still the receipt date;
- internet or fax (互联网渠道、传真): the day both sides confirm (art. 31(3)).

``receipt(channel, arrived_on=..., confirmed_on=...)`` returns the day with its basis (a key that
the pages and documents turn into the law's words).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from zhengwu.disclosure.rules import Channel

__all__ = ["Basis", "Receipt", "receipt"]


class Basis(enum.StrEnum):
    HANDED_IN = "handed_in"  # art. 31(1)
    SIGNED_FOR = "signed_for"  # art. 31(2)
    LETTER_CONFIRMED = "letter_confirmed"  # art. 31(2)
    BOTH_CONFIRMED = "both_confirmed"  # art. 31(3)


ARTICLE = {
    Basis.HANDED_IN: "31(1)",
    Basis.SIGNED_FOR: "31(2)",
    Basis.LETTER_CONFIRMED: "31(2)",
    Basis.BOTH_CONFIRMED: "31(3)",
}


@dataclass(frozen=True, slots=True)
class Receipt:
    on: dt.date
    basis: Basis
    late: bool = False  # an ordinary letter confirmed after the day it arrived

    @property
    def article(self) -> str:
        return ARTICLE[self.basis]


def receipt(
    channel: Channel | str, *, arrived_on: dt.date, confirmed_on: dt.date | None = None
) -> Receipt:
    """The receipt date of a request that reached the office on ``arrived_on`` (handed in,
    signed for, the letter, form or fax arrived), confirmed with the applicant on
    ``confirmed_on`` (ordinary letters, internet, fax). Raises ``ValueError`` with a code:
    ``unknown_channel``, ``confirmation_required``, ``confirmed_before_arrival``."""
    try:
        channel = Channel(channel)
    except ValueError:
        raise ValueError("unknown_channel") from None
    if channel is Channel.IN_PERSON:
        return Receipt(arrived_on, Basis.HANDED_IN)
    if channel is Channel.POST_SIGNED:
        return Receipt(arrived_on, Basis.SIGNED_FOR)
    if confirmed_on is None:
        raise ValueError("confirmation_required")
    if confirmed_on < arrived_on:
        raise ValueError("confirmed_before_arrival")
    if channel is Channel.POST_ORDINARY:
        return Receipt(confirmed_on, Basis.LETTER_CONFIRMED, late=confirmed_on > arrived_on)
    return Receipt(confirmed_on, Basis.BOTH_CONFIRMED)

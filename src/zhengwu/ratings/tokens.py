"""Signed rating links (the QR code on the decision notice and at the window; SMS invitations).

A token is ``django.core.signing`` over ``{"c": case number, "e": service event seq, "ch":
channel}`` with its own salt, valid for the rating window (``RATINGS_WINDOW_DAYS``) from when it
was made. It names the case and its service event, so it can rate that event only:

- altered or not a token → ``BadRatingLink`` (400, ``rating_link_invalid``);
- older than the window → ``RatingLinkExpired`` (410, ``rating_link_expired``);
- used again after the rating was given → the service's 409 ``already_rated``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import ZhengwuError

SALT = "zhengwu.ratings.link"


class BadRatingLink(ZhengwuError):
    status = 400
    code = "rating_link_invalid"

    def default_message(self):
        return _("This rating link is not valid. Please scan the code again or rate in the portal.")


class RatingLinkExpired(ZhengwuError):
    status = 410
    code = "rating_link_expired"

    def default_message(self):
        return _("This rating link has expired: the rating period of the case is over.")


@dataclass(frozen=True)
class LinkClaims:
    number: str
    service_event: int
    channel: str


def max_age_seconds() -> int:
    return settings.RATINGS_WINDOW_DAYS * 86400


def make(number: str, service_event: int, channel: str = "onsite") -> str:
    return signing.dumps({"c": number, "e": service_event, "ch": channel}, salt=SALT, compress=True)


def read(token: str) -> LinkClaims:
    token = str(token or "")[:400]
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age_seconds())
    except signing.SignatureExpired:
        raise RatingLinkExpired() from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadRatingLink() from None
    if not isinstance(data, dict):
        raise BadRatingLink()
    number, event, channel = data.get("c"), data.get("e"), data.get("ch", "onsite")
    if (
        not isinstance(number, str)
        or not isinstance(event, int)
        or channel not in ("onsite", "sms")
    ):
        raise BadRatingLink()
    return LinkClaims(number, event, channel)

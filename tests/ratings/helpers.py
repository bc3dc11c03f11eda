"""Helpers of the ratings tests."""

from __future__ import annotations

from zhengwu.ratings import services, tokens


def link_token(case, channel: str = "onsite") -> str:
    event = services.decision_event(case)
    return tokens.make(case.number, event.seq, channel)


def rate(case, level: int, *, real_name: bool = True, comment: str = "", channel="onsite", **kw):
    """A rating through a signed link (the QR code), the way a citizen gives one."""
    return services.submit_rating(
        number=case.number,
        channel=channel,
        level=level,
        comment=comment,
        real_name=real_name,
        token=link_token(case, channel),
        **kw,
    )

"""The waiting work each role's home page counts (待受理, 待补正, 即将超期, 待送达, 待回访, …).

Each app that holds work offers one function ``(user) -> list[Work]`` (listed in ``PROVIDERS``):
one counting query per line, through the same selector and scope as the list the line links to,
stopped at ``paging.COUNT_CAP`` so that no line counts a whole table. The home page shows the
lines of every role the user holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

PROVIDERS = (
    "zhengwu.cases.queues.waiting_work",
    "zhengwu.cases.queues.applicant_work",
    "zhengwu.tickets.selectors.waiting_work",
    "zhengwu.supervision.selectors.waiting_work",
    "zhengwu.exchange.inbound_selectors.waiting_work",
    "zhengwu.ratings.selectors.waiting_work",
    "zhengwu.trading.selectors_pages.waiting_work",
)


@dataclass(frozen=True)
class Work:
    key: str  # stable, for tests and styling: "cases-intake", "tickets-callback", …
    label: object
    count: str  # "12", or "999+" past the cap
    url: str
    urgent: bool = False  # late or about to be: shown in red
    section: object = ""  # the heading it is shown under ("办件", "12345 热线工单", …)

    @property
    def waiting(self) -> bool:
        return self.count != "0"


def waiting_for(user) -> list[Work]:
    if not getattr(user, "is_authenticated", False):
        return []
    out: list[Work] = []
    for path in PROVIDERS:
        out.extend(import_string(path)(user))
    return out

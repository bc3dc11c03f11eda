"""One confirmation step for legal acts (受理, 不予受理, 一次性告知, 决定, 送达, 工单办结).

A legal act's form posts once without ``confirmed``: the view then answers with a page that
restates the act and carries every posted field again, hidden, with ``confirmed=yes``; only that
second post performs the act. Server-rendered, so it needs no script (the CSP forbids inline ones)
and works the same without JavaScript.
"""

from __future__ import annotations

from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"


def confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_page(
    request,
    *,
    title,
    subject: str,
    facts: list[tuple[object, object]],
    warning,
    back_url: str,
    danger: bool = False,
):
    """The page asking to confirm ``title`` on ``subject`` (e.g. a case number): ``facts`` are
    (label, value) lines restating what will be recorded, ``warning`` says what the act does."""
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "includes/confirm.html",
        {
            "title": title,
            "subject": subject,
            "facts": facts,
            "warning": warning,
            "fields": fields,
            "action_url": request.get_full_path(),
            "back_url": back_url,
            "danger": danger,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
        },
    )

"""Login throttling with django-axes (settings ``AXES_*``, docs/operations.md).

After ``AXES_FAILURE_LIMIT`` failed logins for one username, or from one address, further logins
for it are refused for ``AXES_COOLOFF_TIME``, on the site's login and the admin's alike. Axes
records every attempt and every lockout in its tables, shown in the admin (登录保护); an
administrator unlocks early by deleting the attempt there or with ``manage.py axes_reset``.
"""

from __future__ import annotations

import math

from axes.apps import AppConfig
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LoginProtectionConfig(AppConfig):
    """django-axes under a Chinese name in the admin."""

    verbose_name = gettext_lazy("Login protection")


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    return _(
        "Too many failed logins for this account or from this address. Logging in is locked "
        "for %(minutes)d minutes: try again later, or ask an administrator to unlock it."
    ) % {"minutes": cooloff_minutes()}


def wants_json(request) -> bool:
    return (
        request.path.startswith("/api/")
        or request.headers.get("x-requested-with") == "XMLHttpRequest"
        or "application/json" in request.headers.get("accept", "")
    )


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out login: 429, the site's lockout page or JSON for clients."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if wants_json(request):
        response = JsonResponse(
            {"code": "locked_out", "message": lockout_message()},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"message": lockout_message(), "minutes": cooloff_minutes()},
            status=status,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response

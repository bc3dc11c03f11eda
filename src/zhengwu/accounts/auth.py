"""API authentication: a bearer token (integrations) or the browser session (with CSRF)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from zhengwu.accounts.services import user_for_token
from zhengwu.core.errors import Forbidden
from zhengwu.core.roles import Role, has_role, platform_may_call


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
            # The roles are read once per request (cached on the user) and only off the
            # platform's own paths, so a filing pays nothing for the check.
            if not platform_may_call(request.path) and has_role(user, Role.PLATFORM):
                raise Forbidden(
                    _(
                        "The provincial platform's account may only file online applications "
                        "and read the cases it filed."
                    )
                )
        return user


class SessionAuth(APIKeyCookie):
    """The browser's login session; a write must carry the CSRF token.

    The CSRF check applies only to a caller the session logged in: without a session the answer
    is 401 (log in), and a failed check is a 403 in the API's error shape.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise Forbidden(_("The security check failed: reload the page and try again."))
        return request.user


api_auth = [TokenAuth(), SessionAuth()]

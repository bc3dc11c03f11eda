from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed

LANGUAGE_COOKIE = "django_language"


class LanguageMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, which on many government
    desktops says English although every user works in Chinese. Here the language comes only from
    the user's explicit choice (the language cookie set by the switcher) or the site default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(LANGUAGE_COOKIE)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: a content security policy and a permissions policy.

    Scripts come only from our own origin (vendored under static/vendor), so no inline script runs.
    """

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", self.CSP)
        # Location for the site itself only: staff sign in by mobile location inside the hall's
        # radius (hall attendance); no embedded page may ask for it, nor for camera or microphone.
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response


# ---------------------------------------------------------------- request ids and API errors

API_PREFIX = "/api/"
REQUEST_ID_HEADER = "X-Request-ID"
# An id sent by the proxy in front (nginx's $request_id) is kept when it looks like one.
_GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("zhengwu.request")


def current_request_id() -> str:
    """The id of the request being served ("-" outside a request)."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Gives every log record the id of the request it was written in (``%(request_id)s``)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """One id per request: the proxy's ``X-Request-ID`` when it sent a sane one, else a new one.

    The id is on ``request.request_id``, in every log line written while the request is served
    and in the ``X-Request-ID`` response header, so a user's report of an error finds its log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = sent if _GOOD_REQUEST_ID.match(sent) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, code: str, message, **extra) -> JsonResponse:
    """A JSON error in the API's one shape (docs/api.md)."""
    return JsonResponse({"code": code, "message": str(message), **extra}, status=status)


class RejectNulMiddleware:
    """Refuses a request whose path or parameters hold the NUL character.

    No user types NUL, PostgreSQL refuses it in text, and no lookup can match it: the API answers
    422 in its error shape, a page 400 (the bad-request page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._nul_field(request)
        if field is not None:
            message = _("Text cannot contain the NUL character.")
            if is_api(request):
                failed = ValidationFailed({field: [message]})
                return api_error(failed.status, failed.code, failed.message, errors=failed.errors)
            raise BadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _nul_field(request) -> str | None:
        if "\x00" in request.path_info:
            return "__all__"
        params = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            params.append(request.POST)
        for query in params:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "") or "__all__"
        return None


class ApiErrorMiddleware:
    """An API request that fails unexpectedly answers JSON, never an HTML page.

    A 500 carries the request id (also logged with the traceback) so that a report finds the log;
    a request Django refuses as malformed or suspicious (a body too large) answers 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api(request) or isinstance(exception, Http404 | PermissionDenied):
            return None
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return api_error(400, "bad_request", _("The request is malformed."))
        request_id = getattr(request, "request_id", current_request_id())
        logger.error(
            "Unexpected error in %s %s (request id %s)",
            request.method,
            request.path,
            request_id,
            exc_info=exception,
        )
        # What error reporters listen to when Django itself turns an exception into a 500.
        signals.got_request_exception.send(sender=None, request=request)
        return api_error(
            500,
            "server_error",
            _("Something went wrong on our side. Quote request id %(id)s when reporting it.")
            % {"id": request_id},
            request_id=request_id,
        )

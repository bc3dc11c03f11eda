"""The JSON API: /api/v1/..., OpenAPI at /api/docs.

Error responses follow DESIGN.md: 422 with per-field messages, 409 with a stable code, 404, 401,
403; every message in the request's language (Chinese by default). Routers are thin: they parse,
call a service or selector, and shape the answer.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from pydantic import Field

from zhengwu.core.errors import ValidationFailed, ZhengwuError


class ErrorOut(Schema):
    """Every error answer (docs/api.md)."""

    code: str = Field(description="A stable code: invalid, not_found, forbidden, a conflict's")
    message: str = Field(description="What went wrong, in the caller's language")
    errors: dict[str, list[str]] | None = Field(
        None, description="422: messages per field (`__all__` for the request as a whole)"
    )
    request_id: str | None = Field(None, description="500: quote it when reporting the error")


class JsonParser(Parser):
    """JSON bodies; one that does not parse, or holds the NUL character in a string (which no
    user types and PostgreSQL refuses to store), is a 422."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError, RawPostDataException):
            # RawPostDataException: a multipart body, already read as a form.
            raise ValidationFailed(
                {"__all__": [_("The request body is not valid JSON.")]}
            ) from None
        where = _nul_path(data, ())
        if where is not None:
            field = ".".join(str(p) for p in where) or "__all__"
            raise ValidationFailed({field: [_("Text cannot contain the NUL character.")]})
        return data


def _nul_path(value, path: tuple) -> tuple | None:
    """The path to the first string (key or value) holding NUL in parsed JSON, or None."""
    stack = [(value, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return path
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
    return None


class ZhengwuAPI(NinjaAPI):
    """Declares, on every operation of the OpenAPI document, the errors it can answer."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
            ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in error_statuses(method, operation):
                    responses.setdefault(
                        status,
                        {
                            "description": ERROR_DESCRIPTIONS[status],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema


ERROR_DESCRIPTIONS = {
    400: "The request is malformed (for example a body too large)",
    401: "No valid login or token",
    403: "Logged in, but the role may not do this",
    404: "Missing, or not yours",
    409: "A rule or the current state forbids the action (a stable `code`)",
    422: "The input is not valid: messages per field",
    500: "An unexpected error; the answer carries the request id",
}


def error_statuses(method: str, operation: dict) -> list[int]:
    """The error statuses an operation can answer: every one may meet bad input, a malformed
    request or an unexpected error; one that needs a login may get 401 and 403; one that names
    a thing in its path or needs a login (a thing not yours) 404; a write a conflict."""
    statuses = [400, 422, 500]
    has_path_params = any(p.get("in") == "path" for p in operation.get("parameters", []))
    if operation.get("security"):
        statuses += [401, 403, 404]
    elif has_path_params:
        statuses.append(404)
    if method.lower() in ("post", "put", "patch", "delete"):
        statuses.append(409)
    return sorted(statuses)


api = ZhengwuAPI(
    title="Zhengwu API",
    version="1",
    description="政务服务平台接口 / Zhengwu government service platform API",
    docs_url="/docs",
    urls_namespace="api",
    parser=JsonParser(),
)

_PYDANTIC_MESSAGES = {
    "missing": gettext_noop("This field is required."),
    "int_parsing": gettext_noop("Enter a whole number."),
    "int_type": gettext_noop("Enter a whole number."),
    "float_parsing": gettext_noop("Enter a number."),
    "bool_parsing": gettext_noop("Enter true or false."),
    "bool_type": gettext_noop("Enter true or false."),
    "date_from_datetime_parsing": gettext_noop("Enter a valid date (YYYY-MM-DD)."),
    "date_parsing": gettext_noop("Enter a valid date (YYYY-MM-DD)."),
    "date_type": gettext_noop("Enter a valid date (YYYY-MM-DD)."),
    "datetime_parsing": gettext_noop("Enter a valid date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_noop("Enter a valid date and time (ISO 8601)."),
    "datetime_type": gettext_noop("Enter a valid date and time (ISO 8601)."),
    "string_type": gettext_noop("Enter text."),
    "string_too_long": gettext_noop("The text is too long."),
    "string_too_short": gettext_noop("The text is too short."),
    "greater_than_equal": gettext_noop("The value is too small."),
    "greater_than": gettext_noop("The value is too small."),
    "less_than_equal": gettext_noop("The value is too large."),
    "less_than": gettext_noop("The value is too large."),
    "literal_error": gettext_noop("Choose one of the allowed values."),
    "enum": gettext_noop("Choose one of the allowed values."),
    "list_type": gettext_noop("Enter a list."),
    "dict_type": gettext_noop("Enter an object."),
    "model_attributes_type": gettext_noop("Enter an object."),
    "json_invalid": gettext_noop("The request body is not valid JSON."),
    "extra_forbidden": gettext_noop("This field is not allowed."),
}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


def pydantic_errors(errors) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        kind = error.get("type", "")
        if kind == "value_error" and error.get("ctx", {}).get("error") is not None:
            message = str(error["ctx"]["error"])
        else:
            template = _PYDANTIC_MESSAGES.get(kind)
            message = _(template) if template else _("This value is not valid.")
        out.setdefault(_field_name(error.get("loc", ())), []).append(message)
    return out


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc):
    failed = ValidationFailed(pydantic_errors(exc.errors))
    return api.create_response(request, failed.payload(), status=422)


@api.exception_handler(ZhengwuError)
def on_domain(request, exc):
    return api.create_response(request, exc.payload(), status=exc.status)


@api.exception_handler(DjangoValidationError)
def on_django_validation(request, exc):
    if hasattr(exc, "error_dict"):
        errors = {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    else:
        errors = {"__all__": list(exc.messages)}
    return api.create_response(request, ValidationFailed(errors).payload(), status=422)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    body = {"code": "unauthenticated", "message": _("Please log in or send a valid token.")}
    return api.create_response(request, body, status=401)


@api.exception_handler(AuthorizationError)
@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    body = {"code": "forbidden", "message": _("You do not have permission to do this.")}
    return api.create_response(request, body, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(
        request, {"code": "not_found", "message": _("Not found.")}, status=404
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc.__cause__, ZhengwuError):
        # The body parser's refusal, which ninja wraps in a plain HTTP error.
        return on_domain(request, exc.__cause__)
    return api.create_response(
        request, {"code": "error", "message": str(exc.message)}, status=exc.status_code
    )


def _mount() -> None:
    from zhengwu.accounts.api import router as accounts_router
    from zhengwu.assessment.api import router as assessment_router
    from zhengwu.cases.api import router as cases_router
    from zhengwu.catalog.api import router as catalog_router
    from zhengwu.disclosure.annual_api import router as disclosure_annual_router
    from zhengwu.disclosure.api import router as disclosure_router
    from zhengwu.evaluation.api import router as evaluation_router
    from zhengwu.exchange.api import router as exchange_router
    from zhengwu.hall.api import router as hall_router
    from zhengwu.hall.staffing_api import router as hall_staffing_router
    from zhengwu.joint.api import router as joint_router
    from zhengwu.joint.api import scenes_router
    from zhengwu.joint.meeting_api import router as meetings_router
    from zhengwu.licences.api import router as licences_router
    from zhengwu.notifications.api import router as notifications_router
    from zhengwu.ratings.api import router as ratings_router
    from zhengwu.supervision.api import router as supervision_router
    from zhengwu.tickets.api import router as tickets_router
    from zhengwu.trading.api import router as trading_router
    from zhengwu.trading.api_oversight import router as trading_oversight_router
    from zhengwu.workdays.api import router as workdays_router

    api.add_router("/v1", accounts_router)
    # Before the cases router: /v1/cases/{number}/ratings is the ratings app's.
    api.add_router("/v1", ratings_router)
    api.add_router("/v1/workdays", workdays_router)
    api.add_router("/v1/items", catalog_router)
    api.add_router("/v1/cases", cases_router)
    api.add_router("/v1", supervision_router)
    api.add_router("/v1", notifications_router)
    api.add_router("/v1", assessment_router)
    api.add_router("/v1", tickets_router)
    api.add_router("/v1", scenes_router)
    api.add_router("/v1", joint_router)
    api.add_router("/v1", meetings_router)
    api.add_router("/v1", licences_router)
    api.add_router("/v1", trading_router)
    api.add_router("/v1", trading_oversight_router)
    api.add_router("/v1", hall_router)
    # The hall's staffing (attendance, leave, patrols, 帮办代办): a router of its own.
    api.add_router("/v1/hall", hall_staffing_router)
    api.add_router("/v1", evaluation_router)
    api.add_router("/v1", exchange_router)
    api.add_router("/v1/disclosure", disclosure_router)
    # The annual report's tables: a router of their own under the same prefix.
    api.add_router("/v1/disclosure", disclosure_annual_router)
    if settings.BENCH_ENDPOINTS:
        from zhengwu.cases.bench_api import router as bench_router

        api.add_router("/bench", bench_router)


_mount()

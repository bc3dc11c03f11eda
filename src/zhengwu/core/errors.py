"""Domain errors and how they map to HTTP (DESIGN.md Errors).

- ``ValidationFailed`` → 422 with per-field messages;
- ``DomainError`` → 409 with a stable ``code`` and a Chinese message;
- ``NotFound`` → 404 (never reveals whether the thing exists);
- ``Forbidden`` → 403.
Messages are lazily translated msgids; the default language is zh-hans.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ZhengwuError(Exception):
    status = 400
    code = "error"

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message if message is not None else self.default_message()
        if code:
            self.code = code
        super().__init__(str(self.message))

    def default_message(self):
        return _("The request could not be processed.")

    def payload(self) -> dict:
        return {"code": self.code, "message": str(self.message)}


class DomainError(ZhengwuError):
    """A rule or state conflict: 409 with a stable code."""

    status = 409
    code = "conflict"


class NotFound(ZhengwuError):
    status = 404
    code = "not_found"

    def default_message(self):
        return _("Not found.")


class Forbidden(ZhengwuError):
    status = 403
    code = "forbidden"

    def default_message(self):
        return _("You do not have permission to do this.")


class ValidationFailed(ZhengwuError):
    """Bad input: 422 with messages per field (``{"field": ["message", ...]}``)."""

    status = 422
    code = "invalid"

    def __init__(self, errors: dict[str, list] | None = None, message=None):
        self.errors = {k: [str(m) for m in v] for k, v in (errors or {}).items()}
        super().__init__(message or _("The submitted data is not valid."))

    def payload(self) -> dict:
        return {"code": self.code, "message": str(self.message), "errors": self.errors}

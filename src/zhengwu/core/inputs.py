"""Cleaners of what callers send (API bodies and form data alike), shared by every domain.

Each cleaner returns the cleaned value and, on a refusal, puts the field's message into ``errors``
(the caller raises ``ValidationFailed(errors)`` once, with every field's reason).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

MAX_TEXT = 2000
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")


def text(value, field: str, *, required: bool, errors: dict, limit: int = MAX_TEXT) -> str:
    """Stripped text without NUL characters; required and at most ``limit`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [_("Enter text.")]
        return ""
    value = value.replace("\x00", "").strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("The text is too long.")]
    return value


def phone(value, field: str, *, errors: dict) -> str:
    """A required phone number: digits, an optional leading +, hyphens and spaces inside."""
    value = text(value, field, required=True, errors=errors, limit=20)
    if value and not PHONE.match(value):
        errors[field] = [_("Enter a valid phone number.")]
    return value

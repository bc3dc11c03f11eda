"""Django-facing validators over the pure identity rules, with the exact reason in Chinese."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhengwu.core import clock
from zhengwu.core.identity import IdentityError, normalize_resident_id, normalize_uscc

IDENTITY_MESSAGES = {
    "id_length": _("An ID card number has 18 characters; this one has %(length)s."),
    "id_chars": _("An ID card number is 17 digits followed by a digit or X."),
    "id_birth_invalid": _("The birth date %(birth)s in the ID card number is not a real date."),
    "id_birth_range": _("The birth date %(birth)s in the ID card number is out of range."),
    "id_checksum": _(
        "The check character of the ID card number is wrong: expected %(expected)s, got %(given)s."
    ),
    "uscc_length": _("A unified social credit code has 18 characters; this one has %(length)s."),
    "uscc_chars": _("A unified social credit code cannot contain: %(chars)s."),
    "uscc_checksum": _(
        "The check character of the unified social credit code is wrong: "
        "expected %(expected)s, got %(given)s."
    ),
}


def identity_message(error: IdentityError) -> str:
    return str(IDENTITY_MESSAGES[error.code]) % error.params


def clean_resident_id(value: str) -> str:
    try:
        return normalize_resident_id(value, today=clock.today())
    except IdentityError as error:
        raise ValidationError(identity_message(error), code=error.code) from None


def clean_uscc(value: str) -> str:
    try:
        return normalize_uscc(value)
    except IdentityError as error:
        raise ValidationError(identity_message(error), code=error.code) from None

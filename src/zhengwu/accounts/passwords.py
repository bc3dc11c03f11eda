"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from zhengwu.core.roles import STAFF_ROLES, role_names


def is_staff_account(user) -> bool:
    """An account of the center's staff: admin access, or any role but applicant."""
    if user.is_staff or user.is_superuser:
        return True
    if user.pk is None:
        return False
    return bool(role_names(user) & {str(role) for role in STAFF_ROLES})


class StaffMinimumLengthValidator:
    """Staff passwords are at least ``settings.STAFF_PASSWORD_MIN_LENGTH`` characters long."""

    def __init__(self, min_length: int | None = None):
        self.min_length = min_length

    @property
    def length(self) -> int:
        return self.min_length or settings.STAFF_PASSWORD_MIN_LENGTH

    def validate(self, password, user=None):
        if user is None or not is_staff_account(user) or len(password) >= self.length:
            return
        raise ValidationError(
            ngettext(
                "A staff password must contain at least %(min_length)d character.",
                "A staff password must contain at least %(min_length)d characters.",
                self.length,
            ),
            code="password_too_short_for_staff",
            params={"min_length": self.length},
        )

    def get_help_text(self):
        return ngettext(
            "A staff password must contain at least %(min_length)d character.",
            "A staff password must contain at least %(min_length)d characters.",
            self.length,
        ) % {"min_length": self.length}

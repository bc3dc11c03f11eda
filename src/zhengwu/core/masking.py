"""ID numbers and phones in the admin, masked as everywhere else (DESIGN.md Personal data).

``MaskedFieldsAdmin`` shows each field of ``masked_fields`` masked (``zhengwu.core.identity``)
on the change form, as a read-only value the form neither shows nor saves, unless the user holds
one of ``unmasked_roles``: the roles that handle the case (or ticket) the data belongs to. An
administrator, a supervisor or a leader only watches, and sees them masked.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin

from zhengwu.core.identity import mask_id, mask_phone
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names

# The roles that handle a case; the case pages show them the applicant unmasked.
CASE_HANDLING_ROLES = frozenset({Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD})

__all__ = ["CASE_HANDLING_ROLES", "MaskedFieldsAdmin", "mask_id", "mask_phone", "watches_only"]


def watches_only(user) -> bool:
    """Supervisors, leaders and administrators who handle no case watch cases: the API shows
    them the applicant's numbers masked."""
    roles = role_names(user)
    return bool(roles & CENTER_WIDE_ROLES) and not (roles & CASE_HANDLING_ROLES)


class MaskedFieldsAdmin(admin.ModelAdmin):
    masked_fields: dict[str, Callable[[str], str]] = {}
    unmasked_roles: frozenset = CASE_HANDLING_ROLES

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        for name, mask in self.masked_fields.items():
            setattr(self, self._masked_name(name), self._display(name, mask))

    def _display(self, name: str, mask):
        @admin.display(description=self.model._meta.get_field(name).verbose_name)
        def show(obj):
            return mask(getattr(obj, name) or "") if obj is not None else ""

        return show

    @staticmethod
    def _masked_name(name: str) -> str:
        return f"masked_{name}"

    def shows_personal_data(self, request) -> bool:
        return bool(role_names(request.user) & {str(role) for role in self.unmasked_roles})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.shows_personal_data(request):
            return fields
        masked = [self._masked_name(name) for name in self.masked_fields]
        return [f for f in fields if f not in self.masked_fields] + masked

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.shows_personal_data(request):
            return fieldsets
        seen: set[str] = set()

        def swap(fields):
            out = []
            for field in fields:
                if isinstance(field, list | tuple):
                    row = swap(field)
                    if row:
                        out.append(tuple(row))
                    continue
                field = self._masked_name(field) if field in self.masked_fields else field
                if field not in seen:
                    seen.add(field)
                    out.append(field)
            return out

        return [(title, {**opts, "fields": swap(opts["fields"])}) for title, opts in fieldsets]

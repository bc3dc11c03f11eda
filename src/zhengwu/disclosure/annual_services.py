"""Writes of the annual report: its prose sections, per year and department (or the whole
government). One transaction, the row locked; a stale version is refused."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhengwu.accounts.models import Department
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.disclosure import annual_labels, annual_selectors
from zhengwu.disclosure.models import AnnualReportText

MAX_SECTION = 20_000


def save_text(
    *,
    actor,
    year: int,
    department: Department | None,
    texts: dict[str, str],
    version: int | None = None,
) -> AnnualReportText:
    """Keep the prose sections ``texts`` (any of ``annual_labels.PROSE_SECTIONS``) of the report
    of ``year`` for ``department`` (``None``: the whole government). ``version`` is the one the
    writer saw: another edit since → ``DomainError`` ``stale_version``."""
    if not annual_selectors.may_write(actor):
        raise Forbidden(_("Only the disclosure office writes the annual report."))
    scope = annual_selectors.report_scope(actor)
    if scope is not None and (department is None or department.pk not in scope):
        raise Forbidden(_("You may only write your own department's annual report."))
    year = annual_selectors.check_year(year)
    errors: dict[str, list] = {}
    clean: dict[str, str] = {}
    for key, value in texts.items():
        if key not in annual_labels.PROSE_SECTIONS:
            errors[key] = [_("This field is not allowed.")]
            continue
        text = str(value or "").replace("\r\n", "\n").strip()
        if "\x00" in text:
            errors[key] = [_("Text cannot contain the NUL character.")]
        elif len(text) > MAX_SECTION:
            errors[key] = [_("The text is too long.")]
        else:
            clean[key] = text
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row = (
            AnnualReportText.objects.select_for_update()
            .filter(year=year, department=department)
            .first()
        )
        if row is None:
            try:
                with transaction.atomic():
                    row = AnnualReportText.objects.create(year=year, department=department)
            except IntegrityError:  # written at the same moment by someone else
                row = AnnualReportText.objects.select_for_update().get(
                    year=year, department=department
                )
        if version is not None and version != row.version:
            raise DomainError(
                _("Someone else changed this report meanwhile; reload the page and edit again."),
                code="stale_version",
            )
        for key, text in clean.items():
            setattr(row, key, text)
        row.version += 1
        row.updated_by = actor
        row.updated_at = clock.now()
        row.save()
    return row

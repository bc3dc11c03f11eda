"""Every write to the calendar. Each runs in one transaction, logs what changed in
``CalendarChange``, rebuilds this process's calendar and, once committed, sends
``calendar_changed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.workdays import loader, sources
from zhengwu.workdays.errors import CalendarRangeError, year_out_of_range
from zhengwu.workdays.models import CalendarChange, CalendarDay, CalendarYear
from zhengwu.workdays.schedule import Schedule, in_scope
from zhengwu.workdays.signals import calendar_changed


@dataclass(frozen=True)
class DayChange:
    """A day whose working status changes: before and after, as resolved days."""

    date: dt.date
    before: sources.DayInfo
    after: sources.DayInfo


@dataclass(frozen=True)
class ImportPlan:
    year: int
    schedule: Schedule
    status_before: str
    imported_before: bool
    changes: tuple[DayChange, ...]

    @property
    def became_official(self) -> bool:
        return self.status_before != sources.OFFICIAL


def _state(info: sources.DayInfo) -> dict:
    return {"is_workday": info.is_workday, "name": info.name, "provisional": info.provisional}


def _actor_label(actor) -> str:
    if actor is None:
        return ""
    return getattr(actor, "get_username", lambda: str(actor))()


def _actor(actor):
    return actor if getattr(actor, "pk", None) is not None else None


def _check_range(day: dt.date, field: str = "date") -> None:
    first, last = loader.supported_range()
    if not first <= day <= last:
        raise CalendarRangeError(day, first, last, field)


def _resolve_span(first: dt.date, last: dt.date, years=None, days=None) -> sources.Resolved:
    """Resolve [first, last] from the database as it is now (inside the caller's transaction)."""
    stored_years, stored_days = loader.read_rows(first, last)
    if years is not None:
        stored_years = years(stored_years)
    if days is not None:
        stored_days = days(stored_days)
    return sources.resolve(first, last, stored_years, stored_days)


def _notify(years, kind: str) -> None:
    years = sorted(set(years))
    transaction.on_commit(
        lambda: calendar_changed.send(sender=CalendarYear, years=years, kind=kind)
    )


def set_day(
    *,
    day: dt.date,
    is_workday: bool,
    name: str = "",
    note: str = "",
    actor=None,
    reason: str = "",
) -> CalendarDay:
    """Store ``day`` as a working day or a day off; it wins over every other source."""
    _check_range(day)
    problems = {}
    if len(name) > CalendarDay._meta.get_field("name").max_length:
        problems["name"] = [_("The name is too long.")]
    if len(note) > CalendarDay._meta.get_field("note").max_length:
        problems["note"] = [_("The note is too long.")]
    if problems:
        raise ValidationFailed(problems)
    reason = reason[: CalendarChange._meta.get_field("reason").max_length]
    with transaction.atomic():
        before = _resolve_span(day, day).info(day)
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            row = CalendarDay(date=day)
        row.is_workday = is_workday
        row.name = name
        row.note = note
        row.source = CalendarDay.Source.MANUAL
        row.updated_by = _actor(actor)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise ValidationFailed({"date": [_duplicate_message()]}) from None
        after = _resolve_span(day, day).info(day)
        _log_day_change(CalendarChange.Kind.EDIT, day, before, after, actor, reason or note)
        loader.note_change()
        _notify([day.year], "edit")
    return row


def _log_day_change(kind, day: dt.date, before, after, actor, reason: str) -> None:
    CalendarChange.objects.create(
        at=clock.now(),
        kind=kind,
        year=day.year,
        date=day,
        before=_state(before),
        after=_state(after),
        actor=_actor(actor),
        actor_label=_actor_label(actor),
        reason=reason,
    )


def _duplicate_message():
    return _("This day was changed by someone else at the same time; try again.")


def clear_day(*, day: dt.date, actor=None, reason: str = "") -> bool:
    """Remove the stored day: the package (or the imported schedule) decides again."""
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            return False
        before = _resolve_span(day, day).info(day)
        row.delete()
        after = _resolve_span(day, day).info(day)
        _log_day_change(CalendarChange.Kind.DELETE, day, before, after, actor, reason)
        loader.note_change()
        _notify([day.year], "edit")
    return True


def _span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - 1, 12, 1), dt.date(year, 12, 31)


def _after_rows(year: int, schedule: Schedule):
    """The stored rows once ``schedule`` replaces the year's rows."""
    new_rows = schedule.rows()

    def days(stored: dict) -> dict:
        kept = {d: row for d, row in stored.items() if d.year != year and d not in new_rows}
        kept.update(new_rows)
        return kept

    def years(stored: dict) -> dict:
        out = dict(stored)
        out[year] = sources.YearRow(status=sources.OFFICIAL, imported=True)
        return out

    return years, days


def plan_import(*, year: int, schedule: Schedule) -> ImportPlan:
    """What importing ``schedule`` as ``year``'s official schedule would change (no writes)."""
    first_supported, last_supported = loader.supported_range()
    if not first_supported.year <= year <= last_supported.year:
        raise year_out_of_range(year, first_supported, last_supported)
    for day in schedule.rows():
        if not in_scope(year, day):
            raise ValidationFailed({"year": [_out_of_scope_message(year)]})
    first, last = _span(year)
    first = max(first, first_supported)
    before = _resolve_span(first, last)
    years_after, days_after = _after_rows(year, schedule)
    after = _resolve_span(first, last, years=years_after, days=days_after)
    changes = []
    day = first
    while day <= last:
        old, new = before.info(day), after.info(day)
        if old.is_workday != new.is_workday:
            changes.append(DayChange(day, old, new))
        day += dt.timedelta(days=1)
    stored_year = CalendarYear.objects.filter(year=year).first()
    return ImportPlan(
        year=year,
        schedule=schedule,
        status_before=before.statuses[year],
        imported_before=bool(stored_year and stored_year.is_imported),
        changes=tuple(changes),
    )


def _out_of_scope_message(year: int) -> str:
    return _("The schedule has dates outside %(year)d and the December before it.") % {"year": year}


def import_year(
    *, year: int, schedule: Schedule, actor=None, notice: str = "", reason: str = ""
) -> ImportPlan:
    """Enter ``year``'s official schedule and mark the year official.

    The schedule replaces every stored day of the year (and stores its days in the December
    before, if any); the package no longer counts for the year. Every day whose working status
    changes is logged, and so is the year's status; ``calendar_changed`` follows the commit.
    """
    if len(notice) > CalendarYear._meta.get_field("notice").max_length:
        raise ValidationFailed({"notice": [_("The notice is too long.")]})
    with transaction.atomic():
        # One import of a year at a time: lock (or create) the year's row first.
        stored_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        plan = plan_import(year=year, schedule=schedule)
        now = clock.now()
        new_rows = schedule.rows()
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.filter(date__in=list(new_rows)).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(
                date=day,
                is_workday=row.is_workday,
                name=row.name,
                source=CalendarDay.Source.IMPORT,
                note=notice,
                updated_by=_actor(actor),
            )
            for day, row in sorted(new_rows.items())
        )
        if stored_year is None:
            stored_year = CalendarYear(year=year)
        stored_year.status = CalendarYear.Status.OFFICIAL
        stored_year.notice = notice
        stored_year.imported_at = now
        stored_year.imported_by = _actor(actor)
        stored_year.save()
        label = _actor_label(actor)
        reason = (reason or notice)[: CalendarChange._meta.get_field("reason").max_length]
        CalendarChange.objects.create(
            at=now,
            kind=CalendarChange.Kind.IMPORT,
            year=year,
            date=None,
            before={"status": plan.status_before, "imported": plan.imported_before},
            after={"status": sources.OFFICIAL, "imported": True},
            actor=_actor(actor),
            actor_label=label,
            reason=reason,
        )
        CalendarChange.objects.bulk_create(
            CalendarChange(
                at=now,
                kind=CalendarChange.Kind.IMPORT,
                year=change.date.year,
                date=change.date,
                before=_state(change.before),
                after=_state(change.after),
                actor=_actor(actor),
                actor_label=label,
                reason=reason,
            )
            for change in plan.changes
        )
        loader.note_change()
        _notify([year, *(c.date.year for c in plan.changes)], "import")
    return plan

"""The staff calendar page: a year as a month grid, and the official-schedule import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.roles import Role, has_role
from zhengwu.workdays import loader, selectors, services
from zhengwu.workdays.errors import CalendarRangeError
from zhengwu.workdays.forms import ImportForm

WEEKDAYS = (
    pgettext_lazy("calendar column", "Mon"),
    pgettext_lazy("calendar column", "Tue"),
    pgettext_lazy("calendar column", "Wed"),
    pgettext_lazy("calendar column", "Thu"),
    pgettext_lazy("calendar column", "Fri"),
    pgettext_lazy("calendar column", "Sat"),
    pgettext_lazy("calendar column", "Sun"),
)


def _year_from(request, first: int, last: int) -> int:
    default = min(max(clock.today().year, first), last)
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if first <= year <= last else default


@login_required
def calendar(request):
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    first, last = loader.supported_range()
    year = _year_from(request, first.year, last.year)
    bounds = {"first_year": first.year, "last_year": last.year}
    plan = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, **bounds)
        if form.is_valid():
            schedule = form.cleaned_data["schedule"]
            target = form.cleaned_data["year"]
            try:
                plan = services.plan_import(year=target, schedule=schedule)
            except (ValidationFailed, CalendarRangeError) as error:
                found = error.payload().get("errors") or {"year": [str(error.message)]}
                for texts in found.values():
                    for text in texts:
                        form.add_error("year", text)
            if plan is not None and request.POST.get("action") == "import":
                if form.cleaned_data.get("digest") == schedule.digest():
                    done = services.import_year(
                        year=target,
                        schedule=schedule,
                        actor=request.user,
                        notice=form.cleaned_data.get("notice", ""),
                    )
                    messages.success(
                        request,
                        _(
                            "The official schedule of %(year)d is imported; the working status "
                            "of %(count)d days changed."
                        )
                        % {"year": target, "count": len(done.changes)},
                    )
                    return redirect(f"{reverse('workdays:calendar')}?year={target}")
                form.add_error(
                    None,
                    _("The schedule differs from the preview: check the preview, then import."),
                )
                plan = None
            if plan is not None:
                # The preview: the entries as understood (a file's content shown as text), with
                # the fingerprint the import button must send back.
                form = ImportForm(
                    initial={
                        "year": target,
                        "notice": form.cleaned_data.get("notice", ""),
                        "holidays": schedule.holidays_text(),
                        "workdays": schedule.workdays_text(),
                        "digest": schedule.digest(),
                    },
                    **bounds,
                )
                year = target
        if plan is None:
            status = 422
    else:
        form = ImportForm(initial={"year": min(year + 1, last.year)}, **bounds)
    context = {
        "year": year,
        "first_year": first.year,
        "last_year": last.year,
        "overview": selectors.year_overview(year),
        "months": selectors.year_grid(year),
        "special_days": selectors.special_days(year),
        "stored_days": selectors.stored_days(year),
        "changes": selectors.changes(year),
        "weekdays": WEEKDAYS,
        "form": form,
        "plan": plan,
    }
    return render(request, "workdays/calendar.html", context, status=status)

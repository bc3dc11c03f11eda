"""The licence register's pages: the staff search and the applicant's 我的证照. Thin: they parse,
read through ``selectors`` and show; holder numbers masked as DESIGN.md's personal-data rule
says (``selectors.shows_holder``)."""

from __future__ import annotations

from django.shortcuts import render

from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core import clock, paging
from zhengwu.core.cursors import decode_cursor, encode_cursor
from zhengwu.core.identity import mask_id
from zhengwu.core.roles import is_center_wide
from zhengwu.core.views import applicant_required, guarded
from zhengwu.licences import selectors
from zhengwu.licences.forms import RegisterForm
from zhengwu.licences.models import LicenceType

PAGE_SIZE = 20


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return params.urlencode()


@guarded(selectors.may_search)
def register(request):
    """The register: filters, newest first, keyset pages with a (capped) total."""
    form = RegisterForm(request.GET or None, types=LicenceType.objects.order_by("code"))
    values = form.values() if request.GET else {}
    today = clock.today()
    queryset = selectors.register(
        selectors.RegisterFilters(
            holder=values.get("holder", ""),
            number=values.get("number", ""),
            type=values.get("type", ""),
            validity=values.get("validity", ""),
        ),
        today=today,
    )
    after = str(request.GET.get("after", ""))[:64]
    after_id = decode_cursor(after)
    found = selectors.page(queryset, after_id=after_id, limit=PAGE_SIZE)
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    departments = staff_department_ids(request.user)
    center_wide = is_center_wide(request.user)
    rows = [
        {
            "licence": licence,
            "holder": licence.holder
            if selectors.shows_holder(request.user, licence, departments)
            else mask_id(licence.holder),
            "valid": licence.valid_from <= today
            and (licence.valid_to is None or licence.valid_to >= today),
            # the issuing case opens for those who may see it (its department, center-wide roles)
            "case_link": center_wide or licence.case.department_id in departments,
        }
        for licence in found
    ]
    cursor = encode_cursor(found[-1].pk) if more and found else ""
    return render(
        request,
        "licences/register.html",
        {
            "form": form,
            "rows": rows,
            "pager": paging.keyset_page(
                queryset,
                after_id=after_id,
                rows=len(rows),
                next_query=_query(request, after=cursor) if cursor else None,
                first_query=_query(request, after="") if after else None,
            ),
        },
        status=200 if not request.GET or form.is_valid() else 422,
    )


@applicant_required
def mine(request):
    """我的证照: the applicant's licences valid today, with their validity."""
    today = clock.today()
    return render(
        request,
        "licences/mine.html",
        {"licences": list(selectors.valid_of_user(request.user, today=today)), "today": today},
    )

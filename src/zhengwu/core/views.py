from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from zhengwu.core.errors import Forbidden, NotFound
from zhengwu.core.navigation import ENTRIES
from zhengwu.core.roles import Role, has_role, role_names


def guarded(may):
    """A decorator for pages that need a login: login, ``may(user)`` or 403, and the domain errors
    a view raises turned into pages (NotFound → 404, Forbidden → 403)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not may(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except Forbidden:
                raise PermissionDenied from None

        return wrapped

    return decorate


# Logged in and holding the applicant role (else 403); NotFound becomes a 404, Forbidden a 403.
applicant_required = guarded(lambda user: has_role(user, Role.APPLICANT))


def _entries_for(user):
    names = role_names(user)
    seen, out = set(), []
    for role, url_name, label, description in ENTRIES:
        if role.value not in names or url_name in seen:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        seen.add(url_name)
        out.append({"url": url, "label": label, "description": description})
    return out


def home(request):
    """Sends each role to its work: the entries of every role the user holds."""
    entries = _entries_for(request.user) if request.user.is_authenticated else []
    return render(request, "core/home.html", {"entries": entries})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

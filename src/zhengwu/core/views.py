from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from zhengwu.core.errors import Forbidden, NotFound
from zhengwu.core.navigation import ENTRIES
from zhengwu.core.roles import Role, has_role, role_names
from zhengwu.core.workbench import waiting_for


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

        wrapped.may = may  # read by the home page: an entry is shown to those it admits
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
        may = getattr(resolve(url).func, "may", None)
        if may is not None and not may(user):
            continue  # the page would refuse the user (e.g. a head of no department)
        seen.add(url_name)
        out.append({"url": url, "label": label, "description": description})
    return out


def _sections(work) -> list[dict]:
    sections: list[dict] = []
    for line in work:
        if not sections or sections[-1]["title"] != line.section:
            sections.append({"title": line.section, "lines": []})
        sections[-1]["lines"].append(line)
    return sections


def home(request):
    """Sends each role to its work: the counts of its waiting work, each linked to its list, and
    the entries of every role the user holds."""
    user = request.user
    entries = _entries_for(user) if user.is_authenticated else []
    work = waiting_for(user)
    return render(request, "core/home.html", {"entries": entries, "work_sections": _sections(work)})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Error pages in Chinese in the site's layout (urls.py handler403/404/500).


@requires_csrf_token
def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


@requires_csrf_token
def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form sent from a page that was open too long, or with cookies off (CSRF_FAILURE_VIEW)."""
    reason = _(
        "The form could not be accepted: the page was open too long or cookies are switched "
        "off. Open the page again and send the form once more."
    )
    return render(request, "403.html", {"reason": reason}, status=403)


def server_error(request):
    """The 500 page needs neither the database nor the request: it renders with no context
    processors, the site name from the settings."""
    html = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    return HttpResponseServerError(html)

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from zhengwu.core.navigation import ENTRIES
from zhengwu.core.roles import role_names


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

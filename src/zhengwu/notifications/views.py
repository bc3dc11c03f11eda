"""The notification centre: the user's own notifications, newest first, marked read on request."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengwu.notifications import messages, selectors, services

PAGE_SIZE = 25


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    events = messages.events_of(page.object_list)
    messages.read_findings(page.object_list)
    rows = [
        {
            "row": n,
            "title": messages.title(n),
            "body": messages.body(n, events=events),
            "link": messages.link(n),
        }
        for n in page.object_list
    ]
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "rows": rows,
            "unread_only": unread_only,
            "query": "unread=1" if unread_only else "",
        },
    )


@login_required
@require_POST
def mark_read(request):
    ids = request.POST.getlist("id")
    services.mark_read(user=request.user, ids=None if request.POST.get("all") else ids)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:inbox")

"""``{% pager page %}``: the shared pager (``includes/pager.html``) of a numbered page; the
links keep the request's other parameters (its filters)."""

from __future__ import annotations

from django import template

from zhengwu.core import paging

register = template.Library()


@register.inclusion_tag("includes/pager.html", takes_context=True)
def pager(context, page, param: str = "page"):
    request = context.get("request")
    query = ""
    if request is not None:
        params = request.GET.copy()
        params.pop(param, None)
        query = params.urlencode()
    return {"pager": paging.numbered(page, query, param)}

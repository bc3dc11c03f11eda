"""The QR code of a licence (its public verification page) and the words of its status."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from zhengwu.licences import selectors

register = template.Library()

STATUS_LABELS = {
    selectors.VALID: _("Valid"),
    selectors.EXPIRED: _("Expired"),
    selectors.REVOKED: _("Revoked"),
    selectors.NOT_YET: _("Not yet valid"),
}


def verify_url(code: str, request=None) -> str:
    path = reverse("licence_verify:verify", args=(code,))
    return request.build_absolute_uri(path) if request is not None else path


@register.filter
def licence_status_label(status) -> str:
    return str(STATUS_LABELS.get(status, ""))


@register.simple_tag(takes_context=True)
def licence_verify_url(context, code: str) -> str:
    return verify_url(code, context.get("request"))


@register.simple_tag(takes_context=True)
def licence_qr(context, code: str, scale: int = 4) -> str:
    """An inline SVG QR code of the licence's public verification address."""
    import segno

    url = verify_url(code, context.get("request"))
    return mark_safe(segno.make(url, error="m").svg_inline(scale=scale, title=url))  # noqa: S308

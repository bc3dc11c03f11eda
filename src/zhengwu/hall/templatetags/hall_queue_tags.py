"""The QR code of a queue number's follow-up page (segno, inline SVG)."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def follow_qr(url: str, scale: int = 5) -> str:
    """An inline SVG QR code of ``url``."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=scale, title=escape(url))
    return mark_safe(svg)  # noqa: S308 - segno's own markup of an escaped URL

"""``{% load evaluation_tags %}``: QR codes of survey links, scores, rates and bands as shown."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from zhengwu.evaluation.survey_presenters import rate_text, score_text
from zhengwu.evaluation.survey_selectors import band_label

register = template.Library()


@register.simple_tag
def link_qr(url: str, scale: int = 3) -> str:
    """An inline SVG QR code of an absolute address."""
    import segno

    return mark_safe(segno.make(url, error="m").svg_inline(scale=scale, title=url))  # noqa: S308


@register.filter
def score(value) -> str:
    return score_text(value)


@register.filter
def rate(value) -> str:
    return rate_text(value)


@register.filter
def band(value) -> str:
    return band_label(value)


@register.filter
def ratio(count) -> str:
    """An indicator count (numerator ÷ denominator) as its percentage, or —."""
    return rate_text(count.value) if count is not None else "—"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None

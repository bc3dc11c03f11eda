"""``{% load zhengwu_display %}``: ``user|person``, ``value|cn_date``, ``value|cn_datetime``."""

from django import template

from zhengwu.core import display

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's name, never the login (zhengwu.core.display.person_name)."""
    return display.person_name(user)


@register.filter
def cn_date(value) -> str:
    return display.cn_date(value)


@register.filter
def cn_datetime(value) -> str:
    return display.cn_datetime(value)

from django import template

from zhengwu.workdays.formatting import chinese_date, show_date
from zhengwu.workdays.selectors import describe, describe_state

register = template.Library()


@register.filter
def cn_date(value):
    """2025年11月4日."""
    return chinese_date(value) if value else ""


@register.filter
def local_date(value):
    """The Chinese way in Chinese, ISO otherwise."""
    return show_date(value) if value else ""


@register.filter
def change_state(state):
    """A logged before/after state as text."""
    return describe_state(state)


@register.filter
def day_text(info):
    """A resolved day as text: working day, holiday (name), make-up working day..."""
    return describe(info)

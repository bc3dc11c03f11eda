"""How people and dates are shown on every page, export, document and notification.

People by their names, never their login: ``person_name`` gives the full name when one is set, the
first and last name fields next, and otherwise "未署名用户" (an unnamed user). Dates the Chinese
way in Shanghai time: ``cn_date`` gives 2026年12月6日, ``cn_datetime`` 2026年12月6日 14:05 (the same
styles as the DATE_FORMAT and DATETIME_FORMAT of ``zhengwu.formats``). docs/decisions/0006.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext

from zhengwu.core import clock


def person_name(user) -> str:
    """A person's name for people to read: never the username."""
    if user is None:
        return ""
    full = (getattr(user, "full_name", "") or "").strip()
    if full:
        return full
    get_full_name = getattr(user, "get_full_name", None)
    other = (get_full_name() if get_full_name else "").strip()
    return other or gettext("Unnamed user")


def cn_date(value) -> str:
    """A date the Chinese way: 2025年10月9日 (a datetime is taken in Shanghai time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = clock.local_date(value) if value.tzinfo else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value) -> str:
    """2025年10月9日 09:30 in Shanghai time."""
    if not isinstance(value, dt.datetime):
        return cn_date(value)
    local = clock.local_datetime(value) if value.tzinfo else value
    return f"{cn_date(local.date())} {local:%H:%M}"


def people_by_login(logins) -> dict[str, str]:
    """Login → person's name for the given logins, in one query: for records that keep the login
    an actor had (the trails, evidence) and are shown to people."""
    from django.contrib.auth import get_user_model

    logins = {login for login in logins if login}
    if not logins:
        return {}
    users = get_user_model().objects.filter(username__in=logins)
    return {user.username: person_name(user) for user in users}

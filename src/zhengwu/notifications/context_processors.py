from zhengwu.notifications.selectors import UNREAD_CAP, unread_count


def unread(request):
    """The header's unread count: one index-only count, evaluated only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": _Lazy(user)}


class _Lazy:
    def __init__(self, user):
        self.user = user
        self._value = None

    def _get(self) -> int:
        if self._value is None:
            self._value = unread_count(self.user)
        return self._value

    def __int__(self):
        return self._get()

    def __bool__(self):
        return self._get() > 0

    def __str__(self):
        value = self._get()
        return f"{UNREAD_CAP - 1}+" if value >= UNREAD_CAP else str(value)

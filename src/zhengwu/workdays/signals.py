"""``calendar_changed``: sent after a transaction that changed the calendar commits.

Receivers get ``years``: a sorted list of the years whose working days may have changed, and
``kind``: ``"import"`` (an official schedule was entered) or ``"edit"`` (a day was changed or its
override removed). The case engine listens to recompute the deadlines of open cases.

    from zhengwu.workdays.signals import calendar_changed

    @receiver(calendar_changed)
    def recompute(sender, years, kind, **kwargs): ...
"""

from django.dispatch import Signal

calendar_changed = Signal()

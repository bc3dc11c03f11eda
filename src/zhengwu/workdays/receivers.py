"""Keep the process's calendar in step with the calendar tables.

Any save or delete of a calendar row rebuilds the calendar in this process at once and again when
the transaction commits; ``flush`` (which deletes without signals, e.g. between transactional
tests) is followed by ``post_migrate``, which also drops it. Other processes notice through the
version stamp (loader.py).
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_migrate, post_save

from zhengwu.workdays import loader


def _changed(sender, using=None, **kwargs):
    loader.note_change(using or "default")


def _migrated(sender, **kwargs):
    loader.invalidate()


def _setting_changed(sender, setting, **kwargs):
    if setting == "WORKDAYS_RECHECK_SECONDS":
        loader.invalidate()


def connect() -> None:
    from zhengwu.workdays.models import CalendarDay, CalendarYear

    for model in (CalendarDay, CalendarYear):
        post_save.connect(_changed, sender=model, dispatch_uid=f"workdays-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"workdays-delete-{model.__name__}"
        )
    post_migrate.connect(_migrated, dispatch_uid="workdays-post-migrate")
    setting_changed.connect(_setting_changed, dispatch_uid="workdays-setting-changed")

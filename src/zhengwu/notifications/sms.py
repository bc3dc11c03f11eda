"""Text messages: a pluggable provider. ``ZHENGWU_SMS_BACKEND`` (setting ``SMS_BACKEND``) names a
class with ``send(phone, text) -> None``; the default only writes the message to the log, so
nothing leaves the machine until a deployment configures its gateway."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("zhengwu.sms")

DEFAULT_BACKEND = "zhengwu.notifications.sms.LogBackend"


class BaseBackend:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LogBackend(BaseBackend):
    """Writes each message to the ``zhengwu.sms`` log (the phone masked)."""

    def send(self, phone: str, text: str) -> None:
        from zhengwu.core.identity import mask_phone

        log.info("SMS to %s: %s", mask_phone(phone), text)


def backend() -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()

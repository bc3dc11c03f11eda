"""Text messages, behind a small pluggable backend (setting ``SMS_BACKEND``, env
``ZHENGWU_SMS_BACKEND``): a class with ``send(phone: str, text: str) -> None`` that raises on
failure. The default, ``LoggingBackend``, only logs (the phone number masked); ``MemoryBackend``
keeps the messages in ``outbox`` (tests, demos). A deployment plugs its SMS gateway in by path.
"""

from __future__ import annotations

import abc
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from zhengwu.core.identity import mask_phone

log = logging.getLogger("zhengwu.sms")


@dataclass(frozen=True)
class Message:
    phone: str
    text: str


class BaseBackend(abc.ABC):
    """What a deployment's SMS gateway class implements: ``send`` raises when the gateway fails."""

    @abc.abstractmethod
    def send(self, phone: str, text: str) -> None: ...


class LoggingBackend(BaseBackend):
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


outbox: list[Message] = []


class MemoryBackend(BaseBackend):
    def send(self, phone: str, text: str) -> None:
        outbox.append(Message(phone, text))


def backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    backend().send(phone, text)

"""An SMS backend for the tests: keeps what it was asked to send."""

from zhengwu.core.sms import BaseBackend

SENT: list[tuple[str, str]] = []


class Outbox(BaseBackend):
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))

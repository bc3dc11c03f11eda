"""A real local HTTP receiver standing in for the provincial platform (or another hotline), for
the outbox tests: it dedupes by key, counts first acceptances per key, keeps the order in which
each stream's records were first accepted, and misbehaves on the attempts listed in ``script``:
"500", "timeout" (processed, answered too late), "garbage", "partial" (acknowledges the first
half), "down" (closes the connection). Keys in ``invalid`` are refused with a reason.

``keep_alive`` answers HTTP/1.1 and keeps the connection open for the next request; with
``hang_up`` it then closes it after each answer all the same, unannounced (as a receiver's idle
timeout does). ``connections`` counts the connections opened to it."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from zhengwu.core import clock
from zhengwu.exchange import records
from zhengwu.exchange.models.outbound import OutboxRecord


class Receiver:
    def __init__(self, script=(), *, invalid=(), references=None, keep_alive=False, hang_up=False):
        self.script = list(script)
        self.connections = 0
        self.invalid = set(invalid)
        self.references = dict(references or {})
        self.accepted: dict[str, int] = {}
        self.order: dict[str, list[str]] = {}
        self.requests = 0
        self.idempotency_keys: list[str] = []
        self.records: dict[str, dict] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with receiver.lock:
                    receiver.connections += 1

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.requests += 1
                    receiver.idempotency_keys.append(self.headers.get("Idempotency-Key", ""))
                    mode = receiver.script.pop(0) if receiver.script else "ok"
                    if mode == "500":
                        return self._answer(500, b'{"error": "down"}')
                    if mode == "down":
                        self.close_connection = True
                        return None
                    sent = [r for r in body["records"] if r["key"] not in receiver.invalid]
                    refused = [
                        {"key": r["key"], "reason": "办件编号格式不符"}
                        for r in body["records"]
                        if r["key"] in receiver.invalid
                    ]
                    keys = [r["key"] for r in sent]
                    if mode == "partial":
                        keys = keys[: len(keys) // 2]
                    for record in sent:
                        key = record["key"]
                        if key in keys and key not in receiver.accepted:
                            receiver.accepted[key] = 1
                            receiver.records[key] = record
                            receiver.order.setdefault(record["stream"], []).append(key)
                if mode == "timeout":
                    time.sleep(1.5)
                if mode == "garbage":
                    return self._answer(200, b"<html>gateway</html>")
                answer = {"accepted": keys, "refused": refused}
                refs = {k: receiver.references[k] for k in keys if k in receiver.references}
                if refs:
                    answer["references"] = refs
                return self._answer(200, json.dumps(answer).encode())

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if hang_up:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


RATING = {
    "case_number": "202503030000001",
    "item_base_code": "000123456000",
    "item_impl_code": "11330100SCJ-XK-0001",
    "department_code": "SCJ",
    "channel": "onsite",
    "level": 5,
    "rated_at": "2025-03-03T02:00:00Z",
    "rectification_status": "none",
}


def queue(n: int, *, streams: int | None = None, prefix: str = "rating-t") -> list[str]:
    """``n`` valid rating records (one stream each, or spread over ``streams`` streams)."""
    now = clock.now()
    OutboxRecord.objects.bulk_create(
        OutboxRecord(
            key=f"{prefix}{i}",
            kind="rating",
            schema=records.RATING,
            stream=f"case:{i % streams if streams else i}",
            payload={**RATING, "level": 1 + i % 5},
            next_attempt_at=now,
            created_at=now,
        )
        for i in range(n)
    )
    return [f"{prefix}{i}" for i in range(n)]


def drain(receiver_settings, travel, start: dt.datetime, rounds: int = 40, **kwargs):
    """Deliver until nothing is pending, moving the clock past every back-off between runs."""
    from zhengwu.exchange import push

    moment = start
    for _round in range(rounds):
        push.deliver(**kwargs)
        if not OutboxRecord.objects.filter(status="pending").exists():
            return
        moment += dt.timedelta(seconds=301)
        travel(moment)
    raise AssertionError("the outbox did not drain")

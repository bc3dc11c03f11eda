"""Benchmark: the exchange with other platforms.

``outbox``: the one outbox draining to a local receiver. A fresh PostgreSQL database (migrated,
nothing else) gets ``--records`` outbox records for the provincial platform, made by bulk inserts:
case-step records of the ``case-event`` schema, ``--per-stream`` steps per case written one after
the other so that the streams interleave. ``manage.py exchange_push`` then delivers everything
due (schema checks, per-stream order, ``SKIP LOCKED`` claims, batches of ``--batch``) to a
threaded ``http.server`` in this process that dedupes by key and answers
``{"accepted": [...]}`` over HTTP/1.1 keep-alive. The receiver must end with every key exactly
once and every stream in the order it was written, and the database with every record delivered.

``seconds`` is the whole ``exchange_push`` process, its start included; ``startup_s`` is what a
run with nothing to send takes (``exchange_push --status``), to tell the two apart.
``cpu_s`` splits the CPU time of the run: ``push`` (the command's process), ``receiver`` (this
process: parsing the batches, answering); PostgreSQL's share is the rest of the machine's.
``connections`` counts the connections the receiver saw (one per run with keep-alive).

Prints one JSON line (the common frame, bench/README.md) with
{"bench": "exchange", "outbox": {"records", "streams", "seconds", "records_per_s", "startup_s",
 "cpu_s", "batch", "requests", "connections", "duplicates", "out_of_order", "all_delivered"},
 "db": "postgresql", "data_bytes"}

    python bench/exchange.py [--small|--smoke] [--records N] [--per-stream N] [--batch N]
                             [--database-url URL] [--keep]

Target (2 cores): >= 3,000 records/s delivered, no duplicates, nothing out of order.
--small: 10,000 records; --smoke: 1,000.

Each part is one function (``outbox_drain``) taking the prepared environment and returning its
figures, so further parts of the exchange sit beside it in ``main``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import Record, add_common_arguments, manage, project_env, scratch_database, size

# Made inside the project (manage.py shell): the records, by bulk insert.
QUEUE_RECORDS = """
import datetime as dt, os
from zhengwu.core import clock
from zhengwu.exchange import records
from zhengwu.exchange.models.outbound import OutboxRecord

count, per = int(os.environ["BENCH_COUNT"]), int(os.environ["BENCH_PER_STREAM"])
_day = dt.date.fromisoformat(os.environ["ZHENGWU_BENCH_TODAY"])
_frozen = clock.frozen(dt.datetime.combine(_day, dt.time(9, 0), tzinfo=clock.LOCAL_TZ))
_frozen.__enter__()
now = clock.now()
streams = max(1, count // per)
KINDS = ["submit", "accept", "suspend", "resume", "decide_grant", "deliver", "extend"]

def payload(case, seq):
    kind = KINDS[(seq - 1) % len(KINDS)]
    return {
        "case_number": case, "joint_number": None, "item_code": "11330100SCJ-XK-0001",
        "item_base_code": "000123456000", "item_name": "食品经营许可",
        "department_code": "SCJ",
        "applicant": {"type": "person", "name": "张三", "id_type": "resident_id",
                      "id_number": "330106199001010018"},
        "channel": "window", "state": "accepted",
        "event": {"seq": seq, "kind": kind, "occurred_at": "2026-11-18T01:00:00Z",
                  "recorded_at": "2026-11-18T01:00:00Z", "retroactive": False, "detail": {}},
        "received_at": "2026-11-18T01:00:00Z", "accepted_on": "2026-11-18",
        "promised_limit": 10, "promised_due": "2026-12-02", "statutory_due": "2026-12-16",
        "completed_on": None, "delivered_on": None, "result": None,
    }

rows = []
for i in range(count):
    stream, seq = i % streams, 1 + i // streams
    case = f"BENCH{stream:010d}"
    rows.append(OutboxRecord(key=f"case-{case}-{seq}", kind="case.submit",
                             schema=records.CASE_EVENT, stream=f"case:{case}",
                             payload=payload(case, seq), next_attempt_at=now, created_at=now))
    if len(rows) >= 5000:
        OutboxRecord.objects.bulk_create(rows)
        rows = []
OutboxRecord.objects.bulk_create(rows)
print(streams)
"""

COUNT_PENDING = (
    "from zhengwu.exchange.models.outbound import OutboxRecord;"
    "print(OutboxRecord.objects.filter(status='pending').count())"
)


class Receiver:
    """The provincial platform stand-in: dedupes by key, counts, and checks each stream's order
    (a record's step number follows the last one accepted in its stream)."""

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.last_seq: dict[str, int] = {}
        self.out_of_order = 0
        self.requests = 0
        self.connections = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with receiver.lock:
                    receiver.connections += 1

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                keys = []
                with receiver.lock:
                    receiver.requests += 1
                    for record in body["records"]:
                        key = record["key"]
                        keys.append(key)
                        receiver.seen[key] = receiver.seen.get(key, 0) + 1
                        if receiver.seen[key] > 1:
                            continue
                        seq = record["data"]["event"]["seq"]
                        if seq != receiver.last_seq.get(record["stream"], 0) + 1:
                            receiver.out_of_order += 1
                        receiver.last_seq[record["stream"]] = seq
                answer = json.dumps({"accepted": keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/push"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _cpu() -> dict[str, float]:
    """CPU seconds so far of this process (the receiver) and of its finished children (the
    ``manage.py`` runs: only the push runs between two readings)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "push": children.ru_utime + children.ru_stime,
        "receiver": own.ru_utime + own.ru_stime,
    }


def count_pending(env) -> int:
    return int(manage(env, "shell", "-c", COUNT_PENDING).strip().splitlines()[-1])


def outbox_drain(env: dict[str, str], *, records: int, per_stream: int, batch: int) -> dict:
    """Queue ``records`` records and time ``exchange_push`` delivering them; the figures."""
    out = manage(
        dict(env, BENCH_COUNT=str(records), BENCH_PER_STREAM=str(per_stream)),
        "shell",
        "-c",
        QUEUE_RECORDS,
    )
    streams = int(out.strip().splitlines()[-1])
    queued = count_pending(env)
    started = time.perf_counter()
    manage(env, "exchange_push", "--status")
    startup = time.perf_counter() - started
    with Receiver() as receiver:
        push_env = dict(env, ZHENGWU_EXCHANGE_PUSH_URL=receiver.url)
        before = _cpu()
        started = time.perf_counter()
        manage(push_env, "exchange_push", "--batch", str(batch))
        took = time.perf_counter() - started
        after = _cpu()
        left = count_pending(env)
        duplicates = sum(n - 1 for n in receiver.seen.values())
        return {
            "records": queued,
            "streams": streams,
            "seconds": round(took, 2),
            "records_per_s": round(queued / took, 1),
            "startup_s": round(startup, 2),
            "cpu_s": {k: round(after[k] - before[k], 2) for k in after},
            "batch": batch,
            "requests": receiver.requests,
            "connections": receiver.connections,
            "duplicates": duplicates,
            "out_of_order": receiver.out_of_order,
            "all_delivered": left == 0 and len(receiver.seen) == queued,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "exchange")
    parser.add_argument("--records", type=int, default=None, help="outbox records to queue")
    parser.add_argument("--per-stream", type=int, default=5, help="records per case stream")
    parser.add_argument("--batch", type=int, default=500, help="records per push request")
    args = parser.parse_args()
    record = Record("exchange", args)
    records = args.records or size(args, full=100_000, small=10_000, smoke=1_000)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-exchange-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        env = project_env(url, var_dir, ZHENGWU_BENCH_TODAY=args.today)
        manage(env, "migrate", "--verbosity", "0")
        outbox = outbox_drain(env, records=records, per_stream=args.per_stream, batch=args.batch)
        record.measure_data(url)
    record.emit({"outbox": outbox, "db": "postgresql"})
    if not outbox["all_delivered"] or outbox["duplicates"] or outbox["out_of_order"]:
        sys.exit(1)


if __name__ == "__main__":
    main()

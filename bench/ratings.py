"""Benchmark: rating submissions through the API, and the push outbox draining to a receiver.

A fresh PostgreSQL database gets the demo city (``migrate``, the demo catalogue and accounts) and
``--cases`` completed cases made by bulk inserts (a case row and its decision event each), with the
signed rating link of each. gunicorn serves the project.

1. ``ratings``: ``--clients`` keep-alive clients post on-site ratings through the links
   (``POST /api/v1/cases/{number}/ratings?token=...``, no login), one per case, for ``--seconds``;
   one in ten is a 1 (which opens a rectification task). Anything but 201 is an error.
2. ``push``: ``--records`` rating records are queued in the one outbox (besides those the
   ratings and the cases wrote), then ``manage.py exchange_push`` delivers everything pending
   to a local receiver (a threaded
   ``http.server`` in this process that dedupes by key and answers ``{"accepted": [...]}``). The
   receiver must end with every key exactly once, and the database with every record delivered.

Prints one JSON line:
{"bench": "ratings", "ratings": {"rps", "p50_ms", "p99_ms", "errors", "requests",
 "cpu_ms_per_request": {...}}, "push": {"records", "seconds", "records_per_s", "batch",
 "requests", "duplicates", "all_delivered"}, "db": "postgresql", "server": ..., "load_avg_1m"}

    python bench/ratings.py [--small] [--seconds S] [--clients N] [--cases N] [--records N]
                            [--batch N] [--database-url URL] [--keep]

Target (2 cores): >= 500 records/s delivered. --small: 5 s of ratings, 10,000 records.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import (
    CpuMeter,
    Gunicorn,
    Record,
    add_common_arguments,
    backend_pids,
    build_request,
    drive,
    manage,
    project_env,
    report_samples,
    scratch_database,
    seed_demo,
    size,
)

# Made inside the project (manage.py shell): completed cases by bulk insert, and their links.
MAKE_CASES = """
import datetime as dt, json, os
from django.db import transaction
from zhengwu.accounts.models import Applicant
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.identity import resident_id_check_char
from zhengwu.ratings import tokens

count, out = int(os.environ["BENCH_COUNT"]), os.environ["BENCH_OUT"]
_day = dt.date.fromisoformat(os.environ["ZHENGWU_BENCH_TODAY"])
_frozen = clock.frozen(dt.datetime.combine(_day, dt.time(9, 0), tzinfo=clock.LOCAL_TZ))
_frozen.__enter__()
item = ServiceItem.objects.filter(status="published").select_related("current_version").first()
now = clock.now()
today = clock.today()
first17 = "33010619900101001"
person = Applicant.objects.create(kind="person", name="评价人",
                                  id_number=first17 + resident_id_check_char(first17),
                                  phone="13900000000", created_at=now)
links = []
with transaction.atomic():
    for start in range(0, count, 2000):
        rows = [
            Case(number=f"BENCH{start + i:010d}", item=item, item_version=item.current_version,
                 department_id=item.department_id, applicant=person, channel="window",
                 state="granted", received_at=now, received_on=today, intake_due=today,
                 accepted_on=today, completed_on=today, completion="early", clocks_on=today,
                 event_count=1, created_at=now, updated_at=now)
            for i in range(min(2000, count - start))
        ]
        Case.objects.bulk_create(rows)
        CaseEvent.objects.bulk_create(
            CaseEvent(case=c, seq=1, kind="decide_grant", occurred_at=now, recorded_at=now,
                      actor_name="bench", data={}, prev_hash="0" * 64, hash="0" * 64)
            for c in rows
        )
        links += [(c.number, tokens.make(c.number, 1)) for c in rows]
json.dump(links, open(out, "w"))
"""

QUEUE_RECORDS = """
import datetime as dt, os
from zhengwu.core import clock
from zhengwu.exchange import records
from zhengwu.exchange.models.outbound import OutboxRecord

count = int(os.environ["BENCH_COUNT"])
_day = dt.date.fromisoformat(os.environ["ZHENGWU_BENCH_TODAY"])
_frozen = clock.frozen(dt.datetime.combine(_day, dt.time(9, 0), tzinfo=clock.LOCAL_TZ))
_frozen.__enter__()
now = clock.now()
payload = {"case_number": "202503030000001", "item_base_code": "000123456000",
           "item_impl_code": "11330100SCJ-XK-0001", "department_code": "SCJ",
           "applicant_type": "person", "channel": "onsite", "level": 5, "level_label": "非常满意",
           "dimensions": {"attitude": 5, "efficiency": 5}, "comment": "办事效率高",
           "real_name": False, "rated_at": "2025-03-03T02:00:00Z", "rectification_status": "none"}
for start in range(0, count, 5000):
    OutboxRecord.objects.bulk_create(
        OutboxRecord(key=f"bench-{i}", kind="rating", schema=records.RATING,
                     stream=f"bench:{i}", payload=payload, next_attempt_at=now, created_at=now)
        for i in range(start, min(start + 5000, count))
    )
"""


class Receiver:
    """The provincial platform stand-in: dedupes by key and counts."""

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.requests = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                keys = [r["key"] for r in body["records"]]
                with receiver.lock:
                    receiver.requests += 1
                    for key in keys:
                        receiver.seen[key] = receiver.seen.get(key, 0) + 1
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


LEVEL_5 = json.dumps({"channel": "onsite", "level": 5, "dimensions": {"attitude": 5}}).encode()
LEVEL_1 = json.dumps(
    {"channel": "onsite", "level": 1, "comment": "等候太久", "real_name": False}
).encode()


def request_maker(links: list, port: int):
    headers = {"Content-Type": "application/json"}

    def make(n: int) -> bytes:
        number, token = links[n % len(links)]
        path = f"/api/v1/cases/{number}/ratings?token={token}"
        body = LEVEL_1 if n % 10 == 9 else LEVEL_5
        return build_request("POST", path, port=port, headers=headers, body=body)

    return make


def count_pending(env) -> int:
    code = (
        "from zhengwu.exchange.models.outbound import OutboxRecord;"
        "print(OutboxRecord.objects.filter(status='pending').count())"
    )
    return int(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "ratings")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--cases", type=int, default=None, help="completed cases to rate")
    parser.add_argument("--records", type=int, default=None, help="push records to queue")
    parser.add_argument("--batch", type=int, default=500, help="records per push request")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    record = Record("ratings", args)
    seconds = args.seconds or size(args, full=20.0, small=5.0, smoke=1.0)
    cases = args.cases or size(args, full=16_000, small=4_000, smoke=1_000)
    records = args.records or size(args, full=100_000, small=10_000, smoke=1_000)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-ratings-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        env = project_env(
            url,
            var_dir,
            ZHENGWU_BENCH_TODAY=args.today,
            ZHENGWU_EXCHANGE_PUSH_BATCH=str(args.batch),
        )
        manage(env, "migrate", "--verbosity", "0")
        seed_demo(env)
        links_file = os.path.join(var_dir, "links.json")
        manage(dict(env, BENCH_COUNT=str(cases), BENCH_OUT=links_file), "shell", "-c", MAKE_CASES)
        with open(links_file) as handle:
            links = json.load(handle)
        with Gunicorn(env, workers=args.workers, threads=args.threads) as server:
            make = request_maker(links, server.port)
            with CpuMeter(server.worker_pids(), backend_pids(url)) as cpu:
                result = drive(server.port, make, clients=args.clients, seconds=seconds)
            report_samples("ratings", result)
            rating_figures = result.figures()
            rating_figures["cpu_ms_per_request"] = cpu.per_request(len(result.latencies))
            description = server.description
        if len(result.latencies) > len(links):
            print("ratings: more requests than cases; raise --cases", file=sys.stderr)

        manage(dict(env, BENCH_COUNT=str(records)), "shell", "-c", QUEUE_RECORDS)
        queued = count_pending(env)
        with Receiver() as receiver:
            push_env = dict(env, ZHENGWU_EXCHANGE_PUSH_URL=receiver.url)
            started = time.perf_counter()
            manage(push_env, "exchange_push")
            took = time.perf_counter() - started
            left = count_pending(env)
            duplicates = sum(n - 1 for n in receiver.seen.values())
            push_figures = {
                "records": queued,
                "seconds": round(took, 2),
                "records_per_s": round(queued / took, 1),
                "batch": args.batch,
                "requests": receiver.requests,
                "duplicates": duplicates,
                "all_delivered": left == 0 and len(receiver.seen) == queued,
            }

        record.measure_data(url)
    record.emit(
        {
            "clients": args.clients,
            "seconds": seconds,
            "ratings": rating_figures,
            "push": push_figures,
            "db": "postgresql",
            "server": description,
        }
    )
    if rating_figures["errors"] or not push_figures["all_delivered"]:
        sys.exit(1)


if __name__ == "__main__":
    main()

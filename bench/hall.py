"""Benchmark: the hall queue's call-next under 200 windows calling at once (target p99 < 50 ms,
no number called twice) and the hall status at 5,000 waiting numbers (target < 100 ms).

A fresh PostgreSQL database gets the demo city (``migrate``, the demo departments and accounts),
then one hall with ``--windows`` windows on its floor, each with a clerk signed in, and ten
business types, each served by a fifth of the windows (every window serves two types);
``--waiting`` numbers are taken today (rows inserted in bulk, 10 % through the green channel,
5 % by appointment) after ``--history`` numbers served on the days before (default 30 days of
as many a day, inserted with ``generate_series``), and ``VACUUM ANALYZE``.

1. **Status.** ``queue_selectors.status`` of the hall (what ``GET /api/v1/hall/status``, the
   waiting page and the hall screen's feed run: the waiting count per type, the number at each
   window), timed ``--repeat`` times after one untimed run, its plans over ``hall_ticket``
   printed (a sequential scan fails the run).
2. **Call-next.** ``--clients`` threads, each with its own connection (PostgreSQL's
   ``max_connections`` is shared: 200 connections at once are not there to take), serve all the
   windows: a thread takes a free window, times ``queue_services.call_next`` for its clerk,
   finishes the number (untimed) and frees the window, until every window has called
   ``--calls`` numbers. Then the trail is checked: every number called at most once (one
   ``called`` step a number) and as many called steps as successful calls.

Prints one JSON line:
{"bench": "hall", "windows": N, "waiting": N, "history": N, "clients": N, "calls": N,
 "status_ms": {"p50", "max"}, "call_next_ms": {"p50", "p99", "max"}, "calls_per_s",
 "called_twice": 0, "targets": {"call_next_p99_ms": 50, "status_ms": 100}, "target_met",
 "seq_scan": false, "plans": [...], "db": "postgresql", ...}

    python bench/hall.py [--small] [--smoke] [--windows N] [--waiting N] [--history N]
                         [--clients N]
                         [--calls N] [--repeat R] [--database-url URL] [--keep]

--small: 100 windows, 2,000 waiting, 16 clients (--smoke: 20, 400, 4); the default is 200
windows, 5,000 waiting, 48 clients, 20 calls a window.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import queue
import random
import statistics
import sys
import tempfile
import threading
import time

from harness import (
    Connection,
    CpuMeter,
    Gunicorn,
    Record,
    add_common_arguments,
    backend_pids,
    build_request,
    demo_city_in_process,
    frozen_today,
    plans_of,
    scratch_database,
    size,
    today_of,
)

CALL_P99_MS = 50
STATUS_MS = 100
TABLE = "hall_ticket"
TYPES = 10


HISTORY_SQL = """
INSERT INTO hall_ticket (
    hall_id, business_type_id, day, number, token, source, phone, priority, priority_reason,
    state, taken_at, queued_at, first_called_at, called_at, finished_at, window_id,
    served_by_id, skips, recalls, transfers
)
SELECT %(hall)s, (%(types)s::bigint[])[1 + seq %% 10], d, 'X' || lpad(seq::text, 5, '0'),
       gen_random_uuid(), 'kiosk', '', 0, '', 'done', t, t, t + interval '7 minutes',
       t + interval '7 minutes', t + interval '15 minutes',
       (%(windows)s::bigint[])[1 + seq %% %(count)s], (%(clerks)s::bigint[])[1 + seq %% %(count)s],
       0, 0, 0
FROM (
    SELECT %(today)s::date - 1 - (g / %(per_day)s)::int AS d, g %% %(per_day)s AS seq
    FROM generate_series(0, %(history)s - 1) g
) s,
LATERAL (
    SELECT (d + time '09:00' + seq * interval '5 seconds') AT TIME ZONE 'Asia/Shanghai' AS t
) moment
"""


def build(*, windows: int, waiting: int, history: int, today: dt.date):
    """The hall, its windows and clerks signed in, the business types and the waiting numbers."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from zhengwu.accounts.models import Center, Department, User, Window
    from zhengwu.core import clock
    from zhengwu.core.roles import Role
    from zhengwu.hall.models.floor import Hall, WindowPost, WindowSession
    from zhengwu.hall.models.queue import BusinessType, NumberCounter, Ticket

    center = Center.objects.order_by("pk").first()
    department = Department.objects.filter(is_active=True).order_by("pk").first()
    hall = Hall.objects.create(center=center, code="BENCH", name="压测大厅")
    made = Window.objects.bulk_create(
        [
            Window(center=center, number=f"H{i:03d}", name=f"{i}号窗口", department=department)
            for i in range(1, windows + 1)
        ]
    )
    WindowPost.objects.bulk_create([WindowPost(window=w, hall=hall) for w in made])
    kinds = BusinessType.objects.bulk_create(
        [
            BusinessType(hall=hall, code=f"BT{k:02d}", name=f"业务{k}", prefix=chr(65 + k))
            for k in range(TYPES)
        ]
    )
    through = BusinessType.windows.through
    through.objects.bulk_create(
        [
            through(businesstype_id=kinds[(i + j * 5) % TYPES].pk, window_id=w.pk)
            for i, w in enumerate(made)
            for j in range(2)
        ]
    )
    clerks = User.objects.bulk_create(
        [
            User(username=f"hall_bench_{i:03d}", full_name="压测", department=department)
            for i in range(windows)
        ]
    )
    group = Group.objects.get_or_create(name=Role.WINDOW_CLERK.value)[0]
    group.user_set.add(*clerks)
    start = dt.datetime.combine(today, dt.time(8, 0), tzinfo=clock.LOCAL_TZ)
    WindowSession.objects.bulk_create(
        [
            WindowSession(window=w, user=c, started_at=start)
            for w, c in zip(made, clerks, strict=True)
        ]
    )
    counters: dict[int, int] = {}
    rows = []
    for n in range(waiting):
        kind = kinds[n % TYPES]
        seq = counters[kind.pk] = counters.get(kind.pk, 0) + 1
        taken = start + dt.timedelta(seconds=3 * n)
        reason = "green" if n % 10 == 3 else "appointment" if n % 20 == 7 else ""
        rows.append(
            Ticket(
                hall=hall,
                business_type=kind,
                day=today,
                number=f"{kind.prefix}{seq:04d}",
                source="appointment" if reason == "appointment" else "kiosk",
                priority={"green": 2, "appointment": 1}.get(reason, 0),
                priority_reason=reason,
                taken_at=taken,
                queued_at=taken,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=2000)
    NumberCounter.objects.bulk_create(
        [NumberCounter(hall=hall, day=today, prefix=k.prefix, last=counters[k.pk]) for k in kinds]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            HISTORY_SQL,
            {
                "hall": hall.pk,
                "types": [k.pk for k in kinds],
                "windows": [w.pk for w in made],
                "clerks": [c.pk for c in clerks],
                "count": windows,
                "today": today,
                "per_day": max(waiting, 1),
                "history": history,
            },
        )
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
    return hall, list(zip(made, clerks, strict=True))


def timed(call, repeat: int) -> dict:
    call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return {
        "p50": round(statistics.median(times) * 1000, 2),
        "max": round(max(times) * 1000, 2),
    }


def serve(pairs, *, clients: int, calls: int, today: dt.date) -> tuple[list[float], int, int]:
    """Every window calls ``calls`` numbers, ``clients`` threads at once."""
    from django.db import connections

    from zhengwu.hall import queue_services

    free: queue.Queue = queue.Queue()
    left = {w.pk: calls for w, _c in pairs}
    for pair in pairs:
        free.put(pair)
    lock = threading.Lock()
    times: list[float] = []
    empty = errors = 0

    def work():
        nonlocal empty, errors
        with frozen_today(today):
            while True:
                try:
                    window, clerk = free.get_nowait()
                except queue.Empty:
                    break
                began = time.perf_counter()
                try:
                    ticket = queue_services.call_next(actor=clerk)
                except Exception:  # counted and reported
                    with lock:
                        errors += 1
                    continue
                spent = time.perf_counter() - began
                with lock:
                    times.append(spent)
                    left[window.pk] -= 1
                    if ticket is None:
                        empty += 1
                if ticket is not None:
                    queue_services.finish(actor=clerk, number=ticket.number)
                if ticket is not None and left[window.pk] > 0:
                    free.put((window, clerk))
        connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, empty, errors


def tokens_for(pairs) -> dict[int, str]:
    """A bearer token per clerk (what the window panel's session stands for)."""
    from zhengwu.accounts.services import issue_token

    return {w.pk: issue_token(user=c, name="bench")[1] for w, c in pairs}


async def _windows_calling(port: int, plan: list[tuple[float, str, str]]) -> dict:
    """Each entry of ``plan`` (seconds from the start, window number, token) is a clerk pressing
    "call next" at that moment whether or not the server has answered the others (an open
    loop), then finishing the number (not timed). Latency runs from the moment planned, so
    queueing in the client, the listen backlog or the workers is part of it: the wait the clerk
    sees."""
    clock = time.perf_counter
    started = clock()
    latencies: list[float] = []
    queries: list[int] = []
    empty = errors = 0
    samples: list[str] = []
    connections: dict[str, Connection] = {}

    async def press(at: float, window: str, token: str) -> None:
        nonlocal empty, errors
        delay = started + at - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = connections.setdefault(window, Connection(port))
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        path = f"/api/v1/hall/windows/{window}/call-next"
        try:
            status, headers, body = await conn.send(
                build_request("POST", path, port=port, headers=auth)
            )
        except (OSError, asyncio.IncompleteReadError) as error:
            conn.close()
            errors += 1
            samples.append(f"{type(error).__name__}: {error}")
            return
        latencies.append(clock() - (started + at))
        if b"x-query-count" in headers:
            queries.append(int(headers[b"x-query-count"]))
        if status == 204:
            empty += 1
            return
        if status != 200:
            errors += 1
            samples.append(f"{status}: {body[:200].decode(errors='replace')}")
            return
        number = json.loads(body)["number"]
        finish = f"/api/v1/hall/tickets/{number}/finish"
        status, _h, body = await conn.send(build_request("POST", finish, port=port, headers=auth))
        if status != 200:
            errors += 1
            samples.append(f"finish {status}: {body[:200].decode(errors='replace')}")

    by_window: dict[str, list] = {}
    for entry in sorted(plan):
        by_window.setdefault(entry[1], []).append(entry)

    async def window_day(entries) -> None:
        for at, window, token in entries:  # one clerk presses one button at a time
            await press(at, window, token)

    await asyncio.gather(*(window_day(e) for e in by_window.values()))
    for conn in connections.values():
        conn.close()
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 1)

    return {
        "calls": len(ordered) - empty,
        "empty_calls": empty,
        "errors": errors,
        "samples": samples[:5],
        "seconds": round(clock() - started, 1),
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "queries_per_call": round(sum(queries) / len(queries), 1) if queries else None,
    }


def open_loop(env: dict, url: str, pairs, *, interval: float, seconds: float, burst: bool) -> dict:
    """The hall as it runs: every window calls every ``interval`` seconds (at a random phase)
    for ``seconds``; then, with ``burst``, all of them within one second. Through the API served
    by gunicorn (2 workers, 4 threads), with the server's CPU per call."""
    rng = random.Random(17)
    tokens = tokens_for(pairs)
    windows = [(w.number, tokens[w.pk]) for w, _c in pairs]
    steady = [
        (phase + k * interval, number, token)
        for number, token in windows
        for phase in [rng.uniform(0, interval)]
        for k in range(max(1, int(seconds // interval)))
        if phase + k * interval < seconds
    ]
    bursting = [(rng.uniform(0, 1), number, token) for number, token in windows]
    out = {}
    counted = {**env, "ZHENGWU_BENCH_QUERY_COUNT": "1", "ZHENGWU_BENCH_ENDPOINTS": "1"}
    with Gunicorn(counted, workers=2, threads=4) as server:
        # Warm every worker thread and its database connection before measuring (the CPU of
        # the database backends is read from those there at the start of a phase).
        asyncio.run(_warm(server.port))
        phases = [("steady", steady)] + ([("burst", bursting)] if burst else [])
        for label, plan in phases:
            with CpuMeter(server.worker_pids(), backend_pids(url)) as cpu:
                figures = asyncio.run(_windows_calling(server.port, plan))
            spent = cpu.per_request(max(figures["calls"], 1))
            figures["cpu_ms_per_call"] = {"app": spent["app"], "db": spent["db"]}
            figures["offered_per_s"] = round(len(plan) / (seconds if label == "steady" else 1), 1)
            out[label] = figures
    out["interval_s"] = interval
    out["note"] = "cpu per call includes its finish request"
    return out


async def _warm(port: int, clients: int = 24, rounds: int = 4) -> None:
    request = build_request("GET", "/api/v1/hall/status?hall=BENCH", port=port)

    async def client() -> None:
        conn = Connection(port)
        try:
            for _ in range(rounds):
                await conn.send(request)
        finally:
            conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))


def check_trail(hall) -> dict:
    from django.db.models import Count

    from zhengwu.hall.models.queue import Ticket, TicketEvent

    twice = (
        TicketEvent.objects.filter(kind="called", ticket__hall=hall)
        .values("ticket")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    called_steps = TicketEvent.objects.filter(kind="called", ticket__hall=hall).count()
    served = Ticket.objects.filter(hall=hall, state="done").count()
    return {"called_twice": twice, "called_steps": called_steps, "served": served}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "hall")
    parser.add_argument("--windows", type=int, default=None)
    parser.add_argument("--waiting", type=int, default=None)
    parser.add_argument("--history", type=int, default=None)
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument(
        "--open-interval", type=float, default=30.0, help="seconds between a window's calls"
    )
    parser.add_argument("--open-seconds", type=float, default=None)
    parser.add_argument("--no-open-loop", action="store_true")
    args = parser.parse_args()
    record = Record("hall", args)
    windows = args.windows or size(args, full=200, small=100, smoke=20)
    waiting = args.waiting or size(args, full=5_000, small=2_000, smoke=400)
    history = args.history if args.history is not None else 30 * waiting
    clients = args.clients or size(args, full=48, small=16, smoke=4)
    calls = args.calls or size(args, full=20, small=10, smoke=5)
    repeat = args.repeat or size(args, full=50, small=20, smoke=3)
    open_seconds = args.open_seconds or size(args, full=60, small=60, smoke=5)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-hall-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        env = demo_city_in_process(url, var_dir)
        from django.db import connections

        from zhengwu.hall import queue_selectors

        try:
            today = today_of(args)
            with frozen_today(today):
                started = time.perf_counter()
                hall, pairs = build(windows=windows, waiting=waiting, history=history, today=today)
                load_s = time.perf_counter() - started
                status_ms = timed(lambda: queue_selectors.status(hall), repeat)
                plans = plans_of(lambda: queue_selectors.status(hall), TABLE)
            connections.close_all()
            began = time.perf_counter()
            times, empty, errors = serve(pairs, clients=clients, calls=calls, today=today)
            wall = time.perf_counter() - began
            opened = None
            if not args.no_open_loop:
                connections.close_all()
                opened = open_loop(
                    {**env, "ZHENGWU_BENCH_TODAY": str(today)},
                    url,
                    pairs,
                    interval=args.open_interval,
                    seconds=open_seconds,
                    burst=True,
                )
            trail = check_trail(hall)
            record.measure_data(url)
        finally:
            connections.close_all()

    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else 0.0
    call_ms = {
        "p50": round(statistics.median(ordered) * 1000, 2) if ordered else None,
        "p99": round(p99 * 1000, 2),
        "max": round(ordered[-1] * 1000, 2) if ordered else None,
    }
    seq_scan = any(p["seq_scan"] for p in plans)
    called = len(times) - empty
    opened_calls = sum(opened[k]["calls"] for k in ("steady", "burst")) if opened else 0
    opened_errors = sum(opened[k]["errors"] for k in ("steady", "burst")) if opened else 0
    sound = (
        trail["called_twice"] == 0
        and trail["called_steps"] == called + opened_calls
        and errors == 0
        and opened_errors == 0
    )
    record.emit(
        {
            "windows": windows,
            "waiting": waiting,
            "history": history,
            "clients": clients,
            "calls": called,
            "empty_calls": empty,
            "errors": errors,
            "load_s": round(load_s, 1),
            "status_ms": status_ms,
            "call_next_ms": call_ms,
            "calls_per_s": round(called / wall, 1) if wall else None,
            "open_loop": opened,
            **trail,
            "targets": {"call_next_p99_ms": CALL_P99_MS, "status_ms": STATUS_MS},
            "target_met": call_ms["p99"] < CALL_P99_MS and status_ms["max"] < STATUS_MS,
            "seq_scan": seq_scan,
            "plans": plans,
            "db": "postgresql",
        }
    )
    if not sound or seq_scan:
        sys.exit(1)


if __name__ == "__main__":
    main()

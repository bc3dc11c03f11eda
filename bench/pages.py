"""Benchmark: every page each demo role reaches on the demo data, at 1 and at 16 clients.

A fresh PostgreSQL database gets the demo city and its history (``seed_demo --history N
--tickets M``, made on ``--today``). Gunicorn serves the project with the bench endpoints on and
``X-Query-Count`` on every answer (``harness.wsgi``: the SQL statements the request ran, counted
on the server). Each demo account logs in (a session made in-process, as ``case_list.py`` does)
and crawls its same-site GET links from the home page, breadth first, at most ``--pages`` pages
per account (sign-out, downloads, exports and the admin site left out; only HTML pages that
answer 200 are kept). Then every (account, page) is requested ``--rounds`` times one at a time,
and again spread over 16 concurrent clients.

Targets: p95 < 300 ms at 1 client and < 1 s at 16 clients; no page above 30 queries (the pages
above it are listed in ``query_violators``).

Prints one JSON line (with the harness's ``machine``, ``commit``, ``load_before``,
``load_after``, ``today``, ``size``, ``data_bytes``):
{"bench": "pages", "accounts": N, "pages": N, "rounds": R, "serial": {"requests", "p50_ms",
 "p95_ms"}, "concurrent": {"clients": 16, ...}, "slowest": [{"account", "path", "p50_ms",
 "queries"}, ... ten], "max_queries": N, "query_violators": [...], "target_p95_serial_ms": 300,
 "target_p95_concurrent_ms": 1000, "target_queries": 30, "target_met": bool, "db": "postgresql"}

    python bench/pages.py [--small | --smoke] [--pages P] [--rounds R] [--clients C]
                          [--today YYYY-MM-DD] [--database-url URL] [--keep]

--smoke: a short history, 8 pages per account, one round; --small: 300 cases, 40 pages, two
rounds; the default: the demo's 1,500 cases, 200 pages per account, five rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from html import unescape
from urllib.parse import urldefrag, urlsplit

from harness import (
    Connection,
    Gunicorn,
    Record,
    add_common_arguments,
    build_request,
    frozen_today,
    manage,
    percentile,
    project_env,
    scratch_database,
    size,
    today_of,
)

TARGET_SERIAL_MS = 300
TARGET_CONCURRENT_MS = 1000
TARGET_QUERIES = 30
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.I)
# Not pages to time: leaving, files, the admin site (Django's own).
SKIP = re.compile(
    r"logout|sign-?out|/static/|/media/|/admin/|export|download|\.(csv|xlsx|pdf|zip)", re.I
)

SEED = """
import datetime as dt, os
from django.core.management import call_command
from zhengwu.core import clock
day = dt.date.fromisoformat(os.environ["ZHENGWU_BENCH_TODAY"])
with clock.frozen(dt.datetime.combine(day, dt.time(9, 0), tzinfo=clock.LOCAL_TZ)):
    call_command("seed_demo", history=int(os.environ["BENCH_HISTORY"]),
                 tickets=int(os.environ["BENCH_TICKETS"]), verbosity=0)
"""


def session_cookie(username: str) -> str:
    from django.test import Client

    from zhengwu.accounts.models import User

    # A session made directly: the login view counts failures per address (django-axes), and a
    # benchmark measures pages, not the password hash.
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def links(body: bytes, base: str) -> list[str]:
    """The same-site GET links of a page: paths starting with one slash, fragments dropped."""
    found = []
    for raw in HREF.findall(body.decode("utf-8", errors="replace")):
        href = urldefrag(unescape(raw.strip()))[0]
        if not href or href.startswith(("//", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # another site (or an absolute URL of this one: rare, skipped)
        if not href.startswith("/"):
            href = base.rsplit("/", 1)[0] + "/" + href
        if not SKIP.search(href):
            found.append(href)
    return found


async def crawl(port: int, cookie: str, limit: int) -> dict[str, int]:
    """Breadth first from ``/``: every same-site page answering 200 with HTML, at most
    ``limit``; ``{path: queries}``."""
    conn = Connection(port)
    headers = {"Cookie": f"sessionid={cookie}"}
    seen, queue, pages = {"/"}, ["/"], {}
    try:
        while queue and len(pages) < limit:
            path = queue.pop(0)
            status, answer, body = await conn.send(
                build_request("GET", path, port=port, headers=headers)
            )
            if status != 200 or not answer.get(b"content-type", b"").startswith(b"text/html"):
                continue
            pages[path] = int(answer.get(b"x-query-count", b"-1"))
            for href in links(body, path):
                if href not in seen:
                    seen.add(href)
                    queue.append(href)
    finally:
        conn.close()
    return pages


async def timed(port: int, work: list[tuple[str, str, str]], clients: int):
    """Each (account, cookie, path) of ``work`` once, over ``clients`` connections:
    ``[(account, path, seconds, status, queries)]``."""
    queue = list(work)
    done = []

    async def client():
        conn = Connection(port)
        try:
            while queue:
                account, cookie, path = queue.pop(0)
                request = build_request(
                    "GET", path, port=port, headers={"Cookie": f"sessionid={cookie}"}
                )
                started = time.perf_counter()
                status, answer, _body = await conn.send(request)
                spent = time.perf_counter() - started
                done.append(
                    (account, path, spent, status, int(answer.get(b"x-query-count", b"-1")))
                )
        finally:
            conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return done


def figures(done) -> dict:
    times = sorted(spent for _a, _p, spent, _s, _q in done)
    return {
        "requests": len(times),
        "p50_ms": round(percentile(times, 50) * 1000, 1),
        "p95_ms": round(percentile(times, 95) * 1000, 1),
        "non_200": sum(1 for *_x, status, _q in done if status != 200),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "pages")
    parser.add_argument("--pages", type=int, default=None, help="pages per account at most")
    parser.add_argument("--rounds", type=int, default=None, help="requests per page and run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    record = Record("pages", args)
    limit = args.pages or size(args, full=200, small=40, smoke=8)
    rounds = args.rounds or size(args, full=5, small=2, smoke=1)
    history = size(args, full=1500, small=300, smoke=20)
    tickets = size(args, full=360, small=100, smoke=10)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-pages-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        env = project_env(
            url,
            var_dir,
            ZHENGWU_BENCH_TODAY=args.today,
            ZHENGWU_BENCH_ENDPOINTS="1",
            ZHENGWU_BENCH_QUERY_COUNT="1",
        )
        manage(env, "migrate", "--verbosity", "0")
        manage(
            dict(env, BENCH_HISTORY=str(history), BENCH_TICKETS=str(tickets)), "shell", "-c", SEED
        )
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections

        from zhengwu.demo.services import ACCOUNTS

        with frozen_today(today_of(args)):
            cookies = {a.username: session_cookie(a.username) for a in ACCOUNTS}
        connections.close_all()
        with Gunicorn(env, workers=args.workers, threads=args.threads) as server:
            crawled = {
                user: asyncio.run(crawl(server.port, cookie, limit))
                for user, cookie in cookies.items()
            }
            work = [
                (user, cookies[user], path) for user, pages in crawled.items() for path in pages
            ]
            serial, concurrent = [], []
            for _ in range(rounds):
                serial += asyncio.run(timed(server.port, work, 1))
            for _ in range(rounds):
                concurrent += asyncio.run(timed(server.port, work, args.clients))
        record.measure_data(url)

    by_page: dict[tuple[str, str], list[float]] = {}
    queries: dict[tuple[str, str], int] = {}
    for account, path, spent, _status, count in serial:
        by_page.setdefault((account, path), []).append(spent)
        queries[(account, path)] = max(queries.get((account, path), -1), count)
    ranked = sorted(((sorted(t)[len(t) // 2], key) for key, t in by_page.items()), reverse=True)
    slowest = [
        {"account": a, "path": p, "p50_ms": round(s * 1000, 1), "queries": queries[(a, p)]}
        for s, (a, p) in ranked[:10]
    ]
    violators = sorted(
        (
            {"account": a, "path": p, "queries": q}
            for (a, p), q in queries.items()
            if q > TARGET_QUERIES
        ),
        key=lambda v: -v["queries"],
    )
    serial_figures, concurrent_figures = figures(serial), figures(concurrent)
    concurrent_figures["clients"] = args.clients
    for item in slowest:
        print(
            f"slow: {item['p50_ms']} ms {item['queries']} queries {item['account']} {item['path']}",
            file=sys.stderr,
        )
    record.emit(
        {
            "accounts": len(crawled),
            "pages": len(work),
            "pages_per_account": {user: len(pages) for user, pages in crawled.items()},
            "rounds": rounds,
            "serial": serial_figures,
            "concurrent": concurrent_figures,
            "slowest": slowest,
            "max_queries": max(queries.values(), default=0),
            "query_violators": violators,
            "target_p95_serial_ms": TARGET_SERIAL_MS,
            "target_p95_concurrent_ms": TARGET_CONCURRENT_MS,
            "target_queries": TARGET_QUERIES,
            "target_met": serial_figures["p95_ms"] < TARGET_SERIAL_MS
            and concurrent_figures["p95_ms"] < TARGET_CONCURRENT_MS
            and not violators,
            "db": "postgresql",
        }
    )
    if serial_figures["non_200"] or concurrent_figures["non_200"] or not work:
        sys.exit(1)


if __name__ == "__main__":
    main()

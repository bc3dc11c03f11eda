"""Where a filing's CPU goes: ``POST /api/v1/cases`` and the bare insert, in process.

Not a benchmark (no load, no JSON line): the demo city on a fresh database, a bearer token for
the demo clerk, then each endpoint called ``--requests`` times through the project's WSGI
application as the bench serves it (``harness/wsgi.py``: the clock frozen on ``--today``), with
the bodies of ``intake.py``. Prints, per endpoint, the CPU per request (``time.process_time``),
the SQL statements per request with their text, and ``--top`` functions of a cProfile of the
whole run by cumulative and by own time.

    python bench/profiles/intake.py --database-url postgres://postgres@127.0.0.1:5432/zhengwu_prof
    python bench/profiles/intake.py --database-url sqlite:///var/prof.sqlite3

The database is dropped (PostgreSQL) or deleted (SQLite) and made again first (SQLite: from
a copy of the seeded file kept beside it, ``NAME.seeded``, when there is one).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import DEFAULT_TODAY, manage, project_env, recreate_database, seed_demo
from intake import CLERK, ITEM, body


def environ(path: str, token: str, payload: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(payload)),
        "wsgi.input": io.BytesIO(payload),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(application, path: str, token: str, payload: bytes) -> tuple[str, bytes]:
    seen = []
    chunks = application(environ(path, token, payload), lambda s, h, e=None: seen.append(s))
    try:
        content = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return seen[0], content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--today", default=DEFAULT_TODAY)
    parser.add_argument("--only", choices=["cases", "baseline"], default=None)
    args = parser.parse_args()
    url = args.database_url
    var_dir = tempfile.mkdtemp(prefix="zw-prof-intake-")
    env = project_env(url, var_dir, ZHENGWU_BENCH_TODAY=args.today, ZHENGWU_BENCH_ENDPOINTS="1")
    env["ZHENGWU_DB_CONN_MAX_AGE"] = "3600"
    if url.startswith("sqlite:"):
        path = Path(url.split(":///", 1)[1])
        template = path.with_name(path.name + ".seeded")
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        if not template.exists():
            manage(env, "migrate", "--verbosity", "0")
            seed_demo(env)
            shutil.copyfile(path, template)
        shutil.copyfile(template, path)
    else:
        recreate_database(url)
        manage(env, "migrate", "--verbosity", "0")
        seed_demo(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from harness.wsgi import application

    from zhengwu.accounts.models import User
    from zhengwu.accounts.services import issue_token

    _row, token = issue_token(user=User.objects.get(username=CLERK), name="profile")
    endpoints = {"cases": "/api/v1/cases", "baseline": "/api/bench/cases-row"}
    for offset, (label, path) in enumerate(endpoints.items()):
        if args.only and label != args.only:
            continue
        start = (offset + 1) * 1_000_000
        for n in range(args.warmup):
            status, content = call(application, path, token, body(start + n))
            assert status.startswith("201"), (status, content[:500])
        start += args.warmup
        captured: list[str] = []

        def record(execute, sql, params, many, context, captured=captured):
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            call(application, path, token, body(start))
        start += 1
        profiler = cProfile.Profile(time.process_time)  # CPU, not the wall clock
        began = time.process_time()
        profiler.enable()
        for n in range(args.requests):
            call(application, path, token, body(start + n))
        profiler.disable()
        spent = time.process_time() - began
        began = time.process_time()
        for n in range(args.requests):
            call(application, path, token, body(start + args.requests + n))
        plain = time.process_time() - began
        print(f"\n=== {label} {path} item {ITEM}")
        print(
            f"CPU per request: {plain * 1000 / args.requests:.2f} ms "
            f"({spent * 1000 / args.requests:.2f} ms under the profiler)"
        )
        print(f"SQL statements per request: {len(captured)}")
        for sql in captured:
            print("  ", sql[:300])
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()

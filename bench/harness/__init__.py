"""What the server benchmarks share: a scratch PostgreSQL database, ``manage.py`` runs, a gunicorn
server, and a light asyncio load generator speaking raw HTTP/1.1 over keep-alive connections.

The load generator shares the machine with the server, so it does as little as it can per request:
it writes prebuilt bytes and reads the answer by its Content-Length (chunked bodies are read too).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/"
if str(ROOT / "src") not in sys.path:  # the project's pure modules (e.g. core.identity)
    sys.path.insert(0, str(ROOT / "src"))

# ---------------------------------------------------------------- the database


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def _admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_maintenance_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(name=sql.Identifier(database_name(url))))


def recreate_database(url: str) -> None:
    """Drop the database named in ``url`` (whoever is connected) and create it empty."""
    _admin(url, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(url, "CREATE DATABASE {name}")


def drop_database(url: str) -> None:
    _admin(url, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# ---------------------------------------------------------------- the project


def plain_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """The indexes of ``table`` that no constraint owns: (name, CREATE INDEX ...). A bulk load
    drops them, inserts, and runs the CREATE statements again (much faster than row by row)."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        """,
        [table],
    )
    return list(cursor.fetchall())


def project_env(database_url: str, var_dir: str, **extra: str) -> dict[str, str]:
    """The environment of every project process the bench starts."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "zhengwu.settings",
            "ZHENGWU_DATABASE_URL": database_url,
            "ZHENGWU_VAR_DIR": var_dir,
            "ZHENGWU_DEBUG": "0",
            "ZHENGWU_DB_CONN_MAX_AGE": "60",
            "ZHENGWU_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "ZHENGWU_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py args`` and return what it printed; its errors go to our stderr."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return done.stdout


def seed_demo(env: dict[str, str]) -> None:
    """The demo city: departments, windows, the catalogue and one account per role (no case
    history: the benches make their own cases)."""
    manage(env, "shell", "-c", "from zhengwu.demo.services import seed; seed()")


def demo_city_in_process(database_url: str, var_dir: str) -> dict[str, str]:
    """Migrate, seed the demo city and set Django up in this process on ``database_url``."""
    env = project_env(database_url, var_dir)
    manage(env, "migrate", "--verbosity", "0")
    seed_demo(env)
    os.environ.update(env)
    import django

    django.setup()
    return env


def issue_token(env: dict[str, str], username: str) -> str:
    return manage(env, "issue_token", username, "--name", "bench").strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn zhengwu.wsgi`` on a free loopback port: gthread workers (they keep connections
    alive; the sync worker closes every connection after one request)."""

    def __init__(self, env: dict[str, str], *, workers: int, threads: int, reuse_port=True):
        self.env = env
        self.workers = workers
        self.threads = threads
        # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads the new
        # connections over them, as ``make run`` does; otherwise the workers race for each one.
        self.reuse_port = reuse_port
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def description(self) -> str:
        shared = " reuse-port" if self.reuse_port else ""
        return f"gunicorn gthread workers={self.workers} threads={self.threads}{shared}"

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "harness.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--keep-alive",
                "30",
                "--backlog",
                "256",
                "--log-level",
                "warning",
                *(["--reuse-port"] if self.reuse_port else []),
            ],
            env={
                **self.env,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT / "bench"), self.env.get("PYTHONPATH")])
                ),
            },
            cwd=ROOT,
        )
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz in time")
            time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process is not None else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------- CPU accounting (Linux /proc)

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds used so far by each of ``pids`` that is still there."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / _TICK
    return used


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(max(0.0, after[pid] - before[pid]) for pid in after if pid in before)


def child_pids(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                pids.append(int(entry.name))
    return pids


def connection_shares(pids: list[int], port: int) -> list[int]:
    """How many established connections to ``port`` each of ``pids`` holds, largest first (Linux:
    the sockets of /proc/net/tcp matched with each process's file descriptors)."""
    inodes = set()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            parts = line.split()
            if parts[3] == "01" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    shares = []
    for pid in pids:
        held = 0
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    held += target.startswith("socket:[") and target[8:-1] in inodes
        shares.append(held)
    return sorted(shares, reverse=True)


def backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends connected to the database of ``url`` (but our own)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


class CpuMeter:
    """CPU seconds spent by the app workers, the database backends and this process while the
    block runs.

    With ``db_url``, the backends of that database are listed again at the end: one that
    connected during the block (a worker replacing a connection past ``CONN_MAX_AGE``) counts
    with all its CPU, which it spent in the block. A backend that ended during the block took
    its CPU with it: ``db_ended`` counts them (a figure with ``db_ended`` above 0 is short),
    and the benchmarks keep their connections for longer than a run to avoid it."""

    def __init__(self, app_pids: list[int], db_pids: list[int], db_url: str | None = None):
        self.app_pids, self.db_pids, self.db_url = app_pids, db_pids, db_url
        self.app = self.db = self.client = 0.0
        self.db_ended = 0

    def __enter__(self) -> CpuMeter:
        self._start = (cpu_seconds(self.app_pids), cpu_seconds(self.db_pids), time.process_time())
        return self

    def __exit__(self, *exc) -> None:
        app, db, client = self._start
        self.app = _spent(app, cpu_seconds(self.app_pids))
        now = cpu_seconds(backend_pids(self.db_url) if self.db_url else self.db_pids)
        self.db = _spent(db, now) + sum(now[pid] for pid in now if pid not in db)
        self.db_ended = sum(1 for pid in db if pid not in now)
        self.client = time.process_time() - client

    def per_request(self, requests: int) -> dict[str, float]:
        """CPU milliseconds per request: app, db, client."""
        n = max(requests, 1)
        return {
            "app": round(self.app * 1000 / n, 2),
            "db": round(self.db * 1000 / n, 2),
            "client": round(self.client * 1000 / n, 2),
        }


# ---------------------------------------------------------------- raw HTTP/1.1


def build_request(
    method: str,
    path: str,
    *,
    port: int,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Connection:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, request: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
        """``(status, headers, body)``; a connection the server had closed while idle is
        reopened once."""
        reused = self.writer is not None
        try:
            return await self._exchange(request)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            if not reused:
                raise
        return await self._exchange(request)

    async def _exchange(self, request: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
        if self.writer is None:
            await self._open()
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].split(b"\r\n")
        status = int(lines[0][9:12])
        headers = {}
        for line in lines[1:]:
            name, _sep, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._chunked()
        else:
            length = int(headers.get(b"content-length", b"0"))
            body = await self.reader.readexactly(length) if length else b""
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, headers, body

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


@dataclass
class LoadResult:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def figures(self) -> dict:
        lat = sorted(self.latencies)
        done = len(lat)
        return {
            "requests": done,
            "rps": round(done / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
            "errors": self.errors,
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


async def _drive(
    port: int, make: Callable[[int], bytes], clients: int, seconds: float, expect: int
) -> LoadResult:
    result = LoadResult()
    counter = iter(range(10**12))
    started = time.perf_counter()
    deadline = started + seconds
    clock = time.perf_counter

    async def client() -> None:
        conn = Connection(port)
        try:
            while clock() < deadline:
                request = make(next(counter))
                t0 = clock()
                try:
                    status, _headers, body = await conn.send(request)
                except (OSError, asyncio.IncompleteReadError) as error:
                    conn.close()
                    result.errors += 1
                    if len(result.samples) < 10:
                        result.samples.append(f"{type(error).__name__}: {error}")
                    await asyncio.sleep(0.05)
                    continue
                result.latencies.append(clock() - t0)
                if status != expect:
                    result.errors += 1
                    if len(result.samples) < 10:
                        result.samples.append(f"{status}: {body[:300].decode(errors='replace')}")
        finally:
            conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    result.seconds = clock() - started
    return result


def drive(
    port: int,
    make: Callable[[int], bytes],
    *,
    clients: int,
    seconds: float,
    expect: int = 201,
) -> LoadResult:
    """``clients`` keep-alive connections, each sending ``make(n)`` back to back for ``seconds``
    (a request under way at the deadline is finished and counted)."""
    return asyncio.run(_drive(port, make, clients, seconds, expect))


def report_samples(label: str, result: LoadResult) -> None:
    for sample in result.samples:
        print(f"{label}: {sample}", file=sys.stderr)


@contextlib.contextmanager
def scratch_database(url: str, keep: bool = False):
    """A fresh database for the block, dropped afterwards (also on error) unless ``keep``."""
    recreate_database(url)
    try:
        yield url
    finally:
        if not keep:
            drop_database(url)


# ---------------------------------------------------------------- what every JSON line carries

# The day the generated data is built around, unless ``--today`` says otherwise: a fixed working
# day, so that two runs on different days do the same work (the same open cases, the same levels,
# the same calendar). The server and the in-process code see this day through ``clock``.
DEFAULT_TODAY = "2026-11-18"


def add_common_arguments(parser, name: str) -> None:
    """``--small``, ``--smoke``, ``--today``, ``--database-url``, ``--keep``: every benchmark's."""
    parser.add_argument("--small", action="store_true", help="a quick run (make bench)")
    parser.add_argument(
        "--smoke", action="store_true", help="a run of a few seconds that checks the script works"
    )
    parser.add_argument(
        "--today",
        default=DEFAULT_TODAY,
        help=f"the day the data is generated for and the code runs on (default {DEFAULT_TODAY})",
    )
    if name:
        parser.add_argument("--database-url", default=default_database_url(name))
        parser.add_argument("--keep", action="store_true", help="keep the database afterwards")


def default_database_url(name: str) -> str:
    """``zhengwu_bench_<name>``, suffixed with ``ZHENGWU_BENCH_DB_SUFFIX`` when set (parallel runs,
    e.g. the test suite's workers, each get their own database)."""
    return DEFAULT_PG + f"zhengwu_bench_{name}" + os.environ.get("ZHENGWU_BENCH_DB_SUFFIX", "")


def size(args, *, full, small, smoke):
    """The size the flags ask for: ``--smoke`` before ``--small`` before the full size."""
    return smoke if args.smoke else small if args.small else full


def today_of(args):
    import datetime as dt

    return dt.date.fromisoformat(args.today)


def frozen_today(day, at: str = "10:00"):
    """``clock.frozen`` at ``at`` (Shanghai) on ``day``: the in-process part of a benchmark."""
    import datetime as dt

    from zhengwu.core import clock

    moment = dt.datetime.combine(day, dt.time.fromisoformat(at), tzinfo=clock.LOCAL_TZ)
    return clock.frozen(moment)


def machine() -> dict:
    """The CPU model and the cores this process may use, and the memory (Linux /proc)."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    mem_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 2**20, 1)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": model, "cores": cores, "mem_gib": mem_gib}


def git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ).stdout.strip()
    return done.stdout.strip() + ("-dirty" if dirty else "")


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def cpu_times() -> list[int] | None:
    """The machine's CPU time so far from ``/proc/stat`` (user, nice, system, idle, iowait, ...),
    in clock ticks; None where there is no ``/proc``."""
    try:
        with open("/proc/stat") as stat:
            return [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return None


def cpu_during(before: list[int] | None, after: list[int] | None) -> dict | None:
    """How the machine's CPU time went while the run lasted, in per cent of all of it:
    ``normal`` (processes at the default priority: the benchmark, its server and database, and
    anything else at nice 0), ``niced`` (processes at a lower priority, which yield the CPU to the
    others) and ``idle`` (idle and waiting for I/O). A load average counts niced processes that
    are ready to run as fully as the others; this says what share they actually took."""
    if not before or not after:
        return None
    delta = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(delta[:8]) or 1
    user, nice, system, idle, iowait, irq, softirq, steal = (delta + [0] * 8)[:8]

    def share(ticks: int) -> float:
        return round(100 * ticks / total, 1)

    return {
        "normal": share(user + system + irq + softirq),
        "niced": share(nice),
        "idle": share(idle + iowait),
        "steal": share(steal),
    }


def database_size(url: str) -> int | None:
    """Bytes of the database of ``url`` (None when it is gone or not PostgreSQL)."""
    if not url.startswith("postgres"):
        return None
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    except Exception:
        return None


class Record:
    """One benchmark's JSON line: ``Record(name, args)`` when the run starts (the load before),
    ``emit(figures)`` at the end (the load after). Every line carries ``machine``, ``commit``,
    ``load_before``/``load_after`` (1, 5, 15 minutes), ``cpu_during`` (the machine's CPU time
    of the run by priority), ``today``, the size flag and, when the script says which database
    it filled, ``data_bytes``."""

    REQUIRED = ("bench", "machine", "commit", "load_before", "load_after", "today", "size")

    def __init__(self, name: str, args) -> None:
        self.name = name
        self.args = args
        self.load_before = load_average()
        self.cpu_before = cpu_times()
        self.data_bytes: int | None = None
        self.plans: dict[str, object] = {}

    def measure_data(self, url: str) -> None:
        """Record the size of the filled database (call it before the database is dropped)."""
        self.data_bytes = database_size(url)

    def emit(self, figures: dict) -> dict:
        args = self.args
        line = {"bench": self.name, **{k: v for k, v in figures.items() if k != "bench"}}
        line.update(
            {
                "size": "smoke"
                if getattr(args, "smoke", False)
                else "small"
                if getattr(args, "small", False)
                else "full",
                "today": getattr(args, "today", None),
                "machine": machine(),
                "commit": git_commit(),
                "load_before": self.load_before,
                "load_after": load_average(),
                "cpu_during": cpu_during(self.cpu_before, cpu_times()),
            }
        )
        if self.data_bytes is not None:
            line["data_bytes"] = self.data_bytes
        if self.plans:
            line["plans"] = self.plans
        print(json.dumps(line, ensure_ascii=False), flush=True)
        return line


# ---------------------------------------------------------------- query plans


def explain(cursor, sql: str, params=None, *, analyze: bool = True) -> dict:
    """PostgreSQL's plan of ``sql`` as JSON (the top plan node with ``Plans`` below it); with
    ``analyze`` the statement runs (use it for reads only)."""
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    cursor.execute(f"EXPLAIN ({options}) {sql}", params)
    value = cursor.fetchone()[0]
    if isinstance(value, str):
        value = json.loads(value)
    return value[0]["Plan"]


def plan_nodes(plan: dict):
    """Every node of a plan, depth first."""
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def plan_summary(plan: dict) -> list[str]:
    """The plan's nodes in one short line each (node type, relation or index), indented by
    depth: what the JSON line shows."""
    lines: list[str] = []

    def walk(node: dict, depth: int) -> None:
        what = node["Node Type"]
        if node.get("Index Name"):
            what += f" using {node['Index Name']}"
        if node.get("Relation Name"):
            what += f" on {node['Relation Name']}"
        if "Heap Fetches" in node:
            what += f" (heap fetches {node['Heap Fetches']})"
        lines.append("  " * depth + what)
        for child in node.get("Plans", ()):
            walk(child, depth + 1)

    walk(plan, 0)
    return lines


def sequential_scans(plan: dict) -> list[str]:
    """The tables a plan reads by a (parallel) sequential scan."""
    return [n["Relation Name"] for n in plan_nodes(plan) if n["Node Type"] == "Seq Scan"]


def heap_reads(plan: dict, table: str) -> list[str]:
    """The nodes of a plan that read ``table``'s heap (anything but an index-only scan)."""
    return [
        n["Node Type"]
        for n in plan_nodes(plan)
        if n.get("Relation Name") == table and n["Node Type"] != "Index Only Scan"
    ]


def full_count(plan: dict, table: str) -> bool:
    """True if the plan aggregates over a sequential scan of ``table``, or over one of its
    indexes read whole (no index condition), with no Limit above the scan: the whole table
    counted. (A count through an index with a bound, or a Limit under the aggregate, is not a
    full count.)"""

    def walk(node: dict, under_aggregate: bool, limited: bool) -> bool:
        kind = node["Node Type"]
        if kind == "Limit":
            limited = True
        if kind == "Aggregate":
            under_aggregate = True
        whole = kind == "Seq Scan" or (
            kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node
        )
        if whole and node.get("Relation Name") == table and under_aggregate and not limited:
            return True
        return any(walk(c, under_aggregate, limited) for c in node.get("Plans", ()))

    return walk(plan, False, False)


def plans_of(call, table: str, *, analyze: bool = True) -> list[dict]:
    """Run ``call()`` in-process, capture its SQL and explain each statement that reads
    ``table``: ``[{"sql": first 200 characters, "plan": [summary lines], "seq_scan": bool,
    "heap": [nodes reading the table's heap]}]``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    found = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if f'"{table}"' not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = explain(cursor, sql, analyze=analyze)
            found.append(
                {
                    "sql": sql[:200],
                    "plan": plan_summary(plan),
                    "seq_scan": table in sequential_scans(plan),
                    "heap": heap_reads(plan, table),
                }
            )
    return found


# ---------------------------------------------------------------- open-loop load


async def _drive_open(
    port: int,
    make: Callable[[int], bytes],
    rate: float,
    seconds: float,
    expect: int,
    poisson: bool,
    seed: int,
) -> LoadResult:
    import random

    rng = random.Random(seed)
    result = LoadResult()
    idle: list[Connection] = []
    clock = time.perf_counter
    started = clock()
    tasks = []

    async def one(n: int, scheduled: float) -> None:
        conn = idle.pop() if idle else Connection(port)
        try:
            status, _headers, body = await conn.send(make(n))
        except (OSError, asyncio.IncompleteReadError) as error:
            conn.close()
            result.errors += 1
            if len(result.samples) < 10:
                result.samples.append(f"{type(error).__name__}: {error}")
            return
        # as the applicant sees it: from the moment the request was due to be sent, so the
        # time it waited for a connection or a worker counts
        result.latencies.append(clock() - scheduled)
        idle.append(conn)
        if status != expect:
            result.errors += 1
            if len(result.samples) < 10:
                result.samples.append(f"{status}: {body[:300].decode(errors='replace')}")

    at, n = started, 0
    while at < started + seconds:
        delay = at - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n, at)))
        n += 1
        at += rng.expovariate(rate) if poisson else 1.0 / rate
    await asyncio.gather(*tasks)
    result.seconds = clock() - started
    for conn in idle:
        conn.close()
    return result


def drive_open(
    port: int,
    make: Callable[[int], bytes],
    *,
    rate: float,
    seconds: float,
    expect: int = 201,
    poisson: bool = True,
    seed: int = 7,
) -> LoadResult:
    """An open loop: requests arrive at ``rate`` a second for ``seconds`` (Poisson arrivals, or
    evenly spaced), whether or not the earlier ones are answered; each goes out on an idle
    keep-alive connection or a new one. Latency is counted from each request's scheduled
    arrival, so queueing (in the client, the listen backlog or the workers) is part of it."""
    return asyncio.run(_drive_open(port, make, rate, seconds, expect, poisson, seed))

"""What the server benchmarks share: a scratch PostgreSQL database, ``manage.py`` runs, a gunicorn
server, and a light asyncio load generator speaking raw HTTP/1.1 over keep-alive connections.

The load generator shares the machine with the server, so it does as little as it can per request:
it writes prebuilt bytes and reads the answer by its Content-Length (chunked bodies are read too).
"""

from __future__ import annotations

import asyncio
import contextlib
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
                "zhengwu.wsgi",
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
            env=self.env,
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
    block runs."""

    def __init__(self, app_pids: list[int], db_pids: list[int]):
        self.app_pids, self.db_pids = app_pids, db_pids
        self.app = self.db = self.client = 0.0

    def __enter__(self) -> CpuMeter:
        self._start = (cpu_seconds(self.app_pids), cpu_seconds(self.db_pids), time.process_time())
        return self

    def __exit__(self, *exc) -> None:
        app, db, client = self._start
        self.app = _spent(app, cpu_seconds(self.app_pids))
        self.db = _spent(db, cpu_seconds(self.db_pids))
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

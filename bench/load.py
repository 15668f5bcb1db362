"""Mixed load against the production server: gunicorn (deploy/gunicorn.conf.py) on loopback with
PostgreSQL and the demo's proposals, many concurrent clients, bounded in time and count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kenes_load \\
        python -m bench.load [--proposals 100000] [--clients 50] [--duration 60] [--max-requests 100000]
                             [--workers N] [--threads 1] [--client-processes 2] [--think-ms 0]
                             [--server-times] [--reuse] [--prepare-only]

- The database name must contain "load" or "bench" (it is created when missing). The demo is
  loaded with `kenes load_demo --reset --proposals N` unless --reuse finds that many already.
- The server runs with rate limits off (every client comes from 127.0.0.1) and a shared cache.
- The clients are threads spread over --client-processes processes (default: one per core), so
  that the load generator's own GIL queueing is not counted as server latency.
- Each client thread loops over a weighted mix until --duration seconds or --max-requests in all:
  list, search (kk and ru), article, proposal detail and receipt pages, API list and search,
  submissions through the API (each client has its own token) and supports through the web form
  (each client is logged in with its own account). `/health/` is requested in the same mix as
  the in-run baseline.
- The gated figure is the closed loop (no pause between a client's requests). --think-ms N runs a
  second, differently labelled scenario ("think_ms" in the output): each client pauses N ms
  (uniformly 0.5 N to 1.5 N) between requests, like a person reading.
- Afterwards: every submission that got a receipt must be in the database with that receipt code,
  and `kenes verify-log` must pass. No task worker runs: the analyses the submissions queue stay
  queued, and the next run starts with the queue emptied.
- Where the CPU went in the measured window: the server (gunicorn master and workers, recycled
  workers included), the PostgreSQL backends of the load database, the client processes, and the
  whole machine (other users of a shared machine show up as "other"), and the CPU time of a fixed
  workload just before and after the run (host_probe_ms: the machine's own speed, which varies). With --server-times, the
  time inside the server per kind, from gunicorn's access log (%(D)s, the same clock as %(M)s in
  microseconds), next to the client-side figures; off by default, as in production (the access
  log costs the server about 4% of its CPU; the proxy in front logs requests).

Prints one JSON object on stdout (rps, p50/p95/p99 per kind, errors, checks); progress on stderr.
Traffic goes to 127.0.0.1 only; the server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.pages import free_port, log, percentile

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "bench-load-pw-7731"  # noqa: S105  (throwaway accounts in a throwaway database)
TARGET_P95_MS = 150.0
GATED = ("list", "search_kk", "search_ru", "article")

MIX = [  # kind, weight
    ("list", 18),
    ("search_kk", 9),
    ("search_ru", 9),
    ("article", 16),
    ("detail", 10),
    ("receipt", 5),
    ("api_list", 8),
    ("api_search", 5),
    ("submit", 8),
    ("support", 7),
    ("baseline_health", 5),
]


def prepare_database(url: str) -> None:
    name = url.rsplit("/", 1)[-1].split("?")[0]
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (postgres://…/kenes_load)")
    if "load" not in name and "bench" not in name:
        raise SystemExit(f"refusing to load benchmark data into {name!r}: its name must contain 'load' or 'bench'")
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("the load benchmark runs against a local PostgreSQL only")
    import psycopg

    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def kenes(*args: str, env: dict[str, str]) -> None:
    # Their output is progress: stderr, so that stdout carries only the JSON figures.
    subprocess.run([sys.executable, "-m", "kenes.cli", *args], cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    import django

    django.setup()


def load_data(proposals: int, reuse: bool, env: dict[str, str]) -> dict[str, Any]:
    kenes("migrate", "--noinput", "-v", "0", env=env)
    kenes("createcachetable", env=env)
    setup_django(env)
    from kenes.proposals.models import Proposal

    have = Proposal.objects.count()
    seconds = 0.0
    if not (reuse and have >= proposals):
        log(f"loading the demo with {proposals} proposals (had {have}) …")
        started = time.perf_counter()
        kenes(
            "load_demo",
            "--reset",
            "--proposals",
            str(proposals),
            "--skip-constitution",
            "--skip-campaign",
            "--skip-referendum",
            "-v",
            "0",
            env=env,
        )
        seconds = time.perf_counter() - started
    # No task worker runs during the benchmark: the analyses its submissions queue stay queued.
    # Each run starts with the queue empty, as the workers leave it, so that the rows earlier
    # runs left do not make /health/ (which reads the queue) slower from run to run.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    return {"proposals_before": Proposal.objects.count(), "demo_load_seconds": round(seconds, 1)}


def make_clients(count: int) -> list[dict[str, str]]:
    """One citizen account and API token per client thread."""
    from kenes.accounts.models import User
    from kenes.api.models import ApiToken

    clients = []
    for n in range(count):
        user, created = User.objects.get_or_create(username=f"bench_load_{n}", defaults={"role": "citizen"})
        if created:  # hashing 50 passwords on every run costs a minute of CPU on a shared machine
            user.set_password(PASSWORD)
            user.save()
        ApiToken.objects.filter(user=user).delete()
        clients.append({"username": user.username, "token": ApiToken.generate(user=user, name="bench-load")[1]})
    return clients


def signed_in_cookie(username: str) -> dict[str, str]:
    """A session cookie for this account, as `django.contrib.auth.login` would store it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from kenes.accounts.models import User

    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {settings.SESSION_COOKIE_NAME: str(store.session_key)}


def targets() -> dict[str, Any]:
    from kenes.demo.load import DEMO_DOCUMENT, DEMO_VERSION
    from kenes.drafts.models import Article
    from kenes.proposals.models import Proposal

    codes = list(Proposal.objects.public().order_by("?").values_list("receipt_code", flat=True)[:2000])
    articles = list(Article.objects.filter(version__document__slug=DEMO_DOCUMENT).values_list("pk", "number"))
    assert codes and articles, "the demo is not loaded"
    return {"codes": codes, "articles": articles, "base": f"/draft/{DEMO_DOCUMENT}/{DEMO_VERSION}"}


ACCESS_LOG_FORMAT = "%({x-bench-kind}i)s %(s)s %(D)s"  # kind, status, request time in microseconds


def server_config(env: dict[str, str]) -> dict[str, Any]:
    """Workers, threads and worker class as deploy/gunicorn.conf.py resolves them in `env`."""
    import runpy

    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"workers": int(conf["workers"]), "threads": int(conf["threads"]), "worker_class": conf["worker_class"]}


def start_server(port: int, env: dict[str, str], access_log: str | None) -> subprocess.Popen[bytes]:
    """gunicorn with deploy/gunicorn.conf.py; workers and threads from env (KENES_WEB_*); with an
    access log of each request's kind and time when `access_log` names a file (--server-times)."""
    server_env = {
        **env,
        "KENES_BIND": f"{HOST}:{port}",
        "KENES_ACCESS_LOG": "",
        "KENES_RATELIMIT_ENABLED": "0",
        # Connections outlive the run, so that the CPU of their PostgreSQL backends can be counted.
        "KENES_CONN_MAX_AGE": "600",
        "KENES_MANIFEST_STATIC": "0",
        "KENES_LOG_LEVEL": "ERROR",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            *(["--access-logfile", access_log, "--access-logformat", ACCESS_LOG_FORMAT] if access_log else []),
            "kenes.wsgi:application",
        ],
        cwd=ROOT,
        env=server_env,
    )
    for _ in range(150):
        try:
            if Session(port, timeout=2).request("GET", "/health/")[0] == 200:
                return server
        except (OSError, BadResponse):
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /health/ within 30 s")


# ------------------------------------------------------------------ CPU accounting (Linux /proc)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_cpu(pid: int, children: bool = False) -> float:
    """CPU seconds (user + system) of a process; with `children`, plus its waited-for children
    (a recycled gunicorn worker is counted in the master's once it has been reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[0] is the state (field 3); utime, stime, cutime, cstime are fields 14-17.
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def child_pids(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return found


def server_cpu(master: int) -> float:
    return proc_cpu(master, children=True) + sum(proc_cpu(worker) for worker in child_pids(master))


def postgres_backends() -> dict[int, str]:
    """The PostgreSQL backends serving the load database (pid -> backend type), and the server's
    own background processes (WAL writer, checkpointer …, shared with any other database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_type FROM pg_stat_activity WHERE datname = current_database()"
            " OR datname IS NULL AND backend_type NOT IN ('client backend')"
        )
        return {pid: kind for pid, kind in cursor.fetchall() if pid != connection.connection.info.backend_pid}


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


@dataclass
class CpuSnapshot:
    server: float
    postgres: dict[int, float]
    machine_busy: float
    machine_total: float

    @classmethod
    def take(cls, master: int, backends: dict[int, str]) -> CpuSnapshot:
        busy, total = machine_cpu()
        return cls(server_cpu(master), {pid: proc_cpu(pid) for pid in backends}, busy, total)


def cpu_split(start: CpuSnapshot, end: CpuSnapshot, client_seconds: float, requests: int) -> dict[str, Any]:
    """CPU seconds in the measured window, by consumer, and per request in milliseconds."""
    postgres = sum(max(0.0, seconds - start.postgres.get(pid, 0.0)) for pid, seconds in end.postgres.items())
    server = end.server - start.server
    busy = end.machine_busy - start.machine_busy
    wall = end.machine_total - start.machine_total
    other = max(0.0, busy - server - postgres - client_seconds)
    split = {"server": server, "postgres": postgres, "client": client_seconds, "other": other}
    return {
        "seconds": {name: round(value, 1) for name, value in split.items()},
        "ms_per_request": {
            name: round(value * 1000 / requests, 2) if requests else None for name, value in split.items()
        },
        "machine_busy_fraction": round(busy / wall, 2) if wall else None,
        "cores": os.cpu_count(),
    }


def server_times(access_log: str) -> dict[str, list[float]]:
    """Server-side request time (seconds) per kind from gunicorn's access log; requests without
    the bench's kind header (warm-up, logins) are left out."""
    times: dict[str, list[float]] = {}
    with open(access_log, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) != 3 or parts[0] == "-":
                continue
            times.setdefault(parts[0], []).append(int(parts[2]) / 1_000_000)
    return times


# ------------------------------------------------------------------ clients


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            if ok:
                self.times.setdefault(kind, []).append(seconds)
            else:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind}: {detail}")

    def as_dict(self) -> dict[str, Any]:
        return {"times": self.times, "errors": self.errors, "samples": self.samples, "receipts": self.receipts}

    def merge(self, other: dict[str, Any]) -> None:
        for kind, times in other["times"].items():
            self.times.setdefault(kind, []).extend(times)
        for kind, count in other["errors"].items():
            self.errors[kind] = self.errors.get(kind, 0) + count
        self.samples.extend(other["samples"][: max(0, 10 - len(self.samples))])
        self.receipts.extend(other["receipts"])


STATUS_LINE = re.compile(r"HTTP/1\.[0-9] ([0-9]{3})(?: .*)?")
CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]+")


class BadResponse(ValueError):
    """A response that is not well-formed HTTP/1.1 (status line, headers or a truncated body)."""


def parse_response(raw: bytes, method: str = "GET") -> tuple[int, dict[str, str], list[str], bytes]:
    """Status, headers (the first value of a repeated one), every Set-Cookie value and body of a
    whole response, read until the server closed the connection."""
    head, separator, rest = raw.partition(b"\r\n\r\n")
    if not separator:
        raise BadResponse(f"no end of headers in {len(raw)} bytes" if raw else "empty response")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    match = STATUS_LINE.fullmatch(status_line)
    if match is None:
        raise BadResponse(f"bad status line {status_line[:80]!r}")
    status = int(match.group(1))
    headers: dict[str, str] = {}
    cookies: list[str] = []
    length: str | None = None
    chunked: str | None = None
    for line in header_lines:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise BadResponse(f"bad header line {line[:80]!r}")
        value = value.strip()
        lower = name.lower()
        if lower == "set-cookie":
            cookies.append(value)
        elif lower == "content-length":
            length = value
        elif lower == "transfer-encoding":
            chunked = value
        headers.setdefault(name, value)
    if method == "HEAD" or status < 200 or status in (204, 304):
        return status, headers, cookies, b""
    if chunked is not None and "chunked" in chunked.lower():
        return status, headers, cookies, dechunk(rest)
    if length is not None:
        if not (length.isascii() and length.isdigit()):
            raise BadResponse(f"bad Content-Length {length[:40]!r}")
        if len(rest) < int(length):
            raise BadResponse(f"truncated body: {len(rest)} of {length} bytes")
        return status, headers, cookies, rest[: int(length)]
    return status, headers, cookies, rest  # delimited by the end of the connection


def dechunk(raw: bytes) -> bytes:
    """The body of a chunked transfer-encoding (chunk extensions and trailers ignored)."""
    parts: list[bytes] = []
    position = 0
    while True:
        end = raw.find(b"\r\n", position)
        size_text = raw[position:end].split(b";", 1)[0].strip() if end >= 0 else b""
        if not CHUNK_SIZE.fullmatch(size_text):
            raise BadResponse(f"bad or missing chunk size at byte {position}")
        size = int(size_text, 16)
        if size == 0:
            return b"".join(parts)
        start = end + 2
        if raw[start + size : start + size + 2] != b"\r\n":
            raise BadResponse(f"truncated chunk of {size} bytes at byte {start}")
        parts.append(raw[start : start + size])
        position = start + size + 2


class Session:
    """An HTTP/1.1 client with cookies, like one browser tab. One connection per request, closed by
    the server after its response (gunicorn's sync workers answer every request with
    `Connection: close`). On a plain socket rather than http.client, whose header parsing
    (email.parser) and buffered reads were a third or more of the load generator's CPU per
    request: CPU taken from the server under test on the same machine."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = dict(cookies or {})

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        """Send one request and read its response to the end. Raises OSError (connection, timeout)
        or BadResponse."""
        # The same request headers as http.client sends, and `Connection: close`.
        lines = [
            f"{method} {urllib.parse.quote(path, safe='/?=&+%')} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            "Accept-Encoding: identity",
            "Connection: close",
        ]
        if body is not None or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body or b'')}")
        lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        message = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        # A plain socket, not socket.create_connection: HOST is an address, nothing to resolve.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(self.timeout)
            sock.connect((HOST, self.port))
            sock.sendall(message)
            chunks: list[bytes] = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        status, response_headers, cookies, data = parse_response(b"".join(chunks), method)
        for value in cookies:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, data, response_headers

    def login(self, username: str) -> None:
        status, html, _headers = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or match is None:
            raise RuntimeError(f"login page: {status}")
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1).decode()}
        ).encode()
        status, _html, _headers = self.request(
            "POST", "/accounts/login/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"login failed: {status}")


SEARCH_KK = ["мерзімін", "тіл", "жер", "сайлау", "құқық"]
SEARCH_RU = ["персональных данных", "язык", "земля", "выборы", "права"]


def client_loop(
    n: int,
    session: Session,
    client: dict[str, str],
    data: dict[str, Any],
    results: Results,
    deadline: float,
    budget: list[int],
    think_ms: float = 0.0,
) -> None:
    rng = random.Random(n)
    kinds = [kind for kind, _w in MIX]
    weights = [w for _k, w in MIX]
    api_headers = {"Authorization": f"Bearer {client['token']}", "Content-Type": "application/json"}
    sent = 0
    while time.monotonic() < deadline:
        with results.lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        if think_ms > 0:
            time.sleep(rng.uniform(0.5, 1.5) * think_ms / 1000)
            if time.monotonic() >= deadline:
                return
        kind = rng.choices(kinds, weights)[0]
        code = rng.choice(data["codes"])
        article_id, number = rng.choice(data["articles"])
        expect: tuple[int, ...]
        method, body, headers, expect = "GET", None, {}, (200,)
        if kind == "list":
            path = rng.choice(["/proposals/", f"/proposals/?page={rng.randint(2, 20)}", "/ru/proposals/?region=almaty"])
        elif kind == "search_kk":
            path = "/proposals/?q=" + rng.choice(SEARCH_KK)
        elif kind == "search_ru":
            path = "/ru/proposals/?q=" + rng.choice(SEARCH_RU)
        elif kind == "article":
            path = f"{data['base']}/{number}/"
        elif kind == "detail":
            path = f"/proposals/{code}/"
        elif kind == "receipt":
            path = f"/receipts/{code}/"
        elif kind == "api_list":
            path = f"/api/v1/proposals?limit=50&article={article_id}"
        elif kind == "api_search":
            path = "/api/v1/proposals?limit=20&q=" + rng.choice(SEARCH_RU + SEARCH_KK)
        elif kind == "submit":
            sent += 1
            method, path, headers, expect = "POST", "/api/v1/proposals", dict(api_headers), (200, 201)
            body = json.dumps(
                {
                    "text": f"Жүктеме сынағы: {n}-клиенттің {sent}-ұсынысы. {number}-бапты нақтылауды ұсынамын.",
                    "kind": "amend",
                    "article": article_id,
                    "region": "atyrau",
                    "client_id": f"load-{n}-{sent}",
                }
            ).encode()
        elif kind == "support":
            method, path, expect = "POST", f"/proposals/{code}/support/", (200, 302)
            headers = {
                "X-CSRFToken": session.cookies.get("csrftoken", ""),
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            body = b""
        else:
            path = "/health/"
        headers["X-Bench-Kind"] = kind  # for the server-side times in the access log
        started = time.perf_counter()
        try:
            status, payload, _h = session.request(method, path, body, headers)
        except (OSError, BadResponse) as error:
            results.record(kind, time.perf_counter() - started, False, f"{path}: {error.__class__.__name__}: {error}")
            continue
        elapsed = time.perf_counter() - started
        # A support of one's own or an already supported proposal is a 400 with a message: a clear answer.
        ok = status in expect or (kind == "support" and status == 400)
        results.record(kind, elapsed, ok, f"{path}: HTTP {status}")
        if kind == "submit" and ok:
            receipt = json.loads(payload).get("receipt_code")
            with results.lock:
                results.receipts.append(receipt)


def client_process(
    port: int,
    clients: list[tuple[int, dict[str, str], dict[str, str]]],
    data: dict[str, Any],
    budget: int,
    think_ms: float,
    duration: float,
    ready: Any,
    start: Any,
    out: Any,
) -> None:
    """One load-generator process: a thread per client (number, account, cookies); waits for the
    common start, runs until the deadline and sends back its results and CPU seconds."""
    sessions = [Session(port, cookies) for _n, _client, cookies in clients]
    results = Results()
    shared_budget = [budget]
    ready.wait()  # every process is up
    start.wait()
    cpu_started = time.process_time()
    deadline = time.monotonic() + duration
    threads = [
        threading.Thread(
            target=client_loop,
            args=(n, sessions[i], client, data, results, deadline, shared_budget, think_ms),
            daemon=True,
        )
        for i, (n, client, _cookies) in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 120)
    out.send({**results.as_dict(), "cpu_seconds": time.process_time() - cpu_started})
    out.close()


def run_clients(
    port: int,
    clients: list[dict[str, str]],
    cookies: list[dict[str, str]],
    data: dict[str, Any],
    processes: int,
    max_requests: int,
    think_ms: float,
    duration: float,
    on_start: Any,
) -> tuple[Results, float, float]:
    """Spread the clients over `processes` forked processes; returns the merged results, the
    wall time of the load and the client processes' CPU seconds."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    processes = max(1, min(processes, len(clients)))
    ready = context.Barrier(processes + 1)
    start = context.Barrier(processes + 1)
    pipes = []
    workers = []
    for index in range(processes):
        mine = [(n, clients[n], cookies[n]) for n in range(index, len(clients), processes)]
        share = max_requests // processes + (1 if index < max_requests % processes else 0)
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(
            target=client_process,
            args=(port, mine, data, share, think_ms, duration, ready, start, sender),
            daemon=True,
        )
        worker.start()
        sender.close()
        pipes.append(receiver)
        workers.append(worker)
    ready.wait(timeout=60)
    on_start()
    started = time.perf_counter()
    start.wait(timeout=60)
    results = Results()
    cpu = 0.0
    for receiver in pipes:
        if receiver.poll(duration + 180):
            part = receiver.recv()
            cpu += part.pop("cpu_seconds")
            results.merge(part)
        else:
            results.errors["client_process"] = results.errors.get("client_process", 0) + 1
    wall = time.perf_counter() - started
    for worker in workers:
        worker.join(timeout=10)
    return results, wall, cpu


def warm_up(port: int, data: dict[str, Any], workers: int) -> None:
    """A few requests of every page kind first (not measured): caches, query plans, connections."""
    session = Session(port)
    code = data["codes"][0]
    _article_id, number = data["articles"][0]
    paths = [
        "/proposals/",
        "/proposals/?q=тіл",
        "/ru/proposals/?q=язык",
        f"{data['base']}/{number}/",
        f"/proposals/{code}/",
        f"/receipts/{code}/",
        "/api/v1/proposals?limit=50",
        "/health/",
    ]
    for _round in range(workers * 2):
        for path in paths:
            session.request("GET", path)


def summarise(times: list[float]) -> dict[str, Any]:
    return {
        "count": len(times),
        "p50_ms": round(percentile(times, 0.50) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
    }


def host_probe_ms() -> float:
    """The median time of a fixed single-threaded Python workload (JSON and arithmetic, ~30 ms):
    the machine's own speed at the moment, to tell a slower host from slower code when runs of
    the same code differ (on a shared virtual machine they do, by a third and more)."""
    payload = [{"n": n, "text": f"ұсыныс {n}", "tags": list(range(n % 7))} for n in range(2000)]
    times = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(5):
            json.loads(json.dumps(payload))
            sum(n * n % 7 for n in range(20_000))
        times.append(time.process_time() - started)
    return round(sorted(times)[2] * 1000, 1)


def check_receipts(receipts: list[str]) -> dict[str, Any]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from kenes.proposals.models import Proposal

    stored: set[str] = set()
    for start in range(0, len(receipts), 1000):
        chunk = receipts[start : start + 1000]
        stored.update(Proposal.objects.filter(receipt_code__in=chunk).values_list("receipt_code", flat=True))
    missing = [code for code in receipts if code not in stored]
    started = time.perf_counter()
    try:
        with open(os.devnull, "w") as devnull:
            call_command("verify-log", stdout=devnull)
        verified = True
    except CommandError:
        verified = False
    return {
        "receipts_acknowledged": len(receipts),
        "receipts_missing_in_db": len(missing),
        "verify_log": "OK" if verified else "FAILED",
        "verify_log_seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most 600)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop after this many requests in all")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument(
        "--client-processes", type=int, default=os.cpu_count() or 2, help="processes the client threads are spread over"
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="a second scenario: pause about this long between a client's requests",
    )
    parser.add_argument(
        "--server-times",
        action="store_true",
        help="gunicorn's access log on, for the time inside the server per kind (costs the server ~4%% CPU)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data when it has enough proposals")
    parser.add_argument("--prepare-only", action="store_true", help="load the data, then stop")
    args = parser.parse_args(argv)
    if args.client_processes < 1 or args.clients < 1 or args.think_ms < 0:
        parser.error("--clients and --client-processes must be at least 1, --think-ms not negative")
    duration = min(max(args.duration, 1.0), 600.0)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kenes_load")
    prepare_database(url)
    env = {**os.environ, "DATABASE_URL": url, "KENES_CACHE": "database", "KENES_DEBUG": "0"}
    loaded = load_data(args.proposals, args.reuse, env)
    if args.prepare_only:
        print(json.dumps({"benchmark": "load", "prepared": True, **loaded}))
        return 0
    clients = make_clients(args.clients)
    data = targets()
    port = free_port()
    workers = args.workers or int(os.environ.get("KENES_WEB_WORKERS") or 0) or None
    threads = args.threads or int(os.environ.get("KENES_WEB_THREADS") or 0) or None
    server_env = dict(env)
    if workers:
        server_env["KENES_WEB_WORKERS"] = str(workers)
    if threads:
        server_env["KENES_WEB_THREADS"] = str(threads)
    access_log = None
    if args.server_times:
        access_log = tempfile.NamedTemporaryFile(prefix="kenes-load-access-", suffix=".log", delete=False).name
    config = server_config(server_env)
    server = start_server(port, server_env, access_log)
    log(f"gunicorn: {config} on {HOST}:{port}; {args.clients} clients in {args.client_processes} processes")
    snapshots: list[CpuSnapshot] = []
    try:
        warm_up(port, data, config["workers"])
        log(f"signing {args.clients} clients in (not measured) …")
        cookies = []
        for n, client in enumerate(clients):
            session = Session(port) if n == 0 else Session(port, signed_in_cookie(client["username"]))
            if n == 0:
                session.login(client["username"])  # the login form works; the others skip its password hash
            else:
                session.request("GET", "/proposals/")  # the CSRF cookie, as a browser gets it from any page
            cookies.append(dict(session.cookies))
        backends = postgres_backends()
        from django.db import connections

        connections.close_all()  # nothing shared with the forked client processes

        def on_start() -> None:
            if access_log:
                open(access_log, "w").close()  # from here on, only measured requests (gunicorn appends)
            snapshots.append(CpuSnapshot.take(server.pid, backends))

        probe_before = host_probe_ms()  # the server idles: the machine's own speed
        results, wall, client_cpu = run_clients(
            port, clients, cookies, data, args.client_processes, args.max_requests, args.think_ms, duration, on_start
        )
        backends.update(postgres_backends())  # backends opened during the run (recycled workers)
        snapshots.append(CpuSnapshot.take(server.pid, backends))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    probe_after = host_probe_ms()
    log("checking receipts and the log …")
    checks = check_receipts(results.receipts)
    total = sum(len(t) for t in results.times.values())
    kinds = {kind: summarise(t) for kind, t in sorted(results.times.items())}
    baseline = kinds.get("baseline_health", {}).get("p95_ms") or 0.0
    on_server: dict[str, list[float]] = {}
    if access_log:
        on_server = server_times(access_log)
        os.unlink(access_log)
    for kind, figures in kinds.items():
        figures["p95_vs_health"] = round(figures["p95_ms"] / baseline, 2) if baseline else None
        if on_server.get(kind):
            figures["server_p50_ms"] = round(percentile(on_server[kind], 0.50) * 1000, 1)
            figures["server_p95_ms"] = round(percentile(on_server[kind], 0.95) * 1000, 1)
    gated = {kind: kinds[kind]["p95_ms"] for kind in GATED if kind in kinds}
    scenario = "closed loop (no think time)" if not args.think_ms else f"think time ~{args.think_ms:g} ms (not gated)"
    report = {
        "benchmark": "load",
        "scenario": scenario,
        "think_ms": args.think_ms,
        "database": "postgresql",
        **loaded,
        "server": f"gunicorn (deploy/gunicorn.conf.py), {config['workers']} {config['worker_class']} workers"
        f" x {config['threads']} threads",
        "clients": args.clients,
        "client_processes": args.client_processes,
        "duration_seconds": round(wall, 1),
        "requests": total,
        "errors": sum(results.errors.values()),
        "errors_by_kind": results.errors,
        "first_errors": results.samples,
        "requests_per_second": round(total / wall, 1) if wall else 0.0,
        "client_cpu_seconds": round(client_cpu, 1),
        "cpu": cpu_split(snapshots[0], snapshots[1], client_cpu, total) if len(snapshots) == 2 else None,
        "load_average": [round(v, 2) for v in os.getloadavg()],
        # A fixed workload's CPU time before and after the run: compare runs by it (host_probe_ms).
        "host_probe_ms": [probe_before, probe_after],
        "kinds": kinds,
        "target_p95_ms": TARGET_P95_MS,
        "target_met": (bool(gated) and all(v < TARGET_P95_MS for v in gated.values())) if not args.think_ms else None,
        **checks,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = checks["receipts_missing_in_db"] == 0 and checks["verify_log"] == "OK"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Mixed load against the production server: gunicorn (deploy/gunicorn.conf.py) on loopback with
PostgreSQL and the demo's proposals, many concurrent clients, bounded in time and count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kenes_load \\
        python -m bench.load [--proposals 100000] [--clients 50] [--duration 60] [--max-requests 100000]
                             [--workers 5] [--threads 1] [--reuse] [--prepare-only]

- The database name must contain "load" or "bench" (it is created when missing). The demo is
  loaded with `kenes load_demo --reset --proposals N` unless --reuse finds that many already.
- The server runs with rate limits off (every client comes from 127.0.0.1) and a shared cache.
- Each client thread loops over a weighted mix until --duration seconds or --max-requests in all:
  list, search (kk and ru), article, proposal detail and receipt pages, API list and search,
  submissions through the API (each client has its own token) and supports through the web form
  (each client is logged in with its own account). `/health/` is requested in the same mix as
  the in-run baseline.
- Afterwards: every submission that got a receipt must be in the database with that receipt code,
  and `kenes verify-log` must pass.

Prints one JSON object on stdout (rps, p50/p95/p99 per kind, errors, checks); progress on stderr.
Traffic goes to 127.0.0.1 only; the server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
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
    return {"proposals_before": Proposal.objects.count(), "demo_load_seconds": round(seconds, 1)}


def make_clients(count: int) -> list[dict[str, str]]:
    """One citizen account and API token per client thread."""
    from kenes.accounts.models import User
    from kenes.api.models import ApiToken

    clients = []
    for n in range(count):
        user, _created = User.objects.get_or_create(username=f"bench_load_{n}", defaults={"role": "citizen"})
        user.set_password(PASSWORD)
        user.save()
        ApiToken.objects.filter(user=user).delete()
        clients.append({"username": user.username, "token": ApiToken.generate(user=user, name="bench-load")[1]})
    return clients


def targets() -> dict[str, Any]:
    from kenes.demo.load import DEMO_DOCUMENT, DEMO_VERSION
    from kenes.drafts.models import Article
    from kenes.proposals.models import Proposal

    codes = list(Proposal.objects.public().order_by("?").values_list("receipt_code", flat=True)[:2000])
    articles = list(Article.objects.filter(version__document__slug=DEMO_DOCUMENT).values_list("pk", "number"))
    assert codes and articles, "the demo is not loaded"
    return {"codes": codes, "articles": articles, "base": f"/draft/{DEMO_DOCUMENT}/{DEMO_VERSION}"}


def start_server(port: int, workers: int, threads: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server_env = {
        **env,
        "KENES_BIND": f"{HOST}:{port}",
        "KENES_WEB_WORKERS": str(workers),
        "KENES_WEB_THREADS": str(threads),
        "KENES_ACCESS_LOG": "",
        "KENES_RATELIMIT_ENABLED": "0",
        "KENES_CONN_MAX_AGE": "60",
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
            "--access-logfile",
            "/dev/null",
            "kenes.wsgi:application",
        ],
        cwd=ROOT,
        env=server_env,
    )
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /health/ within 30 s")


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


class Session:
    """A keep-alive HTTP/1.1 connection with cookies, like one browser tab."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, urllib.parse.quote(path, safe="/?=&+%"), body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, dict(response.headers)

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
        kind = rng.choices(kinds, weights)[0]
        code = rng.choice(data["codes"])
        article_id, number = rng.choice(data["articles"])
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
            method, path, headers, expect = "POST", "/api/v1/proposals", api_headers, (200, 201)
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
        started = time.perf_counter()
        try:
            status, payload, _h = session.request(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            results.record(kind, time.perf_counter() - started, False, f"{path}: {error.__class__.__name__}")
            continue
        elapsed = time.perf_counter() - started
        # A support of one's own or an already supported proposal is a 400 with a message: a clear answer.
        ok = status in expect or (kind == "support" and status == 400)
        results.record(kind, elapsed, ok, f"{path}: HTTP {status}")
        if kind == "submit" and ok:
            receipt = json.loads(payload).get("receipt_code")
            with results.lock:
                results.receipts.append(receipt)


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


def summarise(times: list[float]) -> dict[str, float]:
    return {
        "count": len(times),
        "p50_ms": round(percentile(times, 0.50) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
    }


def check_receipts(receipts: list[str]) -> dict[str, Any]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from kenes.proposals.models import Proposal

    stored = set()
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
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the data when it has enough proposals")
    parser.add_argument("--prepare-only", action="store_true", help="load the data, then stop")
    args = parser.parse_args(argv)
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
    log(f"gunicorn: {args.workers} workers x {args.threads} threads on {HOST}:{port}")
    server = start_server(port, args.workers, args.threads, env)
    results = Results()
    try:
        warm_up(port, data, args.workers)
        log(f"logging {args.clients} clients in (not measured) …")
        sessions = []
        for client in clients:
            session = Session(port)
            session.login(client["username"])
            sessions.append(session)
        budget = [args.max_requests]
        started = time.perf_counter()
        deadline = time.monotonic() + duration
        threads = [
            threading.Thread(
                target=client_loop, args=(n, sessions[n], clients[n], data, results, deadline, budget), daemon=True
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration + 120)
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    log("checking receipts and the log …")
    checks = check_receipts(results.receipts)
    total = sum(len(t) for t in results.times.values())
    kinds = {kind: summarise(t) for kind, t in sorted(results.times.items())}
    baseline = kinds.get("baseline_health", {}).get("p95_ms") or 0.0
    for figures in kinds.values():
        figures["p95_vs_health"] = round(figures["p95_ms"] / baseline, 2) if baseline else None
    gated = {kind: kinds[kind]["p95_ms"] for kind in GATED if kind in kinds}
    report = {
        "benchmark": "load",
        "database": "postgresql",
        **loaded,
        "server": f"gunicorn (deploy/gunicorn.conf.py), {args.workers} workers x {args.threads} threads",
        "clients": args.clients,
        "duration_seconds": round(wall, 1),
        "requests": total,
        "errors": sum(results.errors.values()),
        "errors_by_kind": results.errors,
        "first_errors": results.samples,
        "requests_per_second": round(total / wall, 1) if wall else 0.0,
        "kinds": kinds,
        "target_p95_ms": TARGET_P95_MS,
        "target_met": bool(gated) and all(v < TARGET_P95_MS for v in gated.values()),
        **checks,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = checks["receipts_missing_in_db"] == 0 and checks["verify_log"] == "OK"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

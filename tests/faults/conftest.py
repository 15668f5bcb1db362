"""Fault tests run real processes (the `kenes` command, gunicorn, a throwaway PostgreSQL) against
a database of their own in a temporary folder, never the test database or a shared server.
They are bounded in time and marked `nodb` (they run once, in the SQLite pass of `make test`)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.nodb)


@dataclass
class Site:
    folder: Path
    env: dict[str, str]

    def kenes(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kenes.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def popen(self, *args: str, **extra: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "kenes.cli", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **extra,
        )

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """Read the SQLite database directly (WAL: readers never block the writers)."""
        url = self.env["DATABASE_URL"]
        assert url.startswith("sqlite:///")
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as conn:
            return conn.execute(sql, params).fetchone()[0]

    def verify_log(self) -> str:
        result = self.kenes("verify-log", check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def make_site(folder: Path, database_url: str | None = None) -> Site:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENES_") and k != "DATABASE_URL"}
    env.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{folder / 'kenes.sqlite3'}",
            "KENES_DEBUG": "0",
            "KENES_MANIFEST_STATIC": "0",
            "KENES_RATELIMIT_ENABLED": "0",
            "KENES_LOG_LEVEL": "ERROR",
            "KENES_MEDIA_ROOT": str(folder / "media"),
            "PYTHONWARNINGS": "ignore",
        }
    )
    site = Site(folder, env)
    site.kenes("migrate", "--noinput", "-v", "0")
    site.kenes(
        "load_demo", "--proposals", "20", "--skip-constitution", "--skip-campaign", "--skip-referendum", "-v", "0"
    )
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make_site(tmp_path_factory.mktemp("faults"))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


# ---------------------------------------------------------------- a server under load


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn with deploy/gunicorn.conf.py on a loopback port; stopped by `stop()`, whatever happens."""

    def __init__(self, site: Site, workers: int = 2) -> None:
        self.port = free_port()
        env = {
            **site.env,
            "KENES_BIND": f"127.0.0.1:{self.port}",
            "KENES_WEB_WORKERS": str(workers),
            "KENES_ACCESS_LOG": "/dev/null",
            "KENES_WEB_TIMEOUT": "60",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "kenes.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self.get("/health/")[0] == 200, 90, "gunicorn to answer /health/")

    def get(self, path: str) -> tuple[int, bytes]:
        import http.client

        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return 0, b""

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Submissions:
    receipts: list[str]
    errors: list[str]
    statuses: dict[int, int]


def submit_continuously(
    port: int,
    token: str,
    article_id: int,
    seconds: float,
    clients: int = 4,
    limit: int = 400,
    during: Callable[[], None] | None = None,
    after: float = 1.5,
    tag: str = "fault",
) -> Submissions:
    """`clients` threads submit through the API for `seconds` (at most `limit` requests in all);
    `during()` runs `after` seconds in. Every 200/201 answer is an acknowledged receipt."""
    import http.client
    import json
    import threading

    result = Submissions([], [], {})
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = [limit]

    def client(n: int) -> None:
        sent = 0
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            sent += 1
            body = json.dumps(
                {
                    "text": f"Ақау сынағы: {n}-клиенттің {sent}-ұсынысы.",
                    "kind": "comment",
                    "article": article_id,
                    "client_id": f"{tag}-{n}-{sent}",
                }
            )
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request(
                    "POST",
                    "/api/v1/proposals",
                    body=body,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    result.errors.append(error.__class__.__name__)
                time.sleep(0.05)
                continue
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status in (200, 201):
                    result.receipts.append(json.loads(payload)["receipt_code"])
                else:
                    result.errors.append(f"HTTP {status}")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    if during is not None:
        time.sleep(after)
        during()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return result


def figures(fault: str, **values: object) -> None:
    """One JSON line of what a fault test saw (`pytest tests/faults -rP` shows them)."""
    import json

    print(json.dumps({"fault": fault, **values}, ensure_ascii=False, default=str))

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

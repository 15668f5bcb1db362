"""Faults of the running service: a web worker killed (SIGKILL) in the middle of submissions, and
PostgreSQL restarted under submissions (a throwaway cluster of our own, on another port). Clients
get a success or a clear error; nothing acknowledged is lost; the service recovers by itself."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.faults.conftest import Server, Site, figures, free_port, make_site, submit_continuously, wait_for


def token_and_article(site: Site) -> tuple[str, int]:
    token = site.kenes("create-api-token", "citizen", "--name", "faults").stdout.strip().split()[-1]
    article = (
        site.kenes(
            "shell",
            "-c",
            "from kenes.drafts.models import Version; "
            "print(Version.objects.under_consultation().first().articles.order_by('number').first().pk)",
        )
        .stdout.strip()
        .split()[-1]
    )
    return token, int(article)


def stored_receipts_sqlite(site: Site, receipts: list[str]) -> int:
    found = 0
    for code in receipts:
        found += int(site.query("SELECT count(*) FROM proposals_proposal WHERE receipt_code = ?", (code,)))
    return found


def test_web_worker_killed_during_submissions(site: Site) -> None:
    token, article = token_and_article(site)
    server = Server(site, workers=2)
    killed: list[int] = []
    try:

        def kill_a_worker() -> None:
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        result = submit_continuously(server.port, token, article, seconds=8, during=kill_a_worker)
        wait_for(lambda: len(server.workers()) == 2 and killed[0] not in server.workers(), 60, "a new worker")
        assert server.get("/health/")[0] == 200
    finally:
        server.stop()
    assert killed, "no worker was killed"
    assert len(result.receipts) > 20, result
    assert set(result.statuses) <= {200, 201}, f"only successes or dropped connections expected: {result.statuses}"
    stored = stored_receipts_sqlite(site, result.receipts)
    figures("web worker SIGKILLed during submissions", acknowledged=len(result.receipts), statuses=result.statuses,
            connection_errors=len(result.errors), stored=stored)
    assert stored == len(result.receipts), "an acknowledged proposal was lost"
    assert "OK" in site.verify_log()


# ---------------------------------------------------------------- PostgreSQL restart


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture
def throwaway_postgres() -> Path:
    """A PostgreSQL cluster of our own under /tmp on a free port (never the shared server)."""
    binaries = pg_bin()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run a throwaway cluster")
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start a throwaway cluster")
    folder = Path(tempfile.mkdtemp(prefix="kenes-faults-pg-"))
    os.chmod(folder, 0o777)  # noqa: S103  (the postgres user writes its cluster here; removed at the end)
    data = folder / "data"
    port = free_port()
    as_postgres(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=on"
    as_postgres(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
    (folder / "port").write_text(str(port))
    try:
        yield folder
    finally:
        subprocess.run(
            (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else [])
            + [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_postgres_restarted_during_submissions(throwaway_postgres: Path, tmp_path: Path) -> None:
    import psycopg

    binaries = pg_bin()
    assert binaries is not None
    port = int((throwaway_postgres / "port").read_text())
    admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE DATABASE kenes_faults")
    url = f"postgres://postgres@127.0.0.1:{port}/kenes_faults"
    site = make_site(tmp_path, database_url=url)
    token, article = token_and_article(site)
    server = Server(site, workers=2)
    restarted: list[float] = []
    try:

        def restart_postgres() -> None:
            as_postgres(
                str(binaries / "pg_ctl"),
                "-D",
                str(throwaway_postgres / "data"),
                "-m",
                "fast",
                "-w",
                "-o",
                f"-p {port} -k {throwaway_postgres} -c listen_addresses=127.0.0.1",
                "-l",
                str(throwaway_postgres / "log"),
                "restart",
            )
            restarted.append(time.monotonic())

        result = submit_continuously(server.port, token, article, seconds=10, during=restart_postgres, after=2)
        # Recovers by itself: no restart of the web server.
        wait_for(lambda: server.get("/health/")[0] == 200, 30, "/health/ after the database restart")
        after = submit_continuously(server.port, token, article, seconds=5, clients=2, limit=10, tag="after")
    finally:
        server.stop()
    assert restarted, "PostgreSQL was not restarted"
    assert len(result.receipts) > 10, result
    assert set(result.statuses) <= {200, 201, 500, 503}, result.statuses  # success or a clear server error
    assert len(after.receipts) == 10 and not after.errors, after
    codes = result.receipts + after.receipts
    assert len(set(codes)) == len(codes)
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM proposals_proposal WHERE receipt_code = ANY(%s)", [codes]
        ).fetchone()
    figures("PostgreSQL restarted during submissions", acknowledged=len(result.receipts), statuses=result.statuses,
            errors=len(result.errors), after_restart=len(after.receipts), stored=stored[0] if stored else None)
    assert stored is not None and stored[0] == len(codes), "an acknowledged proposal was lost"
    assert "OK" in site.verify_log()

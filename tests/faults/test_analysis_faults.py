"""A task worker SIGKILLed in the middle of an analysis run (full or incremental): the pages keep
showing the previously published run (or nothing), never the killed run's half-written rows; the
dead run is recovered (marked interrupted, its rows removed, its queue entry failed) once its
heartbeat is stale, and the next run, by a new worker, publishes every proposal exactly once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import ROOT, Site, make_site, wait_for
from tests.faults.test_import_faults import write_csv

PROPOSALS = 10_000  # demo proposals: storing takes several batches of 2,000, long enough to be caught
NEW_PROPOSALS = 6_000  # imported before the incremental run
STALE_SECONDS = 2.0

# What the pages show, computed by the pages' own code in a `kenes shell` of the site.
PROBE = """
import json
from django.test import Client
from kenes.accounts.models import User
from kenes.insights import stats
from kenes.insights.models import AnalysisRun, ProposalAnalysis, ProposalGroup
from kenes.proposals.models import Proposal

run = AnalysisRun.objects.current()
client = Client()
public = client.get("/insights/public/")
rows = json.loads(b"".join(client.get("/insights/open-data/proposals.json").streaming_content))
client.force_login(User.objects.get(username="analyst"))
workspace = client.get("/insights/")
analyses = ProposalAnalysis.objects.filter(run=run) if run else ProposalAnalysis.objects.none()
print(json.dumps({
    "current": run.pk if run else None,
    "current_analysed": run.analysed if run else 0,
    "public_status": public.status_code,
    "public_themes_total": sum(bar.value for bar in stats.public_stats("kk")["themes"]),
    "open_rows": len(rows),
    "open_with_themes": sum(1 for row in rows if row["themes"]),
    "open_groups": sorted({row["group"] for row in rows if row["group"]}),
    "workspace_status": workspace.status_code,
    "workspace_run": workspace.context_data["run"].pk if workspace.context_data["run"] else None,
    "workspace_group_runs": sorted({g.run_id for g, *_ in workspace.context_data["groups"]}),
    "groups": ProposalGroup.objects.filter(run=run).count() if run else 0,
    "analyses": analyses.count(),
    "distinct": analyses.values("proposal_id").distinct().count(),
    "visible_analyses": analyses.filter(proposal__is_hidden=False).count(),
    "proposals": Proposal.objects.count(),
    "public_proposals": Proposal.objects.public().count(),
}))
"""


@pytest.fixture(scope="module")
def analysis_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = make_site(tmp_path_factory.mktemp("analysis-faults"))
    site.kenes(
        "load_demo",
        "--reset",
        "--proposals",
        str(PROPOSALS),
        "--skip-constitution",
        "--skip-campaign",
        "--skip-referendum",
        "-v",
        "0",
    )
    return site


def probe(site: Site) -> dict[str, Any]:
    result = site.kenes("shell", "-c", PROBE, timeout=120)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def run_row(site: Site, pk: int, column: str) -> Any:
    return site.query(f"SELECT {column} FROM insights_analysisrun WHERE id = ?", (pk,))  # noqa: S608


def count_of(site: Site, table: str, pk: int) -> int:
    return int(site.query(f"SELECT count(*) FROM {table} WHERE run_id = ?", (pk,)))  # noqa: S608


def written_by(site: Site, pk: int) -> dict[str, int]:
    return {
        table: count_of(site, table, pk)
        for table in ("insights_proposalanalysis", "insights_proposalgroup", "insights_analysisstate")
    }


def latest_run(site: Site) -> int:
    return int(site.query("SELECT coalesce(max(id), 0) FROM insights_analysisrun"))


def start_worker(site: Site, name: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kenes.cli",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.1",
            "--worker-id",
            name,
        ],
        cwd=ROOT,
        env={**site.env, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(worker: subprocess.Popen[str]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def queue_run(site: Site, *args: str) -> int:
    before = latest_run(site)
    result = site.kenes("insights_analyze", *args, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    pk = latest_run(site)
    assert pk > before, result.stdout
    return pk


def wait_done(site: Site, pk: int, timeout: float = 60) -> None:
    wait_for(lambda: run_row(site, pk, "status") in ("done", "failed", "interrupted"), timeout, f"run #{pk} to end")
    assert run_row(site, pk, "status") == "done", run_row(site, pk, "error")


def kill_in(worker: subprocess.Popen[str], site: Site, pk: int, phases: tuple[str, ...], min_progress: int) -> str:
    """SIGSTOP the worker as soon as the run is in one of `phases` (at `min_progress` or more), so
    that what it has written can be looked at, then SIGKILL it."""

    def caught() -> bool:
        status = run_row(site, pk, "status")
        assert status in ("queued", "running"), f"run #{pk} ended ({status}) before the worker could be killed"
        return (
            status == "running"
            and run_row(site, pk, "phase") in phases
            and run_row(site, pk, "progress") >= min_progress
        )

    wait_for(caught, 60, f"run #{pk} to reach {'/'.join(phases)}")
    worker.send_signal(signal.SIGSTOP)
    phase = str(run_row(site, pk, "phase"))
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    return phase


def heartbeat_older_than(site: Site, pk: int, seconds: float) -> bool:
    stamp = str(run_row(site, pk, "heartbeat_at"))
    beat = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    return datetime.now(UTC) - beat > timedelta(seconds=seconds)


def recover_and_rerun(site: Site, killed: int, *args: str) -> int:
    """A new worker; once the killed run's heartbeat is stale, `insights_analyze` recovers it and
    queues the next run, which the new worker completes."""
    worker = start_worker(site, "after-kill")
    try:
        refused = site.kenes("insights_analyze", *args, check=False)
        assert refused.returncode == 1, refused.stdout + refused.stderr  # refused: the dead run looks alive
        assert run_row(site, killed, "status") == "running" and latest_run(site) == killed
        wait_for(lambda: heartbeat_older_than(site, killed, STALE_SECONDS + 0.5), 30, "the heartbeat to go stale")
        site.env["KENES_ANALYSIS_STALE_SECONDS"] = str(STALE_SECONDS)
        try:
            pk = queue_run(site, *args)
        finally:
            del site.env["KENES_ANALYSIS_STALE_SECONDS"]
        assert run_row(site, killed, "status") == "interrupted"
        assert written_by(site, killed) == dict.fromkeys(written_by(site, killed), 0)
        task_status = site.query(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE replace(id, '-', '') = replace(?, '-', '')",
            (run_row(site, killed, "task_id"),),
        )
        assert task_status == "FAILED", "the dead run's queue entry still counts as running"
        wait_done(site, pk)
    finally:
        stop(worker)
    return pk


def assert_published_everything(site: Site, pk: int) -> dict[str, Any]:
    seen = probe(site)
    assert seen["current"] == pk
    assert seen["analyses"] == seen["distinct"] == seen["proposals"] == seen["current_analysed"]
    assert seen["open_rows"] == seen["public_proposals"]
    assert seen["public_themes_total"] == seen["visible_analyses"]
    assert seen["workspace_status"] == 200 and seen["workspace_run"] == pk
    assert seen["workspace_group_runs"] == [pk]
    assert int(site.query("SELECT count(*) FROM insights_analysisrun WHERE current = 1")) == 1
    return seen


def test_worker_killed_during_a_full_run(analysis_site: Site) -> None:
    site = analysis_site
    worker = start_worker(site, "first")
    try:
        pk = queue_run(site)
        phase = kill_in(worker, site, pk, ("storing",), min_progress=66)
    finally:
        stop(worker)
    partial = written_by(site, pk)
    assert phase == "storing"
    assert run_row(site, pk, "status") == "running"
    assert 0 < partial["insights_proposalanalysis"] < PROPOSALS, partial
    assert partial["insights_proposalgroup"] > 0, partial

    # Nothing was published before: the pages show no analysis at all, not the half-written one.
    seen = probe(site)
    assert seen["current"] is None
    assert seen["public_status"] == 200 and seen["public_themes_total"] == 0
    assert seen["open_rows"] == seen["public_proposals"] > 0
    assert seen["open_with_themes"] == 0 and seen["open_groups"] == []
    assert seen["workspace_status"] == 200 and seen["workspace_run"] is None
    assert seen["workspace_group_runs"] == []

    rerun = recover_and_rerun(site, pk)
    assert_published_everything(site, rerun)
    assert "OK" in site.verify_log()


def test_worker_killed_during_an_incremental_run(analysis_site: Site, tmp_path: Path) -> None:
    site = analysis_site
    published = int(site.query("SELECT coalesce(max(id), 0) FROM insights_analysisrun WHERE current = 1"))
    if not published:  # run alone: publish a full run first
        worker = start_worker(site, "base")
        try:
            published = queue_run(site)
            wait_done(site, published)
        finally:
            stop(worker)
    before = assert_published_everything(site, published)
    kept = written_by(site, published)

    path = tmp_path / "more.csv"
    write_csv(path, NEW_PROPOSALS, "inc")
    site.kenes("import-proposals", str(path), "--source", "incremental", "--batch-size", "2000", "--no-progress")

    worker = start_worker(site, "incremental")
    try:
        pk = queue_run(site, "--incremental")
        phase = kill_in(worker, site, pk, ("analysing", "storing"), min_progress=30)
    finally:
        stop(worker)
    assert run_row(site, pk, "kind") == "incremental"
    partial = written_by(site, pk)
    assert phase in ("analysing", "storing")
    assert partial["insights_proposalanalysis"] >= before["analyses"], "the copy of the published rows was made"

    # The published run is intact and still the one the pages show.
    seen = probe(site)
    assert seen["current"] == published
    assert written_by(site, published) == kept
    for key in ("analyses", "groups", "public_themes_total", "open_with_themes", "open_groups", "workspace_group_runs"):
        assert seen[key] == before[key], key
    assert seen["proposals"] == before["proposals"] + NEW_PROPOSALS
    assert seen["open_rows"] == seen["public_proposals"]

    rerun = recover_and_rerun(site, pk, "--incremental")
    assert run_row(site, rerun, "kind") == "incremental"
    after = assert_published_everything(site, rerun)
    assert after["proposals"] == before["proposals"] + NEW_PROPOSALS
    assert written_by(site, published) == dict.fromkeys(kept, 0), "the replaced run's rows were removed"
    assert "OK" in site.verify_log()

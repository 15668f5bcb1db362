"""When a running analysis is taken for dead: `KENES_ANALYSIS_STALE_SECONDS` (environment) or
STALE_AFTER; a dead run is interrupted once, its rows removed; a live one is left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kenes.insights import actions
from kenes.insights.models import AnalysisRun, ProposalGroup


def test_threshold_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KENES_ANALYSIS_STALE_SECONDS", raising=False)
    assert actions.stale_after() == actions.STALE_AFTER
    monkeypatch.setenv("KENES_ANALYSIS_STALE_SECONDS", "2.5")
    assert actions.stale_after() == timedelta(seconds=2.5)
    for bad in ("soon", "0", "-3"):
        monkeypatch.setenv("KENES_ANALYSIS_STALE_SECONDS", bad)
        with pytest.raises(ImproperlyConfigured):
            actions.stale_after()


@pytest.mark.django_db
def test_recovery_uses_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    now = timezone.now()
    quiet = AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=now - timedelta(seconds=30))
    ProposalGroup.objects.create(run=quiet, kind="cluster", key="c0")
    alive = AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=now - timedelta(seconds=1))
    monkeypatch.delenv("KENES_ANALYSIS_STALE_SECONDS", raising=False)
    assert actions.recover_stale_runs(now=now) == []  # 30 s is nothing for the default threshold
    monkeypatch.setenv("KENES_ANALYSIS_STALE_SECONDS", "10")
    recovered: list[Any] = actions.recover_stale_runs(now=now)
    assert [run.pk for run in recovered] == [quiet.pk]
    quiet.refresh_from_db()
    alive.refresh_from_db()
    assert quiet.status == "interrupted" and not ProposalGroup.objects.filter(run=quiet).exists()
    assert alive.status == "running"
    assert actions.recover_stale_runs(now=now) == []  # recovered once


@pytest.mark.django_db
def test_a_starting_worker_recovers_the_runs_of_dead_workers(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setenv("KENES_ANALYSIS_STALE_SECONDS", "10")
    now = timezone.now()
    dead = AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=now - timedelta(seconds=60))
    ProposalGroup.objects.create(run=dead, kind="cluster", key="c0")
    alive = AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=now)
    from django_tasks_db.management.commands.db_worker import Command as LibraryWorker

    started: list[dict[str, Any]] = []
    # The library's worker loop itself is not run here (it closes the test's database connection).
    monkeypatch.setattr(LibraryWorker, "handle", lambda self, *args, **options: started.append(options))
    err = StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0", stderr=err)
    assert len(started) == 1 and started[0]["batch"] is True  # then the library's worker runs as usual
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "interrupted" and not ProposalGroup.objects.filter(run=dead).exists()
    assert alive.status == "running"
    assert f"#{dead.pk}" in err.getvalue()

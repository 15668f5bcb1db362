"""The health endpoint: database and task queue; 503 only when this server cannot serve."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

TASKS_DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def make_task(status: str, age_seconds: int) -> Any:
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kenes.proposals.tasks.analyse_proposal",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - timedelta(seconds=age_seconds))
    return task


@pytest.mark.django_db
def test_health_ok(client: Any, settings: Any) -> None:
    settings.TASKS = TASKS_DB
    response = client.get("/health/")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["tasks"] == {"status": "ok", "ready": 0, "running": 0, "oldest_ready_seconds": 0}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_health_reads_only_the_active_tasks(client: Any, settings: Any) -> None:
    """Finished tasks stay in the table until pruned: the probe counts the queued and running
    ones through their partial indexes, whatever else the table holds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = TASKS_DB
    for status in ("SUCCESSFUL", "SUCCESSFUL", "FAILED", "READY", "RUNNING"):
        make_task(status, 30)
    with CaptureQueriesContext(connection) as queries:
        body = json.loads(client.get("/health/").content)
    assert body["tasks"]["ready"] == 1 and body["tasks"]["running"] == 1
    reads = [q["sql"] for q in queries.captured_queries if "dbtaskresult" in q["sql"]]
    assert len(reads) == 2 and all("WHERE" in sql and '"status" =' in sql for sql in reads), reads
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "django_tasks_database_dbtaskresult")
    assert "kenes_tasks_running_idx" in indexes


@pytest.mark.django_db
def test_health_reports_backlog_as_degraded_but_serving(client: Any, settings: Any) -> None:
    settings.TASKS = TASKS_DB
    settings.KENES_HEALTH_QUEUE_MAX_AGE = 60
    make_task("READY", 10)
    make_task("RUNNING", 5)
    body = json.loads(client.get("/health/").content)
    assert body["status"] == "ok" and body["tasks"]["ready"] == 1 and body["tasks"]["running"] == 1
    make_task("READY", 3600)
    response = client.get("/health/")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["tasks"]["ready"] == 2 and body["tasks"]["oldest_ready_seconds"] >= 3600


@pytest.mark.django_db
def test_health_database_down_is_503(client: Any) -> None:
    with mock.patch("kenes.ops.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/health/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["database"] == {"status": "error", "error": "OperationalError"}
    assert "connection refused" not in response.content.decode()  # no internals to the world


@pytest.mark.django_db
def test_health_task_table_unreadable_is_503(client: Any, settings: Any) -> None:
    settings.TASKS = TASKS_DB
    with mock.patch("django_tasks_db.models.DBTaskResult.objects") as objects:
        objects.filter.side_effect = objects.aggregate.side_effect = OperationalError("no such table")
        response = client.get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content)["tasks"]["status"] == "error"


@pytest.mark.django_db
def test_health_needs_no_login_and_is_outside_language_prefixes(client: Any) -> None:
    assert client.get("/health/").status_code == 200
    assert client.get("/en/health/").status_code == 404

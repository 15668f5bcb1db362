"""Health checks for load balancers and monitoring: the database and the task queue.

`check_health()` returns (healthy, report). Unhealthy (HTTP 503) means this app server cannot
serve: the database does not answer or the task table cannot be read. A backlog of tasks
waiting longer than settings.KENES_HEALTH_QUEUE_MAX_AGE seconds means the task workers are
down or overloaded: the report says "degraded" but the app server itself still serves (200),
so a load balancer does not take every web server out because the workers stopped.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"status": "error", "error": error.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def check_task_queue() -> dict[str, Any]:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return {"status": "ok", "backend": backend.rsplit(".", 1)[-1]}
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        # Only the active rows: finished tasks stay in the table until they are pruned, and the
        # probe runs every few seconds. The queued ones through the library's partial index of
        # them, the running ones through ours (kenes/ops/migrations).
        row = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
            ready=Count("pk"), oldest=Min("enqueued_at")
        )
        row["running"] = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
    except DatabaseError as error:
        return {"status": "error", "error": error.__class__.__name__}
    count, running, oldest = row["ready"], row["running"], row["oldest"]
    age = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    max_age = int(getattr(settings, "KENES_HEALTH_QUEUE_MAX_AGE", 600))
    return {
        "status": "degraded" if age > max_age else "ok",
        "ready": count,
        "running": running,
        "oldest_ready_seconds": age,
    }


def check_health() -> tuple[bool, dict[str, Any]]:
    database = check_database()
    tasks = check_task_queue() if database["status"] == "ok" else {"status": "unknown"}
    healthy = database["status"] == "ok" and tasks["status"] != "error"
    if not healthy:
        status = "error"
    elif tasks["status"] == "degraded":
        status = "degraded"
    else:
        status = "ok"
    return healthy, {"status": status, "database": database, "tasks": tasks}

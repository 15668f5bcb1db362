"""Background work of the insights app (Django tasks API; `kenes db_worker` runs it)."""

from __future__ import annotations

import uuid

from django.utils import timezone
from django_tasks import task


class WorkerStopped(Exception):
    """Recorded as the failure of a task whose worker died while running it."""


@task()
def run_analysis(run_id: int) -> str:
    """Analyse the proposals of a queued run and publish the results (`actions.execute_run`)."""
    from kenes.insights.actions import execute_run

    return execute_run(run_id=run_id)


def abandon_task(task_id: str) -> bool:
    """Mark the queue entry of a run whose worker died (SIGKILL, lost machine) as failed: the
    database backend never reclaims a task left `RUNNING`, and `/health/` would count it as
    running for ever. Other backends keep no such entry. Returns whether an entry was changed."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(run_analysis.get_backend(), DatabaseBackend):
        return False
    try:
        uuid.UUID(task_id)
    except ValueError:
        return False
    return bool(
        DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
            traceback="The worker stopped before the task was finished; the analysis run was marked interrupted.",
        )
    )

"""Background work of the insights app (Django tasks API; `kenes db_worker` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_analysis(run_id: int) -> str:
    """Analyse the proposals of a queued run and publish the results (`actions.execute_run`)."""
    from kenes.insights.actions import execute_run

    return execute_run(run_id=run_id)

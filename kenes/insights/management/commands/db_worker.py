"""`kenes db_worker`: django-tasks-db's worker, which first recovers the analysis runs whose worker died
(no heartbeat for `KENES_ANALYSIS_STALE_SECONDS`): they are marked interrupted, their half-written results
and queue entries cleared, so a restarted worker leaves nothing stuck. Everything else is the library's
command (same options); kenes.insights is listed before django_tasks_db in INSTALLED_APPS so this one wins."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from kenes.insights.actions import recover_stale_runs


class Command(WorkerCommand):
    help = WorkerCommand.help + " (recovering the analysis runs of dead workers first)"

    def handle(self, *args: Any, **options: Any) -> None:
        for run in recover_stale_runs():
            self.stderr.write(f"analysis run #{run.pk}: its worker had stopped; marked interrupted, partial results removed")
        super().handle(*args, **options)

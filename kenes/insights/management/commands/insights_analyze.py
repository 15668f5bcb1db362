"""`kenes insights_analyze [--incremental] [--wait]`: queue an analysis run of the stored proposals
(a background task run by `kenes db_worker`); `--now` runs it in this process instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.insights import actions
from kenes.insights.models import AnalysisRun, RunKind


class Command(BaseCommand):
    help = "Analyse the stored proposals (full run, or --incremental for new ones) and publish the results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incremental", action="store_true", help="only proposals stored since the published run")
        parser.add_argument("--now", action="store_true", help="run here instead of queuing a background task")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = RunKind.INCREMENTAL if options["incremental"] else RunKind.FULL
        stale = actions.recover_stale_runs()
        for run in stale:
            self.stderr.write(f"run #{run.pk} was interrupted; its partial results were removed")
        if options["now"]:
            if AnalysisRun.objects.active().exists():
                raise CommandError("an analysis is already queued or running")
            base = actions.current_run()
            run = AnalysisRun.objects.create(
                kind=kind if base is not None else RunKind.FULL,
                based_on=base,
                phase="queued",
            )
            actions.execute_run(run_id=run.pk)
        else:
            try:
                run = actions.start_analysis(user=None, kind=kind, restart_stale=False)
            except actions.InsightsError as error:
                raise CommandError(str(error)) from error
        run.refresh_from_db()
        self.stdout.write(
            f"run #{run.pk} ({run.kind}): {run.status}; {run.analysed} proposals, "
            f"{run.groups_count} form-letter groups, {run.clusters_count} clusters"
        )

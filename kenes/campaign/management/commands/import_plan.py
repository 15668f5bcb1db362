"""`kenes import-plan FILE --coalition ID [--plan TITLE] [--from DATE --until DATE]`: import a work
plan (XLSX or CSV) into a coalition. Idempotent; every bad row is reported with its row number."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.campaign.actions import get_or_create_plan, import_plan
from kenes.campaign.models import Coalition
from kenes.campaign.plan_import import MAX_FILE_BYTES, ImportFileError


class Command(BaseCommand):
    help = "Import a coalition's work plan (events) from an XLSX or CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--coalition", required=True, type=int, help="id of the coalition")
        parser.add_argument("--plan", default="", help="title of the work plan (default: the file name)")
        parser.add_argument("--from", dest="starts_on", default="", help="first day of the plan (YYYY-MM-DD)")
        parser.add_argument("--until", dest="ends_on", default="", help="last day of the plan (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        coalition = Coalition.objects.filter(pk=options["coalition"]).first()
        if coalition is None:
            raise CommandError(f"no coalition with id {options['coalition']}")
        try:
            starts_on = date.fromisoformat(options["starts_on"]) if options["starts_on"] else date.today()
            ends_on = date.fromisoformat(options["ends_on"]) if options["ends_on"] else starts_on
        except ValueError as exc:
            raise CommandError(f"bad date: {exc}") from exc
        plan = get_or_create_plan(user=None, coalition=coalition, title=options["plan"] or path.stem[:300],
                                  starts_on=starts_on, ends_on=ends_on)
        try:
            result = import_plan(user=None, plan=plan, data=path.read_bytes(), filename=path.name)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for error in result.errors:
            self.stderr.write(f"{path.name}: row {error.line}: {error.message}")
        self.stdout.write(
            f"plan {plan.pk} ({plan.title}): {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.errors)} rows with errors"
        )

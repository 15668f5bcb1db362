"""Load precincts from a CSV or XLSX table (columns: number, district, address, voters)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kenes.referendum.actions import ImportFileError, import_precincts, read_rows
from kenes.referendum.models import Referendum


class Command(BaseCommand):
    help = "Create or update the precincts of a referendum from a table; bad rows are listed with their numbers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, slug: str, file: Path, **options: Any) -> None:
        referendum = Referendum.objects.filter(slug=slug).first()
        if referendum is None:
            raise CommandError(f"no referendum {slug!r}")
        try:
            rows = read_rows(file.read_bytes(), file.name, required=("number", "district", "voters"))
        except (OSError, ImportFileError) as exc:
            raise CommandError(str(exc)) from exc
        report = import_precincts(referendum=referendum, rows=rows)
        for row, message in report.errors:
            self.stderr.write(f"row {row}: {message}")
        self.stdout.write(f"created {report.created}, updated {report.updated}, rejected {len(report.errors)}")

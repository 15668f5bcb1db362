"""Import precinct protocols from a CSV or XLSX file as an operator (the same checks as the web form)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kenes.referendum.actions import ImportFileError, import_protocols, read_table
from kenes.referendum.models import Referendum


class Command(BaseCommand):
    help = "Import precinct protocols (CSV/XLSX) for a referendum as the given operator; bad rows are listed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username of a commission operator")

    def handle(self, *args: Any, slug: str, file: Path, user: str, **options: Any) -> None:
        referendum = Referendum.objects.filter(slug=slug).first()
        if referendum is None:
            raise CommandError(f"no referendum {slug!r}")
        operator = get_user_model().objects.filter(username=user).first()
        if operator is None:
            raise CommandError(f"no user {user!r}")
        try:
            rows = read_table(file.read_bytes(), file.name)
        except (OSError, ImportFileError) as exc:
            raise CommandError(str(exc)) from exc
        report = import_protocols(operator=operator, referendum=referendum, rows=rows, source=f"import {file.name}")
        for row, message in report.errors:
            self.stderr.write(f"row {row}: {message}")
        self.stdout.write(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
                          f"rejected {len(report.errors)}")

"""`kenes backup --output FILE`: a consistent backup of the whole database while the site runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from kenes.ops.backup import BackupError, backup_database


class Command(BaseCommand):
    help = "Back up the whole database (SQLite: online backup API; PostgreSQL: pg_dump --format=custom)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", required=True, help="The backup file to write.")
        parser.add_argument("--database", default="default")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.exists() and not options["force"]:
            raise CommandError(f"{output} exists; use --force to overwrite it")
        if not output.parent.is_dir():
            raise CommandError(f"folder {output.parent} does not exist")
        try:
            kind = backup_database(output, using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"OK: {kind} backup written to {output} ({output.stat().st_size} bytes)")

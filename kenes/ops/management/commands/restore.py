"""`kenes restore FILE --yes`: replace the database with a backup made by `kenes backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from kenes.ops.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Replace the WHOLE database with a backup made by `kenes backup`. Stop the web and task "
        "workers first; run `kenes verify-log` afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A backup file written by `kenes backup`.")
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="Confirm: everything in the database is replaced.")

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"{source} does not exist")
        if not options["yes"]:
            raise CommandError("restore replaces the whole database: add --yes to confirm")
        try:
            kind = restore_database(source, using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"OK: {kind} database restored from {source}; now run `kenes verify-log`")

"""`kenes import-proposals FILE`: CSV, XLSX or JSONL proposals into a version, with receipts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from tqdm import tqdm

from kenes.drafts.models import Version
from kenes.proposals.importing import ImportFileError, import_file, parse_mapping
from kenes.proposals.models import Channel

MAX_ERRORS_SHOWN = 200


def find_version(name: str | None) -> Version:
    versions = Version.objects.select_related("document")
    if not name:
        current = versions.under_consultation().first() or versions.order_by("-consultation_closes", "-id").first()
        if current is None:
            raise CommandError("no version to import into: create or import a document first")
        return current
    if "/" in name:
        document, _, version_name = name.partition("/")
        found = versions.filter(document__slug=document, name=version_name).first()
    elif name.isdigit():
        found = versions.filter(pk=int(name)).first()
    else:
        matches = list(versions.filter(name=name)[:2])
        if len(matches) > 1:
            raise CommandError(f"version name {name!r} is ambiguous: use document/version")
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(f"no version {name!r} (use its id, name or document/name)")
    return found


class Command(BaseCommand):
    help = (
        "Import proposals from CSV (UTF-8 or cp1251; comma, semicolon or tab: detected), XLSX or JSONL. "
        "Idempotent on the source's own id; bad rows are reported with their row number and skipped; "
        "each batch is a transaction, so an interrupted import resumes when rerun."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version names the draft version to import into (it replaces Django's --version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--version", dest="target_version",
                            help="Version id, name or document/name (default: the one under consultation).")
        parser.add_argument("--source", help="Name of the source (default: the file name).")
        parser.add_argument("--mapping", default="",
                            help="Column mapping like text=Мәтін,region=Өңір,id=№ "
                                 "(fields: id, text, article, region, kind, created_at, author, channel).")
        parser.add_argument("--encoding", default="auto", help="auto (default), utf-8 or cp1251.")
        parser.add_argument("--delimiter", default="auto", help="auto (default), ',', ';' or 'tab'.")
        parser.add_argument("--channel", default=Channel.IMPORT, choices=["import", "meeting", "media"])
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true")

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        delimiter = options["delimiter"]
        if delimiter == "tab":
            delimiter = "\t"
        if delimiter not in {"auto", ",", ";", "\t"}:
            raise CommandError("--delimiter must be auto, ',', ';' or tab")
        version = find_version(options["target_version"])
        source = (options["source"] or path.name)[:100]
        bar = tqdm(desc="import", unit="row", disable=True if options["no_progress"] else None,
                   file=sys.stderr)
        try:
            report = import_file(
                path, version=version, source=source, mapping=parse_mapping(options["mapping"]),
                encoding=options["encoding"], delimiter=delimiter, channel=options["channel"],
                batch_size=max(1, options["batch_size"]), progress=bar.update,
            )
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}") from error
        finally:
            bar.close()
        for problem in report.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(f"row {problem.row}: {problem.reason}")
        if len(report.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(f"… and {len(report.errors) - MAX_ERRORS_SHOWN} more rejected rows")
        details = report.file_format + (f", {report.encoding}" if report.encoding else "")
        if report.delimiter:
            details += f", delimiter {report.delimiter!r}"
        self.stdout.write(
            f"{path.name} ({details}) into {version}: read {report.read}, created {report.created}, "
            f"already present {report.already_present}, rejected {report.rejected}"
        )

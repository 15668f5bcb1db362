"""`kenes import-proposals FILE`: CSV, XLSX or JSONL proposals into a version, with receipts."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from tqdm import tqdm

from kenes.drafts.models import Version
from kenes.proposals.importing import ImportFileError, import_file, parse_mapping
from kenes.proposals.models import Channel

MAX_ERRORS_SHOWN = 200
LANGS = ("kk", "ru", "en")


def default_language() -> str:
    """The first of kk, ru, en named in the LANGUAGE environment variable (gettext's list, such as
    `ru` or `ru_RU:en`), else the site's LANGUAGE_CODE (Kazakh)."""
    for item in os.environ.get("LANGUAGE", "").split(":"):
        code = item.strip().split("_")[0].split(".")[0].lower()
        if code in LANGS:
            return code
    return str(settings.LANGUAGE_CODE)


def find_version(name: str | None) -> Version:
    versions = Version.objects.select_related("document")
    if not name:
        current = versions.under_consultation().first() or versions.order_by("-consultation_closes", "-id").first()
        if current is None:
            raise CommandError(_("no version to import into: create or import a document first"))
        return current
    if "/" in name:
        document, _slash, version_name = name.partition("/")
        found = versions.filter(document__slug=document, name=version_name).first()
    elif name.isdigit():
        found = versions.filter(pk=int(name)).first()
    else:
        matches = list(versions.filter(name=name)[:2])
        if len(matches) > 1:
            raise CommandError(_('version name "%(name)s" is ambiguous: use document/version') % {"name": name})
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(_('no version "%(name)s" (use its id, name or document/name)') % {"name": name})
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
        parser.add_argument(
            "--lang",
            choices=LANGS,
            help="Language of the messages (default: from the LANGUAGE environment variable, else Kazakh).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or default_language()):
            self.run(options)

    def run(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("no such file: %(path)s") % {"path": path})
        delimiter = options["delimiter"]
        if delimiter == "tab":
            delimiter = "\t"
        if delimiter not in {"auto", ",", ";", "\t"}:
            raise CommandError(_("--delimiter must be auto, ',', ';' or tab"))
        version = find_version(options["target_version"])
        source = (options["source"] or path.name)[:100]
        bar = tqdm(desc=pgettext("progress bar", "import"), unit=pgettext("progress bar", "row"), disable=True if options["no_progress"] else None,
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
            self.stderr.write(_("row %(row)d: %(reason)s") % {"row": problem.row, "reason": problem.reason})
        if len(report.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(
                _("… rejected rows not shown: %(count)d") % {"count": len(report.errors) - MAX_ERRORS_SHOWN}
            )
        details = report.file_format + (f", {report.encoding}" if report.encoding else "")
        if report.delimiter:
            details += ", " + _("delimiter %(delimiter)s") % {"delimiter": repr(report.delimiter)}
        self.stdout.write(
            _(
                "%(file)s (%(details)s) into %(version)s: read %(read)d, created %(created)d, "
                "already present %(present)d, rejected %(rejected)d"
            )
            % {
                "file": path.name,
                "details": details,
                "version": version,
                "read": report.read,
                "created": report.created,
                "present": report.already_present,
                "rejected": report.rejected,
            }
        )

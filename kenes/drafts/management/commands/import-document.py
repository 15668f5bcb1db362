"""`kenes import-document FILE --lang kk|ru|en [--version NAME] [--document SLUG] [--kind …] [--date …] [--title …]`"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.drafts.actions import DocumentImportError, import_document
from kenes.drafts.models import VersionKind
from kenes.translated import LANGS


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"invalid --date {value!r}: use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Import one language of a document version from a Markdown or plain-text file structured by article "
        "headings (N-бап, Статья N, Article N, Markdown headings, <a id=\"stN\"> anchors). A second language "
        "attaches to the same version by article number; importing again updates, never duplicates."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version` names the document version here, replacing Django's "print the Django version".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 Markdown or plain-text file")
        parser.add_argument("--lang", required=True, choices=LANGS, help="language of the file")
        parser.add_argument("--version", dest="version_name", default="", help="version name (default: the date)")
        parser.add_argument("--document", default="", help="document slug (default: from the file name)")
        parser.add_argument("--kind", default="", choices=VersionKind.values, help="draft, in_force or adopted")
        parser.add_argument("--date", default="", help="version date YYYY-MM-DD (default: from the front matter)")
        parser.add_argument("--title", default="", help="document title in this language")
        visibility = parser.add_mutually_exclusive_group()
        visibility.add_argument(
            "--unpublished", dest="published", action="store_false", default=None,
            help="hide the version from the public (staff and admins still see it)",
        )
        visibility.add_argument("--published", dest="published", action="store_true", help="publish the version")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_document(
                path=options["file"],
                language=options["lang"],
                document_slug=options["document"],
                version_name=options["version_name"],
                kind=options["kind"],
                version_date=_iso_date(options["date"]) if options["date"] else None,
                title=options["title"],
                published=options["published"],
            )
        except DocumentImportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {result.summary()}"))

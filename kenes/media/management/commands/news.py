"""`kenes news ingest PATH...`: store news files (seeds' format, plain text, HTML, RSS/Atom, JSONL).
`kenes news link-events [--days 2]`: store the campaign events each article may be about, as suggestions.

(`kenes news extract` runs without Django: see kenes/cli.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.media.actions import ingest_path, news_files, store_event_suggestions


class Command(BaseCommand):
    help = "News monitoring: `ingest PATH...` stores news files with their extracted facts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="store news files or directories")
        ingest.add_argument("paths", nargs="+", type=Path)
        link = sub.add_parser("link-events", help="store suggested links between news and campaign events")
        link.add_argument("--days", type=int, default=2, help="days between the news and the event (0-14)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "link-events":
            self.link_events(options["days"])
            return
        if options["action"] != "ingest":
            raise CommandError(f"unknown action {options['action']}")
        totals = {"created": 0, "reprints": 0, "unchanged": 0, "failed": 0}
        files = news_files(options["paths"])
        for path in files:
            report = ingest_path(path=path)
            if report.error:
                totals["failed"] += 1
                self.stderr.write(f"{report.path}: skipped: {report.error}")
                continue
            for error in report.errors:
                self.stderr.write(f"{report.path}: {error}")
            totals["created"] += report.created
            totals["reprints"] += report.reprints
            totals["unchanged"] += report.unchanged
        self.stdout.write(
            f"{len(files)} files: {totals['created']} new articles, {totals['reprints']} new sources of stored "
            f"articles, {totals['unchanged']} unchanged, {totals['failed']} files skipped")
        if files and totals["failed"] == len(files):
            raise CommandError("no file could be read")

    def link_events(self, days: int) -> None:
        if not 0 <= days <= 14:
            raise CommandError("--days must be between 0 and 14")
        report = store_event_suggestions(days=days)
        self.stdout.write(f"{report.articles} articles: {report.created} new suggested links, "
                          f"{report.unchanged} already stored")

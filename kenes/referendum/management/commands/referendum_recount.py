"""Rebuild every tally of a referendum from its counted precinct protocols (the full recount that
checks the incremental updates)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kenes.referendum.actions import recount
from kenes.referendum.models import Referendum


class Command(BaseCommand):
    help = "Recount all tallies of a referendum from its precinct protocols; --check only reports differences."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("--check", action="store_true", help="report differences, change nothing, exit 1 if any")

    def handle(self, *args: Any, slug: str, check: bool, **options: Any) -> None:
        referendum = Referendum.objects.filter(slug=slug).first()
        if referendum is None:
            raise CommandError(f"no referendum {slug!r}")
        report = recount(referendum, write=not check)
        for code, question, line, stored, fresh in report.differences:
            self.stdout.write(f"{code} q{question} {line}: stored {stored}, recounted {fresh}")
        self.stdout.write(f"{report.rows} tallies, {len(report.differences)} differences"
                          + ("" if check else " (repaired)"))
        if check and report.differences:
            raise CommandError("tallies differ from a full recount")

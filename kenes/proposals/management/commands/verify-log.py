"""`kenes verify-log`: recompute the receipt log's hash chain and every proposal's content hash."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from kenes.proposals.verify import Verification, check_log


class Command(BaseCommand):
    help = (
        "Recompute the receipt log: each entry's hash, the links between entries and every proposal's "
        "content hash. Names the first entry that does not verify; exit code 1 on failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="List every problem, not only the first.")

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        stats = Verification()
        problems = []
        for problem in check_log(stats):
            problems.append(problem)
            if not options["all"]:
                break
        if problems:
            for problem in problems:
                self.stderr.write(f"NOT VERIFIED: {problem}")
            raise CommandError(f"receipt log does not verify ({len(problems)} problem(s) shown)", returncode=1)
        self.stdout.write(
            f"OK: {stats.entries} entries, {stats.proposals} proposals verified; chain head {stats.head}"
        )

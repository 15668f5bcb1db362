"""`kenes load_demo [--proposals N] [--reset] [--skip-constitution]`: demo content for `make demo`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.demo.load import DemoError, demo_loaded, describe, load_demo, reset_demo


class Command(BaseCommand):
    help = (
        "Load the demo: a sample draft law (kk, ru) open for proposals, demo users for every role "
        "(password kenes-demo) and generated proposals with receipts. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--proposals", type=int, default=2000, help="How many proposals to generate (default 2000).")
        parser.add_argument("--reset", action="store_true", help="Remove the demo content first, then load it again.")
        parser.add_argument(
            "--skip-constitution", action="store_true",
            help="Do not import the Constitution texts from ../shared/data/constitution.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed gives the same demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["proposals"]
        if count < 0 or count > 1_000_000:
            raise CommandError("--proposals must be between 0 and 1000000")
        try:
            if options["reset"] and demo_loaded():
                reset_demo()
                self.stdout.write("Removed the previous demo content.")
            if demo_loaded():
                self.stdout.write("The demo content is already loaded (use --reset to load it again).")
                return
            result = load_demo(
                proposals=count, constitution=not options["skip_constitution"], seed=options["seed"],
                log=lambda message: self.stderr.write(message),
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        for line in describe(result):
            self.stdout.write(line)

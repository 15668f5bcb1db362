"""`kenes load_demo [--proposals N] [--reset] [--skip-constitution] [--events N] [--precincts-per-district N]
[--skip-campaign] [--skip-referendum]`: demo content for `make demo`.

After the draft and its proposals it runs `load_campaign_demo` (coalitions, events, reports; proposals
collected at meetings go to the open draft) and `referendum_demo` (precincts, protocols, results); both
are idempotent, so a second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.demo.load import DemoError, demo_loaded, demo_logins, describe, load_demo, reset_demo


class Command(BaseCommand):
    help = (
        "Load the demo: a sample draft law (kk, ru) open for proposals, demo users for every role "
        "(password kenes-demo) and generated proposals with receipts. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--proposals", type=int, default=2000, help="How many proposals to generate (default 2000)."
        )
        parser.add_argument("--reset", action="store_true", help="Remove the demo content first, then load it again.")
        parser.add_argument(
            "--skip-constitution",
            action="store_true",
            help="Do not import the Constitution texts from ../shared/data/constitution.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed gives the same demo).")
        parser.add_argument(
            "--events", type=int, default=2000, help="Campaign demo: planned events (100-50000, default 2000)."
        )
        parser.add_argument(
            "--precincts-per-district",
            type=int,
            default=8,
            help="Referendum demo: precincts per district (1-100, default 8).",
        )
        parser.add_argument("--skip-campaign", action="store_true", help="Do not load the campaign demo.")
        parser.add_argument("--skip-referendum", action="store_true", help="Do not load the referendum demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["proposals"]
        if count < 0 or count > 1_000_000:
            raise CommandError("--proposals must be between 0 and 1000000")
        if not 100 <= options["events"] <= 50_000:
            raise CommandError("--events must be between 100 and 50000")
        if not 1 <= options["precincts_per_district"] <= 100:
            raise CommandError("--precincts-per-district must be between 1 and 100")
        try:
            if options["reset"] and demo_loaded():
                reset_demo()
                self.stdout.write("Removed the previous demo content.")
            if demo_loaded():
                self.stdout.write("The demo content is already loaded (use --reset to load it again).")
            else:
                result = load_demo(
                    proposals=count,
                    constitution=not options["skip_constitution"],
                    seed=options["seed"],
                    log=lambda message: self.stderr.write(message),
                )
                for line in describe(result):
                    self.stdout.write(line)
        except DemoError as error:
            raise CommandError(str(error)) from error
        # Both are idempotent: on a second run they say so and change nothing.
        if not options["skip_campaign"]:
            call_command(
                "load_campaign_demo",
                "--events",
                str(options["events"]),
                "--seed",
                str(options["seed"]),
                stdout=self.stdout,
                stderr=self.stderr,
            )
        if not options["skip_referendum"]:
            call_command(
                "referendum_demo",
                "--precincts-per-district",
                str(options["precincts_per_district"]),
                "--seed",
                str(options["seed"]),
                stdout=self.stdout,
                stderr=self.stderr,
            )
        self.stdout.write(
            f"Demo logins (password kenes-demo): {', '.join(demo_logins(referendum=not options['skip_referendum']))}"
        )

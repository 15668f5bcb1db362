"""`kenes load_campaign_demo`: the campaign's demo content (see kenes.campaign.demo). Runs once:
when coalitions already exist it says so and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kenes.campaign.demo import load_demo
from kenes.campaign.models import Coalition


class Command(BaseCommand):
    help = "Load the campaign demo: coalitions, organisations, volunteers, plans, ~2,000 events and reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=2000, help="planned events in all (default 2000)")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if Coalition.objects.exists():
            self.stdout.write("campaign demo: coalitions already exist, nothing loaded")
            return
        if options["events"] < 100 or options["events"] > 50_000:
            self.stderr.write("--events must be between 100 and 50000")
            return
        summary = load_demo(events=options["events"], seed=options["seed"],
                            log=lambda message: self.stdout.write(f"campaign demo: {message}"))
        self.stdout.write(
            f"campaign demo: {summary.coalitions} coalitions, {summary.organisations} organisations, "
            f"{summary.volunteers} volunteers, {summary.events} events ({summary.held} reported, "
            f"{summary.cancelled} cancelled), {summary.proposals} proposals collected"
        )

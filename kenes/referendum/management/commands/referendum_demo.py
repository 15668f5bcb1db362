"""Load the demo referendum of 15 March 2026 (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kenes.referendum.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo referendum of 15 March 2026: precincts, protocols, turnout and the published figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--precincts-per-district", type=int, default=8)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, precincts_per_district: int, seed: int, **options: Any) -> None:
        referendum = load_demo(precincts_per_district=max(1, min(precincts_per_district, 100)), seed=seed)
        self.stdout.write(f"referendum {referendum.slug}: {referendum.commissions.filter(level='precinct').count()} "
                          f"precincts; results at /referendum/{referendum.slug}/")

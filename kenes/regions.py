"""The 20 top-level units of Kazakhstan (17 regions, Astana, Almaty, Shymkent).

Loaded from the project's own copy of the vocabulary (kenes/data/regions.csv); slugs are the
identifiers every contract uses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Region:
    slug: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str

    def name(self, language: str) -> str:
        return {"kk": self.name_kk, "ru": self.name_ru}.get(language[:2], self.name_en)


@cache
def all_regions() -> tuple[Region, ...]:
    with open(DATA_DIR / "regions.csv", encoding="utf-8", newline="") as f:
        return tuple(
            Region(row["slug"], row["kind"], row["name_kk"], row["name_ru"], row["name_en"])
            for row in csv.DictReader(f)
        )


@cache
def by_slug() -> dict[str, Region]:
    return {r.slug: r for r in all_regions()}


def region_name(slug: str | None, language: str = "kk") -> str:
    region = by_slug().get(slug or "")
    return region.name(language) if region else ""


def region_choices(language: str = "kk") -> list[tuple[str, str]]:
    return [(r.slug, r.name(language)) for r in sorted(all_regions(), key=lambda r: r.name(language))]


REGION_SLUGS: frozenset[str] = frozenset(r.slug for r in all_regions())

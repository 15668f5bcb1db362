"""Districts (and cities of regional significance) per region, from kenes/data/campaign/districts.csv.

Facts taken from geokz v1.0.2 (CC BY 4.0, Alexander Rodionov): KATO codes and names in kk/ru/en
as of January 2024; Latin look-alike letters inside Cyrillic words were replaced.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "campaign" / "districts.csv"


@dataclass(frozen=True)
class District:
    code: str
    kato: str
    region: str
    name_kk: str
    name_ru: str
    name_en: str

    def name(self, language: str = "kk") -> str:
        return {"kk": self.name_kk, "ru": self.name_ru}.get((language or "kk")[:2], self.name_en)


@cache
def all_districts() -> tuple[District, ...]:
    with open(DATA, encoding="utf-8", newline="") as f:
        return tuple(
            District(row["code"], row["kato"], row["region"], row["name_kk"], row["name_ru"], row["name_en"])
            for row in csv.DictReader(f)
        )


@cache
def by_code() -> dict[str, District]:
    return {d.code: d for d in all_districts()}


def districts_of(region: str) -> list[District]:
    return [d for d in all_districts() if d.region == region]


def district_name(code: str | None, language: str = "kk") -> str:
    district = by_code().get(code or "")
    return district.name(language) if district else ""


def district_choices(region: str, language: str = "kk") -> list[tuple[str, str]]:
    return [(d.code, d.name(language)) for d in sorted(districts_of(region), key=lambda d: d.name(language))]


def find_district(region: str, value: str) -> District | None:
    """A district of `region` by code, KATO code or name in any language (case-insensitive)."""
    value = (value or "").strip()
    if not value:
        return None
    found = by_code().get(value.upper())
    if found is not None:
        return found if found.region == region else None
    folded = value.casefold()
    for district in districts_of(region):
        names = {district.kato, district.name_kk.casefold(), district.name_ru.casefold(), district.name_en.casefold()}
        if folded in names:
            return district
    return None

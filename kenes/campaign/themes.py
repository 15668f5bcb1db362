"""The theme vocabulary (kenes/data/themes.csv) as the campaign uses it: slugs and names."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "themes.csv"


@dataclass(frozen=True)
class Theme:
    slug: str
    name_kk: str
    name_ru: str
    name_en: str

    def name(self, language: str = "kk") -> str:
        return {"kk": self.name_kk, "ru": self.name_ru}.get((language or "kk")[:2], self.name_en)


@cache
def all_themes() -> tuple[Theme, ...]:
    with open(DATA, encoding="utf-8", newline="") as f:
        return tuple(Theme(r["slug"], r["name_kk"], r["name_ru"], r["name_en"]) for r in csv.DictReader(f))


def theme_name(slug: str, language: str = "kk") -> str:
    for theme in all_themes():
        if theme.slug == slug:
            return theme.name(language)
    return slug


def theme_choices(language: str = "kk") -> list[tuple[str, str]]:
    return [(t.slug, t.name(language)) for t in all_themes()]

"""Human labels for the news vocabularies (event types, formats, audiences, units, qualifiers)
and theme names from the project's themes.csv."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache

from django.utils.translation import gettext_lazy as _

from kenes.regions import DATA_DIR

EVENT_TYPES = {
    "visit": _("Visit"),
    "meeting": _("Meeting"),
    "round_table": _("Round table"),
    "plenary_session": _("Plenary session"),
    "coalition_founding": _("Coalition founded"),
    "forum": _("Forum"),
    "public_hearing": _("Public hearing"),
    "explanatory_work": _("Explanatory work"),
}
FORMATS = {"offline": _("In person"), "online": _("Online"), "hybrid": _("Hybrid")}
AUDIENCES = {
    "general_public": _("Residents"),
    "youth": _("Young people"),
    "workers": _("Workers"),
    "business": _("Business"),
    "veterans": _("Veterans"),
    "teachers": _("Teachers"),
    "medics": _("Medical workers"),
    "intelligentsia": _("Intelligentsia"),
    "officials": _("Officials"),
    "deputies": _("Deputies"),
    "party_members": _("Party members"),
    "ngo": _("NGOs"),
    "experts": _("Experts"),
    "volunteers": _("Volunteers"),
}
UNITS = {
    "proposals": _("proposals"),
    "participants": _("participants"),
    "members": _("members"),
    "volunteers": _("volunteers"),
    "events": _("events"),
    "organizations": _("organisations"),
    "parties": _("parties"),
    "coalitions": _("coalitions"),
}
QUALIFIERS = {"exact": "", "approx": _("about"), "more_than": _("more than"), "less_than": _("less than")}
FACT_KINDS = {
    "place": _("Place"),
    "person": _("Person"),
    "organization": _("Organisation"),
    "figure": _("Figure"),
    "date": _("Date"),
}


@cache
def _themes() -> dict[str, dict[str, str]]:
    with open(DATA_DIR / "themes.csv", encoding="utf-8", newline="") as f:
        return {row["slug"]: row for row in csv.DictReader(f)}


def theme_name(slug: str, language: str) -> str:
    row = _themes().get(slug)
    if row is None:
        return slug
    return row.get(f"name_{language[:2]}") or row["name_en"]


def theme_choices(language: str) -> list[tuple[str, str]]:
    return [(slug, theme_name(slug, language)) for slug in _themes()]


def label(table: Mapping[str, object], key: str) -> str:
    return str(table.get(key, key))

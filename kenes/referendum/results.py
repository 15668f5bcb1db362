"""Reading results: the figures of any commission, its children, the Article 31 outcome, turnout
through the day, and the geometry of the server-rendered SVG charts and map."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum

from kenes.nlp import tally
from kenes.referendum.models import TURNOUT_HOURS, Commission, Level, Protocol, Question, Status, Tally, TurnoutReport


@dataclass
class Unit:
    commission: Commission
    figures: dict[str, int]
    protocols: int
    flagged: int

    @property
    def took_part(self) -> int:
        return self.figures["found"]

    @property
    def turnout(self) -> float | None:
        return tally.percent(self.figures["found"], self.figures["voters"])

    @property
    def share_for(self) -> float | None:
        return tally.percent(self.figures["votes_for"], self.figures["found"])

    @property
    def share_against(self) -> float | None:
        return tally.percent(self.figures["votes_against"], self.figures["found"])

    @property
    def share_invalid(self) -> float | None:
        return tally.percent(self.figures["invalid"], self.figures["found"])


def unit_of(commission: Commission, question: Question) -> Unit:
    if commission.level == Level.PRECINCT:
        protocol = Protocol.objects.filter(commission=commission, question=question, status=Status.CONFIRMED).first()
        if protocol is None:
            return Unit(commission, tally.zero(), 0, 0)
        return Unit(commission, tally.as_counts(protocol.figures()), 1, int(protocol.is_flagged))
    row = Tally.objects.filter(commission=commission, question=question).first()
    if row is None:
        return Unit(commission, tally.zero(), 0, 0)
    return Unit(commission, row.figures(), row.protocols, row.flagged)


def children_of(commission: Commission, question: Question) -> list[Unit]:
    if commission.level == Level.PRECINCT:
        return []
    if commission.level == Level.TERRITORIAL:
        protocols = {
            p.commission_id: p
            for p in Protocol.objects.filter(commission__parent=commission, question=question, status=Status.CONFIRMED)
        }
        units = []
        for precinct in commission.children.order_by("number", "code"):
            p = protocols.get(precinct.pk)
            figures = tally.as_counts(p.figures()) if p else tally.zero()
            units.append(Unit(precinct, figures, int(p is not None), int(bool(p and p.is_flagged))))
        return units
    rows = Tally.objects.filter(commission__parent=commission, question=question).select_related("commission")
    return sorted((Unit(r.commission, r.figures(), r.protocols, r.flagged) for r in rows),
                  key=lambda u: u.commission.name("en"))


def precincts_expected(commission: Commission) -> int:
    return int(_precincts(commission).count())


def _precincts(commission: Commission) -> Any:
    precincts = Commission.objects.precincts().filter(referendum_id=commission.referendum_id)
    if commission.level == Level.REGIONAL:
        return precincts.filter(parent__parent=commission)
    if commission.level == Level.TERRITORIAL:
        return precincts.filter(parent=commission)
    if commission.level == Level.PRECINCT:
        return precincts.filter(pk=commission.pk)
    return precincts


def outcome_of(commission: Commission, question: Question, unit: Unit, children: list[Unit]) -> tally.Outcome:
    """Article 31 for the country (with the territorial rule when it applies), or the same
    majorities inside one region, district or precinct."""
    rules = commission.referendum.rules()
    if commission.level == Level.CENTRAL:
        units = {u.commission.code: u.figures for u in children if u.protocols}
        return tally.evaluate(unit.figures, rules, units, unit_count=len(children))
    return tally.evaluate(unit.figures, dataclasses.replace(rules, territorial=False))


def turnout_by_hour(commission: Commission) -> list[dict[str, Any]]:
    """Voted by each fixed hour, summed over the precincts that reported it, as a share of their lists."""
    rows = {
        r["hour"]: r
        for r in TurnoutReport.objects.filter(commission__in=_precincts(commission))
        .values("hour").annotate(voted_sum=Sum("voted"), voters_sum=Sum("commission__voters"), precincts=Count("pk"))
    }
    result: list[dict[str, Any]] = []
    for hour in TURNOUT_HOURS:
        row = rows.get(hour)
        if row is None:
            result.append({"hour": hour, "voted": None, "voters": None, "precincts": 0, "percent": None})
        else:
            result.append({"hour": hour, "voted": row["voted_sum"], "voters": row["voters_sum"], "precincts": row["precincts"],
                           "percent": tally.percent(row["voted_sum"], row["voters_sum"])})
    return result


# --- SVG geometry -----------------------------------------------------------------------------------------


def result_bar(unit: Unit, width: float = 600.0) -> list[dict[str, Any]]:
    """A stacked bar of for / against / invalid as shares of the ballots found."""
    found = unit.figures["found"] or 0
    segments = []
    x = 0.0
    for key in ("votes_for", "votes_against", "invalid"):
        value = unit.figures[key]
        w = width * value / found if found else 0.0
        segments.append({"key": key, "x": round(x, 1), "width": round(w, 1), "value": value,
                         "percent": tally.percent(value, found)})
        x += w
    return segments


def turnout_line(points: list[dict[str, Any]], width: float = 600.0, height: float = 200.0) -> dict[str, Any]:
    """Coordinates of the turnout-by-hour line (0–100 % on the y axis)."""
    step = width / (len(points) - 1)
    dots = []
    for i, p in enumerate(points):
        if p["percent"] is None:
            continue
        dots.append({"x": round(i * step, 1), "y": round(height - height * min(p["percent"], 100.0) / 100, 1), **p})
    ticks = [{"x": round(i * step, 1), "hour": p["hour"]} for i, p in enumerate(points)]
    return {"width": width, "height": height, "dots": dots, "ticks": ticks,
            "polyline": " ".join(f"{d['x']},{d['y']}" for d in dots)}


def child_bars(children: list[Unit], width: float = 600.0) -> list[dict[str, Any]]:
    """Horizontal bars of the share for (of ballots found) in each child unit, 22 px per row."""
    bars = []
    for i, unit in enumerate(children):
        share = unit.share_for
        bars.append({"unit": unit, "y": i * 22, "width": round(width * (share or 0) / 100, 1), "share": share})
    return bars


@cache
def region_map() -> dict[str, Any]:
    with open(settings.PACKAGE_DIR / "data" / "referendum" / "regions_map.json", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


# Five classes of the share for, light to dark; grey for no data.
MAP_CLASSES = ((0, 50, "map-0"), (50, 60, "map-1"), (60, 70, "map-2"), (70, 80, "map-3"), (80, 101, "map-4"))


def map_regions(children: list[Unit], referendum_slug: str, highlight: str = "") -> list[dict[str, Any]]:
    by_region = {u.commission.code: u for u in children}
    data = region_map()
    result = []
    for slug, path in data["paths"].items():
        unit = by_region.get(slug)
        share = unit.share_for if unit and unit.protocols else None
        css = "map-none" if share is None else next(c for lo, hi, c in MAP_CLASSES if lo <= share < hi)
        result.append({"slug": slug, "d": path, "unit": unit, "share": share, "css": css, "highlight": slug == highlight})
    return result

"""Plan against done for a set of events (a region, a coalition's subtree, or the whole country):
a fixed number of aggregate queries, whatever the number of events."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast, TruncWeek

from kenes.campaign.models import Audience, Event, EventProposal, EventStatus, EventType, PlanTarget
from kenes.campaign.themes import theme_name
from kenes.regions import all_regions, region_name

HELD = Q(status=EventStatus.HELD)
CANCELLED = Q(status=EventStatus.CANCELLED)
SCHEDULED = ~CANCELLED
SORT_KEYS = ("name", "target", "scheduled", "held", "cancelled", "expected", "attendance", "completion")


@dataclass
class Row:
    key: str
    name: str
    target: int = 0
    scheduled: int = 0
    held: int = 0
    cancelled: int = 0
    expected: int = 0
    attendance: int = 0

    @property
    def plan(self) -> int:
        """What was promised: the plan's targets, or the events scheduled when there are no targets."""
        return self.target or self.scheduled

    @property
    def completion(self) -> float:
        return round(100.0 * self.held / self.plan, 1) if self.plan else 0.0


@dataclass
class Dashboard:
    totals: Row
    regions: list[Row] = field(default_factory=list)
    types: list[Row] = field(default_factory=list)
    weeks: list[tuple[str, int, int]] = field(default_factory=list)
    audiences: list[tuple[str, str, int, int]] = field(default_factory=list)
    themes: list[tuple[str, str, int, int]] = field(default_factory=list)
    proposals: int = 0


SLUG = re.compile(r'"([a-z_]+)"')


def _count_slugs(values: Any) -> Counter[str]:
    """Count the slugs in JSON lists of slugs given as text (a slug is [a-z_]+, so no escapes)."""
    return Counter(SLUG.findall(" ".join(v for v in values if v)))


def _event_counts() -> dict[str, Any]:
    return {
        "scheduled": Count("id", filter=SCHEDULED),
        "held": Count("id", filter=HELD),
        "cancelled": Count("id", filter=CANCELLED),
        "expected": Sum("expected_attendance", filter=SCHEDULED),
        "attendance": Sum("report__attendance", filter=HELD),
    }


def _fill(row: Row, values: dict[str, Any]) -> Row:
    for name in ("scheduled", "held", "cancelled", "expected", "attendance"):
        setattr(row, name, int(values.get(name) or 0))
    return row


def region_rows(events: QuerySet[Event], targets: QuerySet[PlanTarget], *, language: str = "kk") -> list[Row]:
    """One row per region (all twenty, also those with nothing yet): two grouped queries."""
    per_region = {r["region"]: r for r in events.order_by().values("region").annotate(**_event_counts())}
    target_per_region = {
        r["plan__coalition__region"]: r["n"]
        for r in targets.order_by().values("plan__coalition__region").annotate(n=Sum("count"))
    }
    rows = []
    for region in all_regions():
        row = _fill(Row(region.slug, region_name(region.slug, language)), per_region.get(region.slug, {}))
        row.target = int(target_per_region.get(region.slug) or 0)
        rows.append(row)
    return rows


def build_dashboard(events: QuerySet[Event], targets: QuerySet[PlanTarget], *, language: str = "kk",
                    with_regions: bool = True) -> Dashboard:
    events = events.order_by()
    targets = targets.order_by()
    totals = _fill(Row("total", ""), events.aggregate(**_event_counts()))
    totals.target = int(targets.aggregate(n=Sum("count"))["n"] or 0)
    board = Dashboard(totals=totals)

    if with_regions:
        board.regions = region_rows(events, targets, language=language)

    per_type = {r["event_type"]: r for r in events.values("event_type").annotate(**_event_counts())}
    target_per_type = {r["event_type"]: r["n"] for r in targets.values("event_type").annotate(n=Sum("count"))}
    for value, label in EventType.choices:
        row = _fill(Row(value, str(label)), per_type.get(value, {}))
        row.target = int(target_per_type.get(value) or 0)
        if row.plan or row.held:
            board.types.append(row)

    weekly = (
        events.annotate(week=TruncWeek("starts_at")).values("week")
        .annotate(scheduled=Count("id", filter=SCHEDULED), held=Count("id", filter=HELD)).order_by("week")
    )
    board.weeks = [(r["week"].strftime("%d.%m"), r["scheduled"], r["held"]) for r in weekly if r["week"]]

    # The lists are read as JSON text and their slugs counted in one pass over the joined text:
    # decoding thousands of small JSON values one by one costs more than the queries.
    planned_audiences = _count_slugs(events.exclude(CANCELLED).values_list(Cast("audiences", TextField()), flat=True))
    planned_themes = _count_slugs(events.exclude(CANCELLED).values_list(Cast("themes", TextField()), flat=True))
    held = events.filter(HELD)
    reached_audiences = _count_slugs(held.values_list(Cast("report__audiences", TextField()), flat=True))
    discussed_themes = _count_slugs(held.values_list(Cast("report__themes", TextField()), flat=True))
    board.audiences = [
        (value, str(label), planned_audiences[value], reached_audiences[value])
        for value, label in Audience.choices
        if planned_audiences[value] or reached_audiences[value]
    ]
    theme_slugs = sorted(set(planned_themes) | set(discussed_themes), key=lambda s: (-discussed_themes[s], s))
    board.themes = [(s, theme_name(s, language), planned_themes[s], discussed_themes[s]) for s in theme_slugs]
    board.proposals = EventProposal.objects.filter(event__in=events.values("pk")).count()
    return board


def sort_rows(rows: list[Row], key: str) -> list[Row]:
    """Sort a table of rows by one of SORT_KEYS; a leading "-" sorts descending."""
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORT_KEYS:
        return rows
    return sorted(rows, key=lambda r: (getattr(r, name), r.name), reverse=descending)

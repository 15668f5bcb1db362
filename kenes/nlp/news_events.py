"""Which campaign events a news article may be reporting on: an explainable score.

Django-free: the media app turns an article's extracted facts and candidate events into
`ArticleFacts` / `EventFacts` and shows the `Match.reasons` next to each suggestion.

An event is a candidate only when the article names its region and the article's date is within
`days` of the event's date (either side: announcements come before, reports after). On top of that:
the same district or town, the same day, the same event type, shared audiences and the same format
raise the score. Every point added comes with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kenes.nlp.gazetteer import fold

DEFAULT_DAYS = 2
REGION_POINTS = 3.0
DISTRICT_POINTS = 2.0
SAME_DAY_POINTS = 3.0
TYPE_POINTS = 2.0
AUDIENCE_POINTS = 0.5
MAX_AUDIENCE_POINTS = 1.0
FORMAT_POINTS = 0.5
PLACE_WORDS = frozenset(fold(w) for w in (
    "ауданы", "аудан", "қаласы", "қала", "ауылы", "ауыл", "кенті", "район", "района", "город", "города", "г",
    "село", "поселок", "посёлок", "district", "city", "town",
))


@dataclass(frozen=True)
class ArticleFacts:
    date: date | None
    regions: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventFacts:
    id: int
    date: date
    region: str
    district_names: tuple[str, ...] = ()
    event_type: str = ""
    audiences: tuple[str, ...] = ()
    format: str = ""


@dataclass(frozen=True)
class Reason:
    """Why points were given: `code` is one of region, district, date, event_type, audiences,
    format; `value` the matching value (district name, day distance, type, audiences, format)."""

    code: str
    points: float
    value: str | int | tuple[str, ...] = ""


@dataclass(frozen=True)
class Match:
    event_id: int
    score: float
    reasons: tuple[Reason, ...]
    days_apart: int

    def as_json(self) -> list[dict[str, object]]:
        return [
            {"code": r.code, "points": r.points, "value": list(r.value) if isinstance(r.value, tuple) else r.value}
            for r in self.reasons
        ]


def place_key(name: str) -> str:
    """"Жылыой ауданы", "Жылыой", "г. Кульсары" -> the name without the generic word, folded."""
    words = [w for w in fold(name).replace(".", " ").split() if w not in PLACE_WORDS]
    return " ".join(words)


def score(article: ArticleFacts, event: EventFacts, *, days: int = DEFAULT_DAYS) -> Match | None:
    """The match of one article with one event, or None when region or date rule it out."""
    if article.date is None or event.region not in article.regions:
        return None
    distance = abs((article.date - event.date).days)
    if distance > days:
        return None
    reasons = [Reason("region", REGION_POINTS, event.region)]
    known = {place_key(name) for name in event.district_names} - {""}
    for name in article.districts:
        if place_key(name) in known:
            reasons.append(Reason("district", DISTRICT_POINTS, name))
            break
    reasons.append(Reason("date", SAME_DAY_POINTS * (days + 1 - distance) / (days + 1), distance))
    if event.event_type and event.event_type in article.event_types:
        reasons.append(Reason("event_type", TYPE_POINTS, event.event_type))
    shared = tuple(a for a in event.audiences if a in article.audiences)
    if shared:
        reasons.append(Reason("audiences", min(MAX_AUDIENCE_POINTS, AUDIENCE_POINTS * len(shared)), shared))
    if event.format and event.format in article.formats:
        reasons.append(Reason("format", FORMAT_POINTS, event.format))
    total = round(sum(r.points for r in reasons), 2)
    return Match(event_id=event.id, score=total, reasons=tuple(reasons), days_apart=distance)


def rank(article: ArticleFacts, events: Iterable[EventFacts], *, days: int = DEFAULT_DAYS,
         limit: int = 5) -> list[Match]:
    """The best `limit` matches, best first (ties: the closer date, then the lower event id)."""
    matches = [m for m in (score(article, event, days=days) for event in events) if m is not None]
    matches.sort(key=lambda m: (-m.score, m.days_apart, m.event_id))
    return matches[:limit]


def participants(figures: Iterable[dict[str, object]]) -> int | None:
    """The attendance a report may start from: the largest whole number of participants."""
    best: int | None = None
    for figure in figures:
        value = figure.get("value")
        if figure.get("unit") != "participants" or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        number = int(value)
        if 0 < number <= 1_000_000 and (best is None or number > best):
            best = number
    return best

"""iCalendar (RFC 5545) export of events: text escaped (backslash, semicolon, comma, newline),
lines folded at 75 octets without splitting a UTF-8 character, CRLF line ends, times in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

PRODID = "-//Kenes//Campaign events//KK"


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, continuation lines starting with a space."""
    chunks: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, 74  # the leading space counts against the next line
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(event: Any, *, url: str, host: str, location: str, description: str) -> list[str]:
    status = {"cancelled": "CANCELLED", "held": "CONFIRMED"}.get(event.status, "CONFIRMED")
    ends_at = event.ends_at or event.starts_at + timedelta(hours=2)
    lines = [
        "BEGIN:VEVENT",
        f"UID:campaign-event-{event.pk}@{host}",
        f"DTSTAMP:{_utc(event.updated_at or event.created_at)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"STATUS:{status}",
        f"URL:{url}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(vevents: Iterable[list[str]], *, name: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for vevent in vevents:
        lines.extend(vevent)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def unfold_and_parse(text: str) -> list[dict[str, str]]:
    """A small reader used by the tests and by anyone checking an export: the VEVENTs with their
    unescaped property values."""
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT" and current is not None:
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            name, value = line.split(":", 1)
            current[name.split(";", 1)[0]] = _unescape(value)
    return events


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)

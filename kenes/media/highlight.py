"""The text of a news article with its extracted facts marked, built safely from spans: every
piece of text is escaped, only our own <mark> tags are added."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

KINDS = {"place", "person", "organization", "figure", "date"}


def highlight(text: str, spans: list[dict[str, Any]], offset: int = 0) -> SafeString:
    """`spans` point into a longer text; `offset` is where `text` starts in it. Overlapping spans:
    the first (then the longest) wins. Newlines become <br>."""
    chosen: list[tuple[int, int, str]] = []
    position = 0
    clean = []
    for span in spans:
        try:
            start, end, kind = int(span["start"]) - offset, int(span["end"]) - offset, str(span["kind"])
        except (KeyError, TypeError, ValueError):
            continue
        if kind in KINDS and 0 <= start < end <= len(text):
            clean.append((start, end, kind))
    for start, end, kind in sorted(clean, key=lambda s: (s[0], -s[1])):
        if start >= position:
            chosen.append((start, end, kind))
            position = end
    parts: list[str] = []
    position = 0
    for start, end, kind in chosen:
        parts.append(escape(text[position:start]))
        parts.append(f'<mark class="fact fact-{kind}" data-kind="{kind}">{escape(text[start:end])}</mark>')
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>\n"))  # every piece is escaped above

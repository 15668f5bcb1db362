"""Small server-rendered SVG charts (no JavaScript): horizontal bars for plan against done, and
columns over time. Every label is escaped; the numbers are drawn as text too, for screen readers
and for printing."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PLAN_COLOUR = "#b0bec5"
DONE_COLOUR = "#1e88e5"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(rows: Sequence[tuple[str, float, float]], *, title: str, plan_label: str, done_label: str,
              width: int = 640) -> str:
    """One row per label: a grey bar for the plan and a blue bar for what is done, on one scale."""
    bar_height, gap, label_width, top = 10, 8, 190, 28
    height = top + len(rows) * (2 * bar_height + gap) + 10
    scale_width = width - label_width - 60
    biggest = max([max(plan, done) for _, plan, done in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{label_width}" y="4" width="10" height="10" fill="{PLAN_COLOUR}"/>'
        f'<text x="{label_width + 14}" y="13" font-size="11">{escape(plan_label)}</text>',
        f'<rect x="{label_width + 120}" y="4" width="10" height="10" fill="{DONE_COLOUR}"/>'
        f'<text x="{label_width + 134}" y="13" font-size="11">{escape(done_label)}</text>',
    ]
    for i, (label, plan, done) in enumerate(rows):
        y = top + i * (2 * bar_height + gap)
        plan_w = scale_width * plan / biggest
        done_w = scale_width * done / biggest
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height + 4}" font-size="11" text-anchor="end">'
            f"{escape(label[:32])}</text>"
            f'<rect x="{label_width}" y="{y}" width="{_n(plan_w)}" height="{bar_height}" fill="{PLAN_COLOUR}"/>'
            f'<rect x="{label_width}" y="{y + bar_height}" width="{_n(done_w)}" height="{bar_height}" fill="{DONE_COLOUR}"/>'
            f'<text x="{label_width + max(plan_w, done_w) + 4}" y="{y + bar_height + 4}" font-size="10">'
            f"{_n(done)} / {_n(plan)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(columns: Sequence[tuple[str, float, float]], *, title: str, plan_label: str, done_label: str,
                 width: int = 640, height: int = 220) -> str:
    """Columns over time: per period, what was scheduled (grey) and what was held (blue)."""
    left, bottom, top = 36, 40, 24
    inner_h = height - top - bottom
    slot = (width - left - 10) / max(len(columns), 1)
    biggest = max([max(plan, done) for _, plan, done in columns] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{left}" y="4" width="10" height="10" fill="{PLAN_COLOUR}"/>'
        f'<text x="{left + 14}" y="13" font-size="11">{escape(plan_label)}</text>',
        f'<rect x="{left + 120}" y="4" width="10" height="10" fill="{DONE_COLOUR}"/>'
        f'<text x="{left + 134}" y="13" font-size="11">{escape(done_label)}</text>',
        f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end">{_n(biggest)}</text>',
        f'<line x1="{left}" y1="{top + inner_h}" x2="{width - 10}" y2="{top + inner_h}" stroke="#90a4ae"/>',
    ]
    bar_w = max(slot / 2 - 2, 1)
    for i, (label, plan, done) in enumerate(columns):
        x = left + i * slot
        plan_h = inner_h * plan / biggest
        done_h = inner_h * done / biggest
        parts.append(
            f'<rect x="{_n(x + 1)}" y="{_n(top + inner_h - plan_h)}" width="{_n(bar_w)}" height="{_n(plan_h)}" '
            f'fill="{PLAN_COLOUR}"><title>{escape(label)}: {_n(plan)}</title></rect>'
            f'<rect x="{_n(x + 1 + bar_w)}" y="{_n(top + inner_h - done_h)}" width="{_n(bar_w)}" height="{_n(done_h)}" '
            f'fill="{DONE_COLOUR}"><title>{escape(label)}: {_n(done)}</title></rect>'
        )
        if len(columns) <= 16 or i % max(len(columns) // 12, 1) == 0:
            parts.append(
                f'<text x="{_n(x + slot / 2)}" y="{height - bottom + 14}" font-size="9" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)

"""The commission's report as an XLSX workbook (openpyxl, write-only mode)."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell(value: Any) -> Any:
    """A value safe for a spreadsheet: no control characters, no formula injection."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)[:32000]
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
    return value


def bar_sheet(book: Workbook, title: str, first: str, rows: list[Any]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append([first, _("Proposals"), _("Answered")])
    for bar in rows:
        sheet.append([cell(bar.label), bar.value, bar.answered])


def workbook(tables: dict[str, Any]) -> bytes:
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Summary")[:31])
    summary.append([_("Proposals"), tables["total"]])
    summary.append([_("Answered"), tables["answered"]])
    for _status, label, n in tables["statuses"]:
        summary.append([cell(str(label)), n])
    bar_sheet(book, _("By article"), _("Article"), tables["articles"])
    bar_sheet(book, _("By theme"), _("Theme"), tables["themes"])
    bar_sheet(book, _("By region"), _("Region"), tables["regions"])
    bar_sheet(book, _("By channel"), _("Channel"), tables["channels"])
    groups = book.create_sheet(_("Groups")[:31])
    groups.append(
        [_("Number"), _("Kind"), _("Label"), _("Size"), _("Answered"), _("Regions"), _("First seen"), _("Last seen")]
    )
    for group, answered in tables["groups"]:
        groups.append(
            [
                group.pk,
                cell(str(group.get_kind_display())),
                cell(group.display_label),
                group.size,
                answered,
                len(group.regions),
                group.first_seen.replace(tzinfo=None) if group.first_seen else None,
                group.last_seen.replace(tzinfo=None) if group.last_seen else None,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

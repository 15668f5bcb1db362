"""Opaque cursors for keyset pagination (`results` + `next_cursor`, as `/proposals` pages): a cursor is the
sort key of the last row of a page, base64-encoded; a forged or damaged cursor is a 422, never a 500."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from kenes.api.common import MAX_ID, ApiError


def encode(*parts: object) -> str:
    """`encode(stamp, pk)` → an opaque cursor; None becomes an empty part."""
    raw = "|".join("" if p is None else (p.isoformat() if isinstance(p, date) else str(p)) for p in parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def invalid() -> ApiError:
    return ApiError(422, "invalid", _("The cursor is not valid; start again without it."))


def _parts(cursor: str, count: int) -> list[str]:
    if len(cursor) > 200 or not cursor.isascii():
        raise invalid()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise invalid() from None
    parts = raw.split("|")
    if len(parts) != count:
        raise invalid()
    return parts


def _pk(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise invalid()
    return int(text)


def decode_pk(cursor: str) -> int:
    (pk,) = _parts(cursor, 1)
    return _pk(pk)


def decode_datetime_pk(cursor: str) -> tuple[datetime, int]:
    stamp, pk = _parts(cursor, 2)
    try:
        moment = parse_datetime(stamp)
    except ValueError:
        moment = None
    if moment is None:
        raise invalid()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment, _pk(pk)


def decode_date_pk(cursor: str) -> tuple[date | None, int]:
    """A nullable date ("" for none) and a primary key."""
    day, pk = _parts(cursor, 2)
    parsed: date | None = None
    if day:
        try:
            parsed = parse_date(day)
        except ValueError:
            parsed = None
        if parsed is None:
            raise invalid()
    return parsed, _pk(pk)


DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def day(value: str | None, field: str) -> date | None:
    """A `YYYY-MM-DD` query parameter (checked by DAY_PATTERN first) as a date; an impossible day is a 422.
    (pydantic's own date parsing would also take a number of seconds since 1970.)"""
    if value is None:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ApiError(422, "invalid", _("Not a valid date (YYYY-MM-DD): %(field)s") % {"field": field})
    return parsed

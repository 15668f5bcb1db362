"""Reading a work plan from a CSV (UTF-8 or cp1251, comma, semicolon or tab) or XLSX file.

One row is one planned event. Columns are found by their header in English, Russian or Kazakh
(see COLUMNS); values of type, format, audiences and themes by slug or by their name in any of
the three languages. Every bad row is reported with its row number (the header is row 1) and
the reason; the good rows are returned to be saved.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from kenes.campaign.districts import find_district
from kenes.campaign.models import Audience, EventFormat, EventType
from kenes.campaign.themes import all_themes
from kenes.xlsx import WorkbookError, WorkbookTooLarge, read_first_sheet

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_TITLE = 300
MAX_TEXT = 2000
MAX_ATTENDANCE = 1_000_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "key", "code", "№", "no", "номер", "код", "нөмірі", "коды"),
    "date": ("date", "дата", "күні", "күн"),
    "time": ("time", "start", "время", "начало", "уақыты", "басталуы"),
    "end_time": ("end_time", "end", "окончание", "аяқталуы"),
    "type": ("type", "event_type", "тип", "вид", "түрі"),
    "format": ("format", "формат", "форматы", "өткізу_форматы"),
    "title": ("title", "event", "name", "название", "мероприятие", "атауы", "іс-шара", "іс_шара"),
    "place": ("place", "venue", "место", "место_проведения", "орны", "өтетін_орны"),
    "district": ("district", "район", "ауданы", "аудан"),
    "audiences": ("audiences", "audience", "аудитория", "целевая_аудитория", "аудиториясы", "қатысушылар_тобы"),
    "themes": ("themes", "theme", "темы", "тема", "тақырыптар", "тақырып"),
    "expected": ("expected", "expected_attendance", "participants", "охват", "участники", "ожидаемое_число",
                 "қатысушылар", "қатысушылар_саны", "болжамды_саны"),
    "organisers": ("organisers", "organizers", "организаторы", "ұйымдастырушылар"),
    "link": ("link", "url", "online_url", "ссылка", "сілтеме"),
    "description": ("description", "описание", "сипаттама"),
}
REQUIRED = ("date", "type", "title")

# How plans written by people name types, formats and audiences in Kazakh and Russian (besides
# the slugs and the interface labels). Data for the parser, not interface text.
ALIASES: dict[str, tuple[str, ...]] = {
    "meeting": ("кездесу", "кездесулер", "жиын", "встреча", "встречи", "собрание"),
    "round_table": ("дөңгелек үстел", "круглый стол"),
    "plenary_session": ("пленарлық отырыс", "кеңейтілген пленарлық отырыс", "пленарное заседание", "пленум"),
    "visit": ("сапар", "жұмыс сапары", "визит", "рабочая поездка", "выезд"),
    "forum": ("форум",),
    "public_hearing": ("қоғамдық тыңдау", "общественные слушания", "публичные слушания"),
    "explanatory_work": ("түсіндіру жұмысы", "түсіндіру", "разъяснительная работа", "разъяснение"),
    "coalition_founding": ("коалиция құру", "коалицияның құрылуы", "создание коалиции", "учреждение коалиции"),
    "offline": ("офлайн", "очно", "очный", "бетпе-бет"),
    "online": ("онлайн", "дистанционно", "онлайн-формат"),
    "hybrid": ("аралас", "гибрид", "гибридный", "смешанный", "офлайн және онлайн", "офлайн и онлайн"),
    "general_public": ("тұрғындар", "жұртшылық", "халық", "жители", "население", "общественность"),
    "youth": ("жастар", "студенттер", "молодёжь", "молодежь", "студенты"),
    "workers": ("жұмысшылар", "еңбек ұжымдары", "мұнайшылар", "рабочие", "трудовые коллективы"),
    "business": ("кәсіпкерлер", "бизнес", "шағын бизнес", "предприниматели"),
    "veterans": ("ардагерлер", "ветераны"),
    "teachers": ("мұғалімдер", "педагогтер", "ұстаздар", "учителя", "педагоги"),
    "medics": ("дәрігерлер", "медицина қызметкерлері", "медики", "врачи", "медицинские работники"),
    "intelligentsia": ("зиялы қауым", "зиялылар", "интеллигенция"),
    "officials": ("мемлекеттік қызметшілер", "әкімдік", "госслужащие", "чиновники", "акимат"),
    "deputies": ("депутаттар", "мәслихат депутаттары", "депутаты", "депутаты маслихата"),
    "party_members": ("партия мүшелері", "члены партии", "партийцы"),
    "ngo": ("үеұ", "қоғамдық ұйымдар", "нпо", "общественные организации"),
    "experts": ("сарапшылар", "ғалымдар", "эксперты", "учёные", "ученые"),
    "volunteers": ("еріктілер", "волонтерлер", "волонтёры", "волонтеры"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (nothing is imported)."""


@dataclass
class PlanRow:
    line: int
    key: str
    title: str
    event_type: str
    format: str
    online_url: str
    starts_at: datetime
    ends_at: datetime | None
    district: str
    place: str
    organisers: str
    audiences: list[str]
    themes: list[str]
    expected_attendance: int
    description: str


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ParsedPlan:
    rows: list[PlanRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _norm(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value or "").strip().casefold()).strip("_")


@cache
def _header_index() -> dict[str, str]:
    index = {}
    for column, names in COLUMNS.items():
        for name in names:
            index[_norm(name)] = column
    return index


def _labels(choices: Any) -> dict[str, str]:
    """Every way to write a choice: its slug, its aliases and its label in kk, ru and en (case-folded)."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[_norm(value)] = value
        for alias in ALIASES.get(value, ()):
            found[_norm(alias)] = value
        for language in ("en", "ru", "kk"):
            with translation.override(language):
                found.setdefault(_norm(str(label)), value)
    return found


def _theme_labels() -> dict[str, str]:
    found = {}
    for theme in all_themes():
        for name in (theme.slug, theme.name_kk, theme.name_ru, theme.name_en):
            found[_norm(name)] = theme.slug
    return found


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError:
        raise ImportFileError(_("the file is neither UTF-8 nor Windows-1251 text")) from None


def _read_csv(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileError(_("the file is not a text table (CSV) or an XLSX workbook"))
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(_("the CSV file is broken")) from exc


def _read_xlsx(data: bytes) -> list[list[Any]]:
    try:
        rows = read_first_sheet(data, max_unpacked_bytes=20 * MAX_FILE_BYTES, max_rows=MAX_ROWS + 2)
    except WorkbookTooLarge as exc:
        raise ImportFileError(_("the XLSX workbook unpacks to too much data")) from exc
    except WorkbookError as exc:
        raise ImportFileError(_("the XLSX workbook cannot be read")) from exc
    return [list(row) for row in rows]


def read_table(data: bytes, filename: str = "") -> list[list[Any]]:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("the file is larger than %(mb)d MB") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    if not data.strip():
        raise ImportFileError(_("the file is empty"))
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        rows = _read_xlsx(data)
    else:
        rows = _read_csv(data)
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(_("the file has more than %(n)d rows") % {"n": MAX_ROWS})
    return rows


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("«%(value)s» is not a date (use YYYY-MM-DD or DD.MM.YYYY)") % {"value": text[:40]})


def _parse_time(value: Any, default: time | None) -> time | None:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, timedelta):
        return (datetime.min + value).time()
    text = str(value or "").strip()
    if not text:
        return default
    for fmt in ("%H:%M", "%H.%M", "%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise ValueError(_("«%(value)s» is not a time (use HH:MM)") % {"value": text[:20]})


def _split(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", str(value or "")) if part.strip()]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def row_key(values: dict[str, Any]) -> str:
    """The identity of a row: its id column, or a digest of date, time, title, place and district."""
    if _cell(values.get("id")):
        return "id:" + _cell(values.get("id"))[:60]
    parts = [_cell(values.get(name)).casefold() for name in ("date", "time", "title", "place", "district")]
    return "h:" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:40]


def parse_plan(data: bytes, *, region: str, filename: str = "") -> ParsedPlan:
    """Rows of a plan file for a coalition in `region`. Raises ImportFileError for a broken file."""
    table = read_table(data, filename)
    header_line = next((i for i, row in enumerate(table) if any(_cell(c) for c in row)), None)
    if header_line is None:
        raise ImportFileError(_("the file is empty"))
    index = _header_index()
    columns = {i: index.get(_norm(name)) for i, name in enumerate(table[header_line])}
    present = {c for c in columns.values() if c}
    missing = [c for c in REQUIRED if c not in present]
    if missing:
        raise ImportFileError(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})

    types, formats, audiences, themes = (
        _labels(EventType.choices), _labels(EventFormat.choices), _labels(Audience.choices), _theme_labels(),
    )
    tz = ZoneInfo(settings.TIME_ZONE)
    url_ok = URLValidator(schemes=["http", "https"])
    result = ParsedPlan()
    seen: dict[str, int] = {}
    for offset, raw in enumerate(table[header_line + 1 :], start=header_line + 2):
        values: dict[str, Any] = {}
        for i, cell in enumerate(raw):
            column = columns.get(i)
            if column and column not in values:
                values[column] = cell
        if not any(_cell(v) for v in values.values()):
            continue
        try:
            row = _parse_row(offset, values, region=region, tz=tz, url_ok=url_ok,
                             types=types, formats=formats, audiences=audiences, themes=themes)
        except ValueError as exc:
            result.errors.append(RowError(offset, str(exc)))
            continue
        if row.key in seen:
            result.errors.append(RowError(offset, _("the same event as row %(n)d") % {"n": seen[row.key]}))
            continue
        seen[row.key] = offset
        result.rows.append(row)
    return result


def _parse_row(line: int, values: dict[str, Any], *, region: str, tz: ZoneInfo, url_ok: URLValidator,
               types: dict[str, str], formats: dict[str, str], audiences: dict[str, str],
               themes: dict[str, str]) -> PlanRow:
    title = _cell(values.get("title"))
    if not title:
        raise ValueError(_("the title is empty"))
    if len(title) > MAX_TITLE:
        raise ValueError(_("the title is longer than %(n)d characters") % {"n": MAX_TITLE})
    day = _parse_date(values.get("date"))
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise ValueError(_("the date %(value)s is out of range") % {"value": day.isoformat()})
    start = _parse_time(values.get("time"), time(10, 0))
    end = _parse_time(values.get("end_time"), None)
    assert start is not None
    starts_at = datetime.combine(day, start, tzinfo=tz)
    ends_at = datetime.combine(day, end, tzinfo=tz) if end else None
    if ends_at is not None and ends_at <= starts_at:
        raise ValueError(_("the event ends before it starts"))

    type_text = _cell(values.get("type"))
    event_type = types.get(_norm(type_text))
    if event_type is None:
        raise ValueError(_("unknown event type «%(value)s»") % {"value": type_text[:60]})
    format_text = _cell(values.get("format"))
    event_format = formats.get(_norm(format_text)) if format_text else EventFormat.OFFLINE.value
    if event_format is None:
        raise ValueError(_("unknown format «%(value)s»") % {"value": format_text[:60]})
    link = _cell(values.get("link"))
    if link:
        try:
            url_ok(link)
        except ValidationError:
            raise ValueError(_("the link «%(value)s» is not an http(s) address") % {"value": link[:80]}) from None
    if event_format != EventFormat.OFFLINE and not link:
        raise ValueError(_("an online or hybrid event needs a link"))

    district_text = _cell(values.get("district"))
    district = ""
    if district_text:
        found = find_district(region, district_text)
        if found is None:
            raise ValueError(_("the district «%(value)s» is not in this region") % {"value": district_text[:60]})
        district = found.code

    audience_list = []
    for item in _split(values.get("audiences")):
        slug = audiences.get(_norm(item))
        if slug is None:
            raise ValueError(_("unknown audience «%(value)s»") % {"value": item[:60]})
        if slug not in audience_list:
            audience_list.append(slug)
    theme_list = []
    for item in _split(values.get("themes")):
        slug = themes.get(_norm(item))
        if slug is None:
            raise ValueError(_("unknown theme «%(value)s»") % {"value": item[:60]})
        if slug not in theme_list:
            theme_list.append(slug)

    expected_text = _cell(values.get("expected"))
    expected = 0
    if expected_text:
        if not re.fullmatch(r"\d{1,7}", expected_text.replace(" ", "")):
            raise ValueError(_("the expected attendance «%(value)s» is not a whole number") % {"value": expected_text[:20]})
        expected = int(expected_text.replace(" ", ""))
        if expected > MAX_ATTENDANCE:
            raise ValueError(_("the expected attendance is too large"))

    place = _cell(values.get("place"))
    organisers = _cell(values.get("organisers"))
    description = _cell(values.get("description"))
    for label, text, limit in ((_("the place"), place, MAX_TITLE), (_("the organisers"), organisers, 500),
                               (_("the description"), description, MAX_TEXT)):
        if len(text) > limit:
            raise ValueError(_("%(field)s is longer than %(n)d characters") % {"field": label, "n": limit})
    return PlanRow(
        line=line, key=row_key(values), title=title, event_type=event_type, format=event_format, online_url=link,
        starts_at=starts_at, ends_at=ends_at, district=district, place=place, organisers=organisers,
        audiences=audience_list, themes=theme_list, expected_attendance=expected, description=description,
    )

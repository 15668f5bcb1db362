"""Reading proposal files (CSV, XLSX, JSONL) for `kenes import-proposals`.

- CSV: UTF-8 with or without BOM, or cp1251 (detected: the whole file must decode as UTF-8,
  otherwise cp1251); comma, semicolon or tab (detected on the first lines). A record with broken
  quoting that swallows the following lines is reported at its first line and reading resumes on
  the next line.
- XLSX: the first sheet (openpyxl, read-only); the first non-empty row is the header.
- JSONL: one JSON object per line.

Column names are matched case-insensitively against built-in English, Kazakh and Russian aliases
(`--mapping text=Мәтін,region=Өңір` overrides them). Rows without an id get `row-<n>` as their
source id, so rerunning the same file is idempotent too.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.drafts.models import Article, Version
from kenes.nlp.text import normalize
from kenes.proposals.actions import SubmissionError, create_proposals, prepare_proposal, stored_source_ids
from kenes.proposals.models import Channel, Kind, Proposal
from kenes.regions import all_regions
from kenes.xlsx import WorkbookError, read_first_sheet

FIELDS = ("id", "text", "article", "region", "kind", "created_at", "author", "channel")
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "source_id", "external_id", "number", "no", "№", "нөмір", "номер", "ид", "идентификатор"),
    "text": ("text", "proposal", "body", "message", "мәтін", "ұсыныс", "ұсыныс мәтіні", "текст", "предложение",
             "текст предложения", "содержание"),
    "article": ("article", "article_number", "бап", "бап нөмірі", "статья", "номер статьи"),
    "region": ("region", "oblast", "өңір", "облыс", "аймақ", "регион", "область"),
    "kind": ("kind", "type", "түрі", "тип", "вид"),
    "created_at": ("created_at", "date", "created", "submitted_at", "күні", "уақыты", "дата", "дата подачи"),
    "author": ("author", "author_name", "name", "автор", "аты-жөні", "аты", "фио", "имя", "заявитель"),
    "channel": ("channel", "арна", "канал"),
}
KIND_WORDS: dict[str, str] = {
    "amend": Kind.AMEND, "amendment": Kind.AMEND, "өзгерту": Kind.AMEND, "өзгеріс": Kind.AMEND,
    "изменить": Kind.AMEND, "изменение": Kind.AMEND, "поправка": Kind.AMEND,
    "add": Kind.ADD, "addition": Kind.ADD, "қосу": Kind.ADD, "толықтыру": Kind.ADD, "добавить": Kind.ADD,
    "дополнение": Kind.ADD, "дополнить": Kind.ADD,
    "delete": Kind.DELETE, "remove": Kind.DELETE, "алып тастау": Kind.DELETE, "жою": Kind.DELETE,
    "исключить": Kind.DELETE, "удалить": Kind.DELETE, "исключение": Kind.DELETE,
    "comment": Kind.COMMENT, "пікір": Kind.COMMENT, "ескерту": Kind.COMMENT, "комментарий": Kind.COMMENT,
    "замечание": Kind.COMMENT, "мнение": Kind.COMMENT,
}
HISTORICAL = {Channel.IMPORT.value, Channel.MEETING.value, Channel.MEDIA.value}
MAX_CELL = 100_000  # characters; longer cells are refused (the text limit is far lower anyway)
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # bytes; larger workbooks (or zip bombs) are refused
MAX_RECORD_LINES = 200  # a CSV record spanning more physical lines is treated as broken quoting
DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%Y %H:%M")


class ImportFileError(Exception):
    """The file as a whole cannot be read (empty, binary, unknown format, no text column)."""


@dataclass
class RowError:
    row: int
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    already_present: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""

    def reject(self, row: int, reason: str) -> None:
        self.rejected += 1
        self.errors.append(RowError(row, reason))


# ---------------------------------------------------------------- detection and reading


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    if encoding != "auto":
        try:
            return data.decode("utf-8-sig" if encoding.replace("_", "-").lower() == "utf-8" else encoding), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise ImportFileError(
                _("cannot decode the file as %(encoding)s: %(error)s") % {"encoding": encoding, "error": error}
            ) from error
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as error:
        raise ImportFileError(_("the file is neither UTF-8 nor cp1251 text")) from error


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 20


def detect_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def detect_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if stripped.startswith(b"{") else "csv"


Row = tuple[int, dict[str, Any]] | RowError


def read_csv(text: str, delimiter: str) -> Iterator[Row]:
    """(line number, {header: value}) per record, or a RowError. Header is the first record."""
    lines = text.splitlines(keepends=True)
    position = 0  # index of the next physical line to read

    def reader_from(start: int) -> tuple[Any, Callable[[], int]]:
        counter = {"next": start}

        def feed() -> Iterator[str]:
            while counter["next"] < len(lines):
                counter["next"] += 1
                yield lines[counter["next"] - 1]

        return csv.reader(feed(), delimiter=delimiter, strict=False), lambda: counter["next"]

    reader, consumed = reader_from(position)
    header: list[str] | None = None
    while True:
        start = consumed()
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field limit" in str(error):
                yield RowError(start + 1, _("a cell is longer than %(max)d characters") % {"max": MAX_CELL})
            else:
                yield RowError(start + 1, _("unreadable CSV record: %(error)s") % {"error": error})
            reader, consumed = reader_from(start + 1)
            continue
        end = consumed()
        span = end - start
        too_big = any(len(cell) > MAX_CELL for cell in record)
        if header is None:
            if not any(cell.strip() for cell in record):
                continue
            header = [normalize(cell) for cell in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        extra = record[len(header):]
        short = len(record) < len(header)
        if span > 1 and (too_big or short or span > MAX_RECORD_LINES or any(c.strip() for c in extra)):
            yield RowError(start + 1, _("broken quoting: an unclosed quote runs over the following lines"))
            reader, consumed = reader_from(start + 1)
            continue
        if too_big:
            yield RowError(start + 1, _("a cell is longer than %(max)d characters") % {"max": MAX_CELL})
            continue
        if any(c.strip() for c in extra):
            yield RowError(
                start + 1,
                _("%(found)d columns where the header has %(expected)d") % {"found": len(record), "expected": len(header)},
            )
            continue
        yield start + 1, dict(zip(header, record, strict=False))


def read_jsonl(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_CELL * 2:
            yield RowError(number, _("the line is too long"))
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            yield RowError(number, _("not valid JSON: %(error)s") % {"error": error})
            continue
        if not isinstance(value, dict):
            yield RowError(number, _("not a JSON object"))
            continue
        yield number, value


def read_xlsx(data: bytes) -> Iterator[Row]:
    """All rows are read (and a broken sheet refused) before the first one is yielded, so a file
    broken in the middle imports nothing."""
    try:
        rows = read_first_sheet(data, max_unpacked_bytes=MAX_XLSX_UNPACKED)
    except WorkbookError as error:  # WorkbookTooLarge too: its message says so
        raise ImportFileError(_("unreadable XLSX file: %(error)s") % {"error": error}) from error
    return _xlsx_records(rows)


def _xlsx_records(rows: list[tuple[Any, ...]]) -> Iterator[Row]:
    header: list[str] | None = None
    for number, values in enumerate(rows, start=1):
        cells = ["" if v is None else v for v in values]
        if not any(str(c).strip() for c in cells):
            continue
        if header is None:
            header = [normalize(str(c)) for c in cells]
            continue
        if any(isinstance(c, str) and len(c) > MAX_CELL for c in cells):
            yield RowError(number, _("a cell is longer than %(max)d characters") % {"max": MAX_CELL})
            continue
        yield number, dict(zip(header, cells, strict=False))


def read_rows(path: Path, report: ImportReport, *, encoding: str = "auto", delimiter: str = "auto") -> Iterator[Row]:
    data = path.read_bytes()
    if not data.strip():
        raise ImportFileError(_("the file is empty"))
    report.file_format = detect_format(path, data)
    if report.file_format == "xlsx":
        return read_xlsx(data)
    if looks_binary(data):
        raise ImportFileError(_("the file looks binary, not CSV, XLSX or JSONL"))
    text, report.encoding = decode(data, encoding)
    if report.file_format == "jsonl":
        return read_jsonl(text)
    report.delimiter = detect_delimiter(text) if delimiter == "auto" else delimiter
    return read_csv(text, report.delimiter)


# ---------------------------------------------------------------- mapping rows to proposals


def parse_mapping(value: str) -> dict[str, str]:
    """'text=Мәтін,region=Өңір' -> {"text": "мәтін", "region": "өңір"} (column names lowercased)."""
    mapping: dict[str, str] = {}
    for part in (value or "").split(","):
        if not part.strip():
            continue
        key, sep, column = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in FIELDS or not column.strip():
            raise ImportFileError(
                _("bad mapping \"%(part)s\": use field=Column with fields %(fields)s")
                % {"part": part.strip(), "fields": ", ".join(FIELDS)}
            )
        mapping[key] = normalize(column).lower()
    return mapping


def resolve_columns(keys: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Field -> the row key holding it."""
    by_lower = {normalize(str(k)).lower(): k for k in keys}
    columns: dict[str, str] = {}
    for name in FIELDS:
        if name in mapping:
            if mapping[name] not in by_lower:
                raise ImportFileError(
                    _("--mapping: no column \"%(column)s\" for %(field)s in the file") % {"column": mapping[name], "field": name}
                )
            columns[name] = by_lower[mapping[name]]
            continue
        for alias in ALIASES[name]:
            if alias in by_lower:
                columns[name] = by_lower[alias]
                break
    return columns


def _region_key(value: str) -> str:
    return re.sub(r"[^\w]+", " ", normalize(value).lower()).strip()


_REGION_SUFFIXES = (" облысы", " область", " region", " обл", " қаласы", " город", " city")


def region_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for region in all_regions():
        for name in (region.slug, region.name_kk, region.name_ru, region.name_en):
            key = _region_key(name)
            table[key] = region.slug
            for suffix in _REGION_SUFFIXES:
                if key.endswith(suffix):
                    table[key[: -len(suffix)].strip()] = region.slug
    return table


def resolve_region(value: str, table: dict[str, str]) -> str | None:
    key = _region_key(value)
    if not key:
        return ""
    if key in table:
        return table[key]
    for prefix in ("г ", "город ", "г. "):
        if key.startswith(prefix) and key[len(prefix):] in table:
            return table[key[len(prefix):]]
    return None


def parse_datetime_value(value: Any) -> datetime | None:
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for pattern in DATE_FORMATS:
                try:
                    moment = datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if moment is None:
            raise ValueError(_("unreadable date \"%(value)s\"") % {"value": text[:40]})
    assert moment is not None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


_ARTICLE_NUMBER = re.compile(r"(\d{1,4})(?:-(\d{1,2})(?!\d))?")


def cell(row: dict[str, Any], columns: dict[str, str], name: str) -> str:
    key = columns.get(name)
    if key is None:
        return ""
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def row_source_id(number: int, row: dict[str, Any], columns: dict[str, str]) -> str:
    return (cell(row, columns, "id") or f"row-{number}")[:200]


@dataclass
class RowContext:
    version: Version
    source: str
    default_channel: str
    articles: dict[tuple[int, int], Article]
    regions: dict[str, str]
    now: datetime


def build_proposal(number: int, row: dict[str, Any], columns: dict[str, str], ctx: RowContext) -> Proposal:
    """A prepared Proposal for one row, or ValueError / SubmissionError with the reason."""
    text = cell(row, columns, "text")
    if not text:
        raise ValueError(_("no text"))
    article: Article | None = None
    article_value = cell(row, columns, "article")
    if article_value:
        match = _ARTICLE_NUMBER.search(article_value)
        if not match:
            raise ValueError(_("unreadable article \"%(value)s\"") % {"value": article_value[:40]})
        key = (int(match.group(1)), int(match.group(2) or 0))
        article = ctx.articles.get(key)
        if article is None:
            raise ValueError(
                _("no article %(article)s in version %(version)s") % {"article": match.group(0), "version": ctx.version.name}
            )
    region = resolve_region(cell(row, columns, "region"), ctx.regions)
    if region is None:
        raise ValueError(_("unknown region \"%(value)s\"") % {"value": cell(row, columns, "region")[:60]})
    kind_value = normalize(cell(row, columns, "kind")).lower()
    kind = KIND_WORDS.get(kind_value, kind_value) if kind_value else Kind.COMMENT
    if kind not in Kind.values:
        raise ValueError(_("unknown kind \"%(value)s\"") % {"value": kind_value[:40]})
    channel = cell(row, columns, "channel").lower() or ctx.default_channel
    if channel not in HISTORICAL:
        raise ValueError(
            _("channel \"%(value)s\" cannot be imported (use import, meeting or media)") % {"value": channel[:20]}
        )
    created_at = parse_datetime_value(row.get(columns["created_at"]) if "created_at" in columns else "")
    source_id = row_source_id(number, row, columns)
    return prepare_proposal(
        version=ctx.version, article=article, text=text, kind=kind, region=region, channel=channel,
        author_name=cell(row, columns, "author"), source=ctx.source, source_id=source_id,
        created_at=created_at, now=ctx.now,
    )


def import_file(
    path: Path,
    *,
    version: Version,
    source: str,
    mapping: dict[str, str] | None = None,
    encoding: str = "auto",
    delimiter: str = "auto",
    channel: str = Channel.IMPORT,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every good row of the file; bad rows go to the report with their row number.
    Each batch is one transaction, so an interrupted import resumes when rerun."""
    report = ImportReport()
    rows = read_rows(path, report, encoding=encoding, delimiter=delimiter)
    ctx = RowContext(
        version=version, source=source, default_channel=channel,
        articles={(a.number, a.sub_number): a for a in Article.objects.filter(version=version)},
        regions=region_lookup(), now=timezone.now(),
    )
    columns: dict[str, str] | None = None
    batch: list[tuple[int, dict[str, Any]]] = []

    def flush(columns: dict[str, str]) -> None:
        """Rows already stored are counted without being parsed again (fast reruns and resumes);
        the others are prepared, and the good ones stored in one transaction."""
        if not batch:
            return
        keys = {number: (source, row_source_id(number, row, columns)) for number, row in batch}
        present = stored_source_ids(list(keys.values()))
        prepared: list[Proposal] = []
        for number, row in batch:
            if keys[number] in present:
                report.already_present += 1
                continue
            try:
                prepared.append(build_proposal(number, row, columns, ctx))
            except (ValueError, SubmissionError) as error:
                report.reject(number, str(error))
        if prepared:
            result = create_proposals(proposals=prepared)
            report.created += len(result.created)
            report.already_present += len(result.already_present)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for item in rows:
        report.read += 1
        if isinstance(item, RowError):
            report.reject(item.row, item.reason)
            if progress is not None:
                progress(1)
            continue
        number, row = item
        if columns is None:
            columns = resolve_columns(list(row.keys()), mapping or {})
            if "text" not in columns:
                raise ImportFileError(
                    _("no text column: name one with --mapping text=<column> (columns: %(columns)s)")
                    % {"columns": ", ".join(str(k)[:40] for k in list(row.keys())[:20])}
                )
        batch.append((number, row))
        if len(batch) >= batch_size:
            flush(columns)
    if columns is not None:
        flush(columns)
    report.errors.sort(key=lambda error: error.row)
    if report.read == 0:
        raise ImportFileError(_("no rows: the file has a header at most"))
    return report

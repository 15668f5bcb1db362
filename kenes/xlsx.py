"""Reading the first sheet of an untrusted XLSX workbook (uploads and imports).

An XLSX file is a zip archive: a small file can unpack to gigabytes (a zip bomb). The sizes the
archive declares are checked before openpyxl unpacks anything (zipfile itself never yields more
bytes than declared), and every error openpyxl raises while opening the workbook or parsing the
sheet lazily (broken zip, missing part, XML that is not well-formed or declares entities) becomes
one `WorkbookError`, so a caller turns it into its own file-level message. All rows are read
before they are returned: a file broken in the middle imports nothing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

RATIO_FLOOR = 16 * 1024 * 1024  # below this many unpacked bytes any compression ratio is fine


class WorkbookError(ValueError):
    """The workbook cannot be read (broken, not an XLSX file)."""


class WorkbookTooLarge(WorkbookError):
    """The workbook unpacks to too much data (a zip bomb or simply too big)."""


def check_unpacked_size(data: bytes, *, max_unpacked_bytes: int, max_ratio: float) -> None:
    """Raise WorkbookTooLarge when the archive declares more than `max_unpacked_bytes` unpacked, or
    (above RATIO_FLOOR) more than `max_ratio` times its packed size; WorkbookError when it is not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise WorkbookError(f"not an XLSX (zip) file: {error}") from error
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if unpacked > max_unpacked_bytes:
        raise WorkbookTooLarge(f"the workbook unpacks to {unpacked} bytes (at most {max_unpacked_bytes})")
    if unpacked > RATIO_FLOOR and unpacked > max_ratio * max(packed, 1):
        raise WorkbookTooLarge(f"the workbook unpacks to {unpacked} bytes from {packed} (a zip bomb?)")


def read_first_sheet(
    source: bytes | Path, *, max_unpacked_bytes: int, max_ratio: float = 100, max_rows: int | None = None
) -> list[tuple[Any, ...]]:
    """The values of the first sheet's rows (at most `max_rows` of them, when given)."""
    from openpyxl import load_workbook

    data = source.read_bytes() if isinstance(source, Path) else source
    check_unpacked_size(data, max_unpacked_bytes=max_unpacked_bytes, max_ratio=max_ratio)
    rows: list[tuple[Any, ...]] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise WorkbookError("the workbook has no sheet")
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(tuple(row))
                if max_rows is not None and len(rows) >= max_rows:
                    break
        finally:
            workbook.close()
    except WorkbookError:
        raise
    # openpyxl raises many kinds on a hostile file, while opening and while parsing rows lazily:
    # BadZipFile, KeyError, ParseError (a SyntaxError), defusedxml's errors, InvalidFileException …
    except Exception as error:
        raise WorkbookError(f"not a readable XLSX workbook: {type(error).__name__}: {error}"[:300]) from error
    return rows

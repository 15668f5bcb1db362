"""kenes.xlsx: the shared, size-checked reader of untrusted XLSX workbooks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kenes.xlsx import RATIO_FLOOR, WorkbookError, WorkbookTooLarge, check_unpacked_size, read_first_sheet
from tests.security.hostile import xlsx, xlsx_bomb

HEADER = ["id", "text", "region"]


def broken_after_rows(count: int) -> bytes:
    """A workbook whose sheet XML is cut off after `count` good rows."""
    good = xlsx([HEADER, *[[str(n), f"proposal number {n}", "atyrau"] for n in range(count)]])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b"</sheetData>")] + b"<row r="
            archive.writestr(info.filename, data)
    return out.getvalue()


def test_rows_of_a_good_workbook_and_max_rows() -> None:
    data = xlsx([HEADER, ["1", "hello", "atyrau"], ["2", "world", "abai"]])
    assert read_first_sheet(data, max_unpacked_bytes=10**6) == [
        tuple(HEADER),
        ("1", "hello", "atyrau"),
        ("2", "world", "abai"),
    ]
    assert len(read_first_sheet(data, max_unpacked_bytes=10**6, max_rows=2)) == 2


def test_absolute_unpacked_limit() -> None:
    data = xlsx([HEADER, ["1", "hello", "atyrau"]])
    with pytest.raises(WorkbookTooLarge):
        read_first_sheet(data, max_unpacked_bytes=1000)


def test_ratio_limit_applies_above_the_floor_only() -> None:
    bomb = xlsx_bomb(HEADER, RATIO_FLOOR // 2**20 + 4)
    with pytest.raises(WorkbookTooLarge):
        check_unpacked_size(bomb, max_unpacked_bytes=10**9, max_ratio=100)
    check_unpacked_size(bomb, max_unpacked_bytes=10**9, max_ratio=10**6)  # a looser ratio lets it through
    small = xlsx_bomb(HEADER, 1)  # highly compressed too, but small: fine
    check_unpacked_size(small, max_unpacked_bytes=10**9, max_ratio=100)


def test_xml_broken_after_good_rows_is_one_error() -> None:
    with pytest.raises(WorkbookError) as caught:
        read_first_sheet(broken_after_rows(50), max_unpacked_bytes=10**7)
    assert not isinstance(caught.value, WorkbookTooLarge)


def test_not_a_zip() -> None:
    with pytest.raises(WorkbookError):
        read_first_sheet(b"id,text\n1,x\n", max_unpacked_bytes=10**6)


@pytest.mark.django_db
def test_proposals_import_of_a_broken_workbook_stores_nothing(draft: Any, tmp_path: Path) -> None:
    from kenes.proposals import importing
    from kenes.proposals.models import Proposal

    path = tmp_path / "broken.xlsx"
    path.write_bytes(broken_after_rows(30))
    with pytest.raises(importing.ImportFileError):
        importing.import_file(path, version=draft, source="broken", batch_size=5)
    assert Proposal.objects.count() == 0


@pytest.mark.django_db
def test_the_same_rows_unbroken_are_imported(draft: Any, tmp_path: Path) -> None:
    """The control for the test above: these rows are good, so only the breakage stops them."""
    from kenes.proposals import importing

    path = tmp_path / "good.xlsx"
    path.write_bytes(xlsx([HEADER, *[[str(n), f"proposal number {n}", "atyrau"] for n in range(30)]]))
    report = importing.import_file(path, version=draft, source="good", batch_size=5)
    assert report.created == 30

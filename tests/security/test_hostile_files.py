"""Hostile files against every importer (proposals, campaign plans, referendum protocols): zip
bombs, malformed XLSX, entity expansion, broken CSV quoting, invalid UTF-8 and wrong encodings.

Each importer must answer with its clear ImportFileError (or report bad rows and go on), never
crash with another exception, and never unpack a bomb into memory. Entity expansion is refused
by openpyxl itself because defusedxml is installed (pyproject.toml).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.hostile import BROKEN_CSV, broken_xlsx_files, xlsx, xlsx_bomb

PROPOSAL_HEADER = ["id", "text", "region"]
PLAN_HEADER = ["title", "date", "kind"]
PROTOCOL_HEADER = ["precinct", "question", "voters"]

BOMB_MB = 120  # ~120 KB packed; unpacking it in memory costs ~300 MB


def read_proposals(data: bytes, filename: str) -> Any:
    from kenes.proposals import importing

    path = Path(_tmp_dir) / filename
    path.write_bytes(data)
    report = importing.ImportReport()
    return list(importing.read_rows(path, report))


def read_plan(data: bytes, filename: str) -> Any:
    from kenes.campaign.plan_import import read_table

    return read_table(data, filename)


def read_protocols(data: bytes, filename: str) -> Any:
    from kenes.referendum.actions import read_rows

    return read_rows(data, filename, required=("precinct",))


def error_class(reader: str) -> type[Exception]:
    if reader == "proposals":
        from kenes.proposals.importing import ImportFileError as ProposalsError

        return ProposalsError
    if reader == "campaign":
        from kenes.campaign.plan_import import ImportFileError as CampaignError

        return CampaignError
    from kenes.referendum.actions import ImportFileError as ReferendumError

    return ReferendumError


READERS: dict[str, tuple[Callable[[bytes, str], Any], list[str]]] = {
    "proposals": (read_proposals, PROPOSAL_HEADER),
    "campaign": (read_plan, PLAN_HEADER),
    "referendum": (read_protocols, PROTOCOL_HEADER),
}
_tmp_dir = ""


@pytest.fixture(autouse=True)
def _tmp(tmp_path: Path) -> None:
    global _tmp_dir
    _tmp_dir = str(tmp_path)


@pytest.mark.parametrize("reader", list(READERS))
def test_xlsx_zip_bomb_is_refused_before_unpacking(reader: str) -> None:
    read, header = READERS[reader]
    data = xlsx_bomb(header, BOMB_MB)
    assert len(data) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(error_class(reader)):
            read(data, "bomb.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"{reader} held {peak // 2**20} MiB while reading a {len(data) // 1024} KiB file"


BROKEN_XLSX = [
    "truncated.xlsx",
    "random.xlsx",
    "not-a-zip.xlsx",
    "no-workbook.xlsx",
    "bad-xml.xlsx",
    "billion-laughs.xlsx",
]


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("name", BROKEN_XLSX)
def test_broken_xlsx_files_get_a_clear_error(reader: str, name: str) -> None:
    """A sheet that is not well-formed XML, or declares entities (never legitimate in XLSX: the
    billion-laughs attack), is refused with the importer's own error."""
    read, header = READERS[reader]
    data = broken_xlsx_files(header)[name]
    with pytest.raises(error_class(reader)):
        read(data, name)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("case", list(BROKEN_CSV))
def test_broken_csv_gets_a_clear_error_or_rows(reader: str, case: str) -> None:
    read, _header = READERS[reader]
    try:
        read(BROKEN_CSV[case].encode(), f"{case}.csv")
    except error_class(reader):
        pass


ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "utf-16", "utf-16-le", "koi8-r", "latin-1"]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_wrong_encodings_never_crash(reader: str, encoding: str) -> None:
    read, header = READERS[reader]
    text = ",".join(header) + "\n" + ",".join(["Қазақстан Республикасы", "2026-03-15", "атырау"][: len(header)]) + "\n"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    try:
        read(data, "file.csv")
    except error_class(reader):
        pass


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.binary(max_size=3000), reader=st.sampled_from(list(READERS)), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_never_crash_a_reader(data: bytes, reader: str, suffix: str) -> None:
    read, _header = READERS[reader]
    try:
        read(data, "fuzz" + suffix)
    except error_class(reader):
        pass


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    cells=st.lists(st.lists(st.text(max_size=40), min_size=1, max_size=4), min_size=1, max_size=6),
    reader=st.sampled_from(list(READERS)),
)
def test_any_cells_in_a_real_xlsx_never_crash_a_reader(cells: list[list[str]], reader: str) -> None:
    read, header = READERS[reader]
    clean = [["".join(ch for ch in value if ch.isprintable()) for value in row] for row in cells]
    data = xlsx([header, *clean])
    try:
        read(data, "cells.xlsx")
    except error_class(reader):
        pass

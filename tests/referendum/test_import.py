"""CSV/XLSX import of protocols: every bad row reported with its number, the rest goes in,
idempotent, changed rows recorded as corrections, and broken files refused clearly."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kenes.nlp import tally
from kenes.referendum import actions
from kenes.referendum.models import EventKind, Protocol, ProtocolEvent, Status, Tally

pytestmark = pytest.mark.django_db

HEADER = ",".join(actions.IMPORT_COLUMNS)


@pytest.fixture(autouse=True)
def _english(_default_language: Any) -> Any:
    """Row messages are translated; these tests read the English ones."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_row_messages_are_translated(tree: dict[str, Any], good: dict[str, int]) -> None:
    from django.utils import translation

    with translation.override("kk"):
        report = run(tree, "\n".join([HEADER, line("999", good)]))
    assert report.errors == [(2, "белгісіз учаске «999»")]


def line(precinct: str, figures: dict[str, Any], question: str = "1", explanation: str = "") -> str:
    return ",".join([precinct, question, *(str(figures[n]) for n in tally.FIELDS), explanation])


def run(tree: dict[str, Any], text: str, user: Any = None, name: str = "protocols.csv") -> actions.ImportReport:
    rows = actions.read_table(text.encode("utf-8"), name)
    return actions.import_protocols(operator=user or tree["operator_a"], referendum=tree["atyrau"].referendum,
                                    rows=rows, source=f"import {name}")


def test_good_rows_go_in_and_bad_rows_are_reported_by_number(tree: dict[str, Any], good: dict[str, int]) -> None:
    text = "\n".join([
        HEADER,
        line("101", good),                                      # 2: ok
        line("999", good),                                      # 3: unknown precinct
        line("102", {**good, "found": -3}),                     # 4: negative
        line("102", {**good, "invalid": 16}),                   # 5: broken control, no explanation
        line("201", good),                                      # 6: another region's precinct
        line("101", good),                                      # 7: duplicate in the file
        line("102", {**good, "votes_for": "six hundred"}),      # 8: not a number
        line("102", good, question="7"),                        # 9: unknown question
        "",                                                     # blank lines are skipped
        line("102", {**good, "invalid": 16}, explanation="torn ballot"),  # 11: ok, flagged
    ])
    report = run(tree, text)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert [row for row, _message in report.errors] == [3, 4, 5, 6, 7, 8, 9]
    messages = dict(report.errors)
    assert "999" in messages[3] and "found" in messages[4] and "explanation" in messages[5]
    assert "not under your commission" in messages[6]
    p102 = Protocol.objects.get(commission=tree["p102"])
    assert p102.status == Status.CONFIRMED and p102.is_flagged and p102.explanation == "torn ballot"
    assert p102.violations == [{"code": "valid_invalid_eq_found", "left": 716, "right": 715, "gap": 1}]
    event = ProtocolEvent.objects.get(protocol=p102)
    assert event.after["invalid"] == 16 and event.before is None and event.user == tree["operator_a"]
    atyrau = Tally.objects.get(commission=tree["atyrau"])
    assert (atyrau.protocols, atyrau.flagged, atyrau.votes_for) == (2, 1, 1200)
    assert ProtocolEvent.objects.filter(kind=EventKind.IMPORT).count() == 2


def test_reimport_is_idempotent_and_changes_are_corrections(tree: dict[str, Any], good: dict[str, int]) -> None:
    text = "\n".join([HEADER, line("101", good), line("102", good)])
    assert run(tree, text).created == 2
    again = run(tree, text)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 2, [])
    assert Protocol.objects.count() == 2 and ProtocolEvent.objects.count() == 2
    changed = "\n".join([HEADER, line("101", {**good, "votes_for": 599, "votes_against": 101}), line("102", good)])
    report = run(tree, changed)
    assert (report.updated, report.unchanged) == (1, 1)
    event = ProtocolEvent.objects.get(kind=EventKind.CORRECT)
    assert event.before["votes_for"] == 600 and event.after["votes_for"] == 599
    assert Tally.objects.get(commission=tree["atyrau"]).votes_for == 1199
    assert actions.recount(tree["atyrau"].referendum).differences == []


def test_import_confirms_a_protocol_waiting_for_its_second_entry(tree: dict[str, Any], question: Any,
                                                                  good: dict[str, int]) -> None:
    actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question, figures=good)
    report = run(tree, "\n".join([HEADER, line("101", good)]))
    assert report.updated == 1
    protocol = Protocol.objects.get(commission=tree["p101"])
    assert protocol.status == Status.CONFIRMED and not protocol.entries.filter(is_active=True).exists()


def test_semicolons_and_cp1251(tree: dict[str, Any], good: dict[str, int]) -> None:
    text = "\n".join([HEADER.replace(",", ";"), line("101", good, explanation="").replace(",", ";"),
                      line("102", {**good, "invalid": 16}, explanation="Бюллетень жыртылған").replace(",", ";")])
    rows = actions.read_table(text.encode("cp1251", errors="replace"), "p.csv")
    report = actions.import_protocols(operator=tree["operator_a"], referendum=tree["atyrau"].referendum, rows=rows)
    assert report.created == 2 and report.errors == []


def test_xlsx(tree: dict[str, Any], good: dict[str, int]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(actions.IMPORT_COLUMNS))
    sheet.append([101, 1, *(float(good[n]) for n in tally.FIELDS), None])
    sheet.append([102, 1, *(good[n] for n in tally.FIELDS[:-1]), "=1+1", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = actions.read_table(buffer.getvalue(), "protocols.xlsx")
    report = actions.import_protocols(operator=tree["operator_a"], referendum=tree["atyrau"].referendum, rows=rows)
    assert report.created == 1
    assert [row for row, _m in report.errors] == [3] and "unused" in report.errors[0][1]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "empty"),
        (b"precinct,question,voters\n1,1,5\n", "a.csv", "Missing columns"),
        (b"PK\x03\x04 not really a workbook", "a.xlsx", "cannot be read"),
        (b"\x00\x01\x02binary", "a.csv", "not a CSV"),
    ],
)
def test_broken_files_are_refused_clearly(data: bytes, name: str, message: str) -> None:
    with pytest.raises(actions.ImportFileError, match=message):
        actions.read_table(data, name)


def test_oversized_file_is_refused() -> None:
    with pytest.raises(actions.ImportFileError, match="too large"):
        actions.read_table(b"x" * (actions.MAX_IMPORT_BYTES + 1), "big.csv")


def test_a_user_without_membership_imports_nothing(tree: dict[str, Any], users: dict[str, Any],
                                                   good: dict[str, int]) -> None:
    report = run(tree, "\n".join([HEADER, line("101", good)]), user=users["analyst"])
    assert report.created == 0 and len(report.errors) == 1
    assert not Protocol.objects.exists()


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_the_reader(data: bytes) -> None:
    for name in ("x.csv", "x.xlsx"):
        try:
            rows = actions.read_table(data, name)
        except actions.ImportFileError:
            continue
        assert all(isinstance(number, int) and number >= 2 for number, _row in rows)


CELL = st.one_of(st.text(max_size=12), st.integers(min_value=-10, max_value=10**10).map(str),
                 st.sampled_from(["", "0", "715", "1 000", "=HYPERLINK(\"x\")", "<b>", "101", "1"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=len(actions.IMPORT_COLUMNS) + 2), max_size=8))
def test_hostile_rows_are_each_accepted_or_reported(tree: dict[str, Any], table: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(actions.IMPORT_COLUMNS)
    writer.writerows(table)
    if "\x00" in buffer.getvalue():
        with pytest.raises(actions.ImportFileError):
            actions.read_table(buffer.getvalue().encode("utf-8"), "fuzz.csv")
        return
    rows = actions.read_table(buffer.getvalue().encode("utf-8"), "fuzz.csv")
    report = actions.import_protocols(operator=tree["operator_a"], referendum=tree["atyrau"].referendum, rows=rows)
    assert report.accepted + len(report.errors) == len(rows)
    assert actions.recount(tree["atyrau"].referendum, write=False).differences == []

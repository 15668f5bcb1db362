"""Plan import: CSV (UTF-8, cp1251, ; , tab) and XLSX, idempotent, every bad row reported."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kenes.campaign.actions import get_or_create_plan, import_plan
from kenes.campaign.models import ChangeRecord, Event, PlanTarget
from kenes.campaign.plan_import import ImportFileError, parse_plan


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


HEADER = "id,date,time,type,format,title,place,district,audiences,themes,expected,link\n"


def csv_rows(n: int, start: int = 0) -> str:
    types = ["meeting", "round_table", "plenary_session", "visit", "explanatory_work"]
    lines = []
    for i in range(start, start + n):
        lines.append(
            f"P-{i:04d},2026-02-{1 + i % 28:02d},{9 + i % 8}:00,{types[i % 5]},offline,Кездесу №{i},Атырау,"
            f"Жылыой,workers;youth,labour,{50 + i}\n"
        )
    return HEADER + "".join(lines)


def test_parse_recognises_headers_and_values_in_three_languages() -> None:
    text = (
        "Дата;Время;Вид;Формат;Мероприятие;Место;Район;Аудитория;Темы;Охват;Ссылка\n"
        "20.02.2026;11:00;Круглый стол;Гибридный;Жастармен кездесу;ДК;Жылыойский;Молодёжь, ветераны;Права и свободы человека;120;https://meet.example.kz/a\n"
        "21.02.2026;;Кездесу;;Ұстаздармен кездесу;;Жылыой;teachers;;;\n"
    )
    parsed = parse_plan(text.encode("utf-8"), region="atyrau")
    assert parsed.errors == []
    first, second = parsed.rows
    assert (first.event_type, first.format, first.district) == ("round_table", "hybrid", "KZ233600")
    assert first.audiences == ["youth", "veterans"]
    assert first.themes == ["human_rights"]
    assert first.expected_attendance == 120
    assert first.starts_at.hour == 11 and first.starts_at.date() == date(2026, 2, 20)
    assert (second.event_type, second.format, second.starts_at.hour) == ("meeting", "offline", 10)


def test_cp1251_and_tab_separated() -> None:
    text = "дата\tтип\tназвание\n2026-03-01\tвстреча\tВстреча с жителями\n"
    parsed = parse_plan(text.encode("cp1251"), region="atyrau")
    assert [r.title for r in parsed.rows] == ["Встреча с жителями"]


def test_xlsx() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["№", "Күні", "Түрі", "Атауы", "Ауданы", "Қатысушылар саны"])
    sheet.append([1, date(2026, 2, 25), "Дөңгелек үстел", "Сарапшылармен дөңгелек үстел", "Индер", 40])
    sheet.append([2, "2026-02-26", "unknown-kind", "Бұзық жол", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    parsed = parse_plan(out.getvalue(), region="atyrau", filename="plan.xlsx")
    assert [(r.key, r.event_type, r.district, r.expected_attendance) for r in parsed.rows] == [
        ("id:1", "round_table", "KZ234000", 40)]
    assert [(e.line, "unknown event type" in e.message) for e in parsed.errors] == [(3, True)]


def test_every_bad_row_is_reported_with_its_number_and_the_rest_goes_through() -> None:
    text = HEADER + (
        "1,2026-02-01,10:00,meeting,offline,Жақсы жол,,,,,10,\n"          # row 2: good
        "2,31.02.2026,10:00,meeting,offline,Күні қате,,,,,,\n"            # row 3: no such date
        "3,2026-02-02,25:00,meeting,offline,Уақыты қате,,,,,,\n"          # row 4: bad time
        "4,2026-02-02,10:00,party,offline,Түрі қате,,,,,,\n"              # row 5: bad type
        "5,2026-02-02,10:00,meeting,online,Сілтемесі жоқ,,,,,,\n"          # row 6: online without link
        "6,2026-02-02,10:00,meeting,online,JS,,,,,,javascript:alert(1)\n"  # row 7: hostile link
        "7,2026-02-02,10:00,meeting,offline,Басқа аудан,,Арал,,,,\n"      # row 8: district of another region
        "8,2026-02-02,10:00,meeting,offline,Аудитория,,,aliens,,,\n"       # row 9: unknown audience
        "9,2026-02-02,10:00,meeting,offline,Сан,,,,,many,\n"              # row 10: expected not a number
        "10,2026-02-02,10:00,meeting,offline,,,,,,,\n"                    # row 11: no title
        f"11,2026-02-02,10:00,meeting,offline,{'Ұ' * 301},,,,,,\n"         # row 12: title too long
        "1,2026-02-01,10:00,meeting,offline,Қайталанған id,,,,,,\n"       # row 13: same id as row 2
        ",,,,,,,,,,,\n"                                                    # row 14: blank, skipped
        "12,2026-02-03,10:00,visit,offline,<script>alert(1)</script>,,,,,,\n"  # row 15: good (escaped on output)
    )
    parsed = parse_plan(text.encode("utf-8"), region="atyrau")
    assert [r.line for r in parsed.rows] == [2, 15]
    assert [e.line for e in parsed.errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "row 2" in parsed.errors[-1].message


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"title,place\nx,y\n", "missing columns: date, type"),
    (b"\x00\x01\x02\x03binary", "not a text table"),
    (b"PK\x03\x04not really a zip", "cannot be read"),
    (b"date,type,title\n" + b"2026-02-01,meeting,x\n" * 5001, "more than 5000 rows"),
    (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
])
def test_broken_files_are_refused_as_a_whole(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        parse_plan(data, region="atyrau")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        parsed = parse_plan(data, region="atyrau")
    except ImportFileError:
        return
    assert all(e.line >= 2 for e in parsed.errors)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(max_size=30), min_size=3, max_size=4), max_size=20))
def test_random_cells_never_crash(rows: list[list[str]]) -> None:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "type", "title", "district"])
    writer.writerows(rows)
    try:
        parsed = parse_plan(out.getvalue().encode("utf-8"), region="atyrau")
    except ImportFileError:
        return
    assert len(parsed.rows) + len(parsed.errors) <= len(rows)


@pytest.mark.django_db
def test_import_is_idempotent_and_updates_changed_rows(campaign: dict[str, Any], users: dict[str, Any]) -> None:
    coalition = campaign["atyrau"]
    plan = get_or_create_plan(user=users["coordinator"], coalition=coalition, title="Жоспар",
                              starts_on=date(2026, 2, 1), ends_on=date(2026, 3, 14))
    data = csv_rows(350).encode("utf-8")
    first = import_plan(user=users["coordinator"], plan=plan, data=data, filename="plan.csv")
    assert (first.created, first.updated, first.unchanged, first.errors) == (350, 0, 0, [])
    assert Event.objects.filter(plan=plan).count() == 350
    assert set(Event.objects.filter(plan=plan).values_list("region", flat=True)) == {"atyrau"}
    assert sum(PlanTarget.objects.filter(plan=plan).values_list("count", flat=True)) == 350

    again = import_plan(user=users["coordinator"], plan=plan, data=data, filename="plan.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 350)
    assert Event.objects.filter(plan=plan).count() == 350

    held = Event.objects.get(coalition=coalition, import_key="id:P-0003")
    held.status = "held"
    held.save()
    changed = data.decode().replace("Кездесу №3,", "Кездесу №3 (ауысты),").encode()
    third = import_plan(user=users["coordinator"], plan=plan, data=changed, filename="plan.csv")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 349)
    held.refresh_from_db()
    assert held.title == "Кездесу №3 (ауысты)" and held.status == "held"
    assert ChangeRecord.objects.filter(action="import_plan", object_id=plan.pk).count() == 3


@pytest.mark.django_db
def test_national_coalition_rows_are_refused(campaign: dict[str, Any], users: dict[str, Any]) -> None:
    plan = get_or_create_plan(user=None, coalition=campaign["national"], title="x", starts_on=date(2026, 2, 1),
                              ends_on=date(2026, 2, 2))
    result = import_plan(user=None, plan=plan, data=csv_rows(2).encode(), filename="p.csv")
    assert result.created == 0 and [e.line for e in result.errors] == [2, 3]


@pytest.mark.django_db
def test_command(campaign: dict[str, Any], tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes((csv_rows(5) + "99,2026-02-30,10:00,meeting,offline,Қате,,,,,,\n").encode("cp1251", "replace"))
    call_command("import-plan", str(path), "--coalition", str(campaign["atyrau"].pk), "--plan", "Жоспар")
    out, err = capsys.readouterr()
    assert "5 created" in out and "1 rows with errors" in out
    assert "row 7" in err
    call_command("import_plan", str(path), "--coalition", str(campaign["atyrau"].pk), "--plan", "Жоспар")
    assert "5 unchanged" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import-plan", str(tmp_path / "missing.csv"), "--coalition", str(campaign["atyrau"].pk))
    with pytest.raises(CommandError):
        call_command("import-plan", str(path), "--coalition", "999999")

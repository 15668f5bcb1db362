"""`kenes import-proposals`: formats, encodings, mapping, bad rows, idempotency, hostile files."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kenes.proposals.models import Proposal, ReceiptEntry
from kenes.proposals.verify import check_log

pytestmark = pytest.mark.django_db

HEADER = "id,text,article,region,kind,created_at,author\n"
ROWS = [
    "p1,Азаматтардың құқықтарын кеңейту керек,1,atyrau,amend,,Айгүл Бекова",
    'p2,"Статью 2 дополнить словами ""о правах""",2,Алматы,add,,',
    "p3,Предлагаю исключить статью 3,3,Атырауская область,delete,,",
]


def run(path: Path, *args: str) -> tuple[str, str]:
    """The command in English (its messages in Kazakh and Russian: test_import_messages.py)."""
    out, err = StringIO(), StringIO()
    call_command("import-proposals", str(path), "--version", "test-law/draft-1", "--no-progress", "--lang", "en",
                 *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def test_utf8_csv(tmp_path: Path, draft: Any) -> None:
    out, err = run(write(tmp_path, "a.csv", HEADER + "\n".join(ROWS) + "\n"))
    assert "read 3, created 3, already present 0, rejected 0" in out, (out, err)
    p1 = Proposal.objects.get(source_id="p1")
    assert p1.article is not None
    assert p1.region == "atyrau" and p1.article.number == 1 and p1.kind == "amend" and p1.channel == "import"
    assert p1.author_name == "Айгүл Бекова" and p1.source == "a.csv" and p1.language == "kk"
    assert Proposal.objects.get(source_id="p2").text == 'Статью 2 дополнить словами "о правах"'
    assert Proposal.objects.get(source_id="p2").region == "almaty"
    assert Proposal.objects.get(source_id="p3").region == "atyrau"
    assert ReceiptEntry.objects.count() == 3
    assert list(check_log()) == []


def test_utf8_bom_and_semicolon(tmp_path: Path, draft: Any) -> None:
    content = "\ufeff" + (HEADER + "\n".join(ROWS)).replace(",", ";").replace('""о правах""', "о правах")
    out, _ = run(write(tmp_path, "b.csv", content))
    assert "created 3" in out and "';'" in out
    assert Proposal.objects.filter(source_id="p1").exists()


def test_cp1251(tmp_path: Path, draft: Any) -> None:
    content = "№;Текст;Статья;Регион\n1;Предлагаю изменить статью 1;1;Шымкент\n2;Прошу учесть мнение жителей;;\n"
    out, _ = run(write(tmp_path, "c.csv", content, encoding="cp1251"), "--source", "portal")
    assert "cp1251" in out and "created 2" in out
    assert Proposal.objects.get(source="portal", source_id="1").region == "shymkent"
    assert Proposal.objects.get(source="portal", source_id="2").article is None


def test_kazakh_headers_and_mapping_option(tmp_path: Path, draft: Any) -> None:
    content = "Нөмір,Мәтін,Бап,Өңір\n10,Ұсыныс мәтіні,2-бап,Маңғыстау облысы\n"
    out, _ = run(write(tmp_path, "d.csv", content))
    assert "created 1" in out
    assert Proposal.objects.get(source_id="10").region == "mangystau"
    content = "Код,Сұрақ,Облыс атауы\nq1,Менің сұрағым,Ақтөбе облысы\n"
    path = write(tmp_path, "e.csv", content)
    with pytest.raises(CommandError, match="no text column"):
        run(path)
    out, _ = run(path, "--mapping", "id=Код,text=Сұрақ,region=Облыс атауы")
    assert "created 1" in out and Proposal.objects.get(source_id="q1").region == "aktobe"
    with pytest.raises(CommandError, match="bad mapping"):
        run(path, "--mapping", "colour=Код")


def test_xlsx(tmp_path: Path, draft: Any) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ID", "Text", "Article", "Region", "Date"])
    inside = (timezone.localtime() - timedelta(hours=3)).replace(tzinfo=None, microsecond=0)
    sheet.append([101, "Excel арқылы келген ұсыныс", 3, "Astana", inside])
    sheet.append([102, None, 1, "astana", None])
    sheet.append([103, "Ещё одно", 9, "astana", None])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    out, err = run(path)
    assert "read 3, created 1, already present 0, rejected 2" in out
    assert "row 3: no text" in err and "row 4: no article 9" in err
    proposal = Proposal.objects.get(source_id="101")
    assert proposal.region == "astana" and timezone.localtime(proposal.created_at).replace(tzinfo=None) == inside


def test_jsonl(tmp_path: Path, draft: Any) -> None:
    lines = [
        json.dumps({"id": "j1", "text": "JSON арқылы", "region": "abai", "article": 1}, ensure_ascii=False),
        "{not json",
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "j2", "text": "Second", "kind": "комментарий"}, ensure_ascii=False),
    ]
    out, err = run(write(tmp_path, "g.jsonl", "\n".join(lines)))
    assert "read 4, created 2, already present 0, rejected 2" in out
    assert "row 2: not valid JSON" in err and "row 3: not a JSON object" in err
    assert Proposal.objects.get(source_id="j2").kind == "comment"


def test_bad_rows_reported_rest_goes_in(tmp_path: Path, draft: Any, settings: Any) -> None:
    settings.KENES_PROPOSAL_MAX_CHARS = 100
    rows = [
        "b1,Good row,1,atyrau,,,",
        "b2,,1,atyrau,,,",
        "b3,Unknown region,1,Atlantis,,,",
        "b4,Unknown kind,1,atyrau,rewrite,,",
        "b5,Bad date,1,atyrau,,31.02.2026,",
        "b6," + "x" * 101 + ",1,atyrau,,,",
        "b7,Article missing,42,atyrau,,,",
        "b8,Too many columns,1,atyrau,,,,extra,more",
        "b9,Future date,1,atyrau,,2099-01-01,",
        "b10,\u200b\u200b,1,,,,",
        "b11,Fine again,,,comment,,",
    ]
    out, err = run(write(tmp_path, "h.csv", HEADER + "\n".join(rows) + "\n"))
    assert "read 11, created 2, already present 0, rejected 9" in out
    for line in ("row 3: no text", "row 4: unknown region", "row 5: unknown kind", "row 6: unreadable date",
                 "row 7: The text is too long", "row 8: no article 42", "row 9: 9 columns",
                 "row 10: The submission date lies in the future", "row 11: The text is empty"):
        assert line in err, (line, err)
    assert set(Proposal.objects.values_list("source_id", flat=True)) == {"b1", "b11"}


def test_idempotent_rerun_and_resume(tmp_path: Path, draft: Any) -> None:
    path = write(tmp_path, "i.csv", HEADER + "\n".join(ROWS) + "\n")
    run(path)
    out, _ = run(path)
    assert "read 3, created 0, already present 3, rejected 0" in out
    # A longer file later (an interrupted import resumed): only the new rows go in.
    more = [*ROWS, "p4,Жаңа жол,1,abai,,,"]
    out, _ = run(write(tmp_path, "i.csv", HEADER + "\n".join(more) + "\n"))
    assert "created 1, already present 3" in out
    assert Proposal.objects.count() == 4 and ReceiptEntry.objects.count() == 4
    assert list(check_log()) == []


def test_rows_without_id_use_row_numbers(tmp_path: Path, draft: Any) -> None:
    path = write(tmp_path, "j.csv", "text\nБір\nЕкі\nБір\n")
    assert "created 3" in run(path)[0]
    assert "already present 3" in run(path)[0]


def test_duplicate_ids_in_one_file(tmp_path: Path, draft: Any) -> None:
    path = write(tmp_path, "k.csv", "id,text\n1,Бір\n1,Екі\n")
    assert "created 1, already present 1" in run(path)[0]


def test_broken_quoting(tmp_path: Path, draft: Any) -> None:
    rows = ['q1,"unterminated quote,1,atyrau,,,'] + [f"q{i},Row {i},1,atyrau,,," for i in range(2, 6)]
    out, err = run(write(tmp_path, "l.csv", HEADER + "\n".join(rows) + "\n"))
    assert "row 2: broken quoting" in err, err
    assert set(Proposal.objects.values_list("source_id", flat=True)) == {"q2", "q3", "q4", "q5"}
    # A legitimate multi-line quoted field is fine.
    content = HEADER + 'm1,"First line\nsecond line",1,atyrau,,,\nm2,Next,1,atyrau,,,\n'
    out, _ = run(write(tmp_path, "m.csv", content))
    assert "created 2" in out and Proposal.objects.get(source_id="m1").text == "First line\nsecond line"


def test_oversized_cells(tmp_path: Path, draft: Any) -> None:
    content = HEADER + "o1," + "я" * 200_000 + ",1,atyrau,,,\no2,Normal,1,atyrau,,,\n"
    out, err = run(write(tmp_path, "n.csv", content))
    assert "rejected 1" in out and "row 2: a cell is longer" in err
    assert Proposal.objects.filter(source_id="o2").exists()


def test_empty_and_header_only_files(tmp_path: Path, draft: Any) -> None:
    with pytest.raises(CommandError, match="empty"):
        run(write(tmp_path, "empty.csv", b""))
    with pytest.raises(CommandError, match="empty"):
        run(write(tmp_path, "blank.csv", b"\n\n  \n"))
    with pytest.raises(CommandError, match="no rows"):
        run(write(tmp_path, "header.csv", HEADER))


def test_binary_garbage(tmp_path: Path, draft: Any) -> None:
    import random

    rng = random.Random(3)
    garbage = bytes(rng.randrange(256) for _ in range(5000))
    with pytest.raises(CommandError, match=r"binary|neither"):
        run(write(tmp_path, "junk.csv", garbage))
    with pytest.raises(CommandError, match="XLSX"):
        run(write(tmp_path, "junk.xlsx", b"PK\x03\x04" + garbage))
    assert Proposal.objects.count() == 0


def test_missing_file_and_version(tmp_path: Path, draft: Any) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.csv")
    path = write(tmp_path, "a.csv", HEADER + ROWS[0])
    with pytest.raises(CommandError, match="no version"):
        call_command("import-proposals", str(path), "--version", "nope", "--no-progress", "--lang", "en", stdout=StringIO())


def test_closed_window_rows_need_dates(tmp_path: Path, draft: Any) -> None:
    draft.consultation_opens = timezone.now() - timedelta(days=10)
    draft.consultation_closes = timezone.now() - timedelta(days=1)
    draft.save()
    inside = timezone.localtime(timezone.now() - timedelta(days=5)).strftime("%d.%m.%Y %H:%M")
    content = f"id,text,date\nh1,Тарихи ұсыныс,{inside}\nh2,Күнсіз ұсыныс,\n"
    out, err = run(write(tmp_path, "hist.csv", content))
    assert "created 1" in out and "row 3:" in err and "not accepted now" in err


def test_batches_keep_the_chain(tmp_path: Path, draft: Any) -> None:
    rows = "\n".join(f"r{i},Ұсыныс {i},{i % 3 + 1},atyrau,,," for i in range(25))
    out, _ = run(write(tmp_path, "batch.csv", HEADER + rows + "\n"), "--batch-size", "7")
    assert "created 25" in out
    assert list(ReceiptEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 26))
    assert list(check_log()) == []

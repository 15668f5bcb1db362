"""`kenes import-proposals` speaks the person's language: Kazakh by default (the site's
LANGUAGE_CODE), Russian or English with `--lang` or the LANGUAGE environment variable; the
summary line, the row errors and the errors that stop the command alike."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

CONTENT = (
    "id,text,article,region,kind\n"
    "m1,Азаматтардың құқықтарын кеңейту керек,1,atyrau,amend\n"
    "m2,,1,atyrau,\n"
    "m3,Предлагаю уточнить,42,atyrau,\n"
    "m4,Ещё одно предложение,1,Atlantis,\n"
)


def run(tmp_path: Path, *args: str) -> tuple[str, str]:
    path = tmp_path / "messages.csv"
    path.write_text(CONTENT, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command(
        "import-proposals", str(path), "--version", "test-law/draft-1", "--no-progress", *args, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _no_language_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGUAGE", raising=False)


def test_kazakh_by_default(tmp_path: Path, draft: Any) -> None:
    out, err = run(tmp_path)
    assert "оқылды 4, құрылды 1, бұрыннан бар 0, қабылданбады 3" in out, out
    assert "бөлгіш ','" in out
    assert "3-жол: мәтін жоқ" in err, err
    assert "4-жол: draft-1 нұсқасында 42 бап жоқ" in err, err
    assert "5-жол: белгісіз өңір: «Atlantis»" in err, err
    for english in ("read", "created", "rejected", "row ", "no text", "unknown region"):
        assert english not in out + err, english
    assert Proposal.objects.filter(source_id="m1").exists()


def test_russian_with_the_option(tmp_path: Path, draft: Any) -> None:
    out, err = run(tmp_path, "--lang", "ru")
    assert "прочитано 4, создано 1, уже было 0, отклонено 3" in out, out
    assert "строка 3: нет текста" in err and "строка 4: в версии draft-1 нет статьи 42" in err, err
    assert "строка 5: неизвестный регион «Atlantis»" in err, err


def test_russian_from_the_environment(tmp_path: Path, draft: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "ru_RU.UTF-8:en")
    out, err = run(tmp_path)
    assert "прочитано 4" in out and "строка 3: нет текста" in err, (out, err)


def test_the_option_wins_over_the_environment(tmp_path: Path, draft: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "ru")
    out, err = run(tmp_path, "--lang", "en")
    assert "read 4, created 1, already present 0, rejected 3" in out, out
    assert "row 3: no text" in err


def test_other_languages_in_the_environment_fall_back_to_kazakh(
    tmp_path: Path, draft: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "de_DE:fr")
    out, _ = run(tmp_path)
    assert "оқылды 4" in out, out


def test_errors_that_stop_the_command_are_translated(tmp_path: Path, draft: Any) -> None:
    with pytest.raises(CommandError, match="мұндай файл жоқ"):
        call_command("import-proposals", str(tmp_path / "absent.csv"), "--no-progress")
    with pytest.raises(CommandError, match="нет такого файла"):
        call_command("import-proposals", str(tmp_path / "absent.csv"), "--no-progress", "--lang", "ru")
    empty = tmp_path / "empty.csv"
    empty.write_text("   \n", encoding="utf-8")
    with pytest.raises(CommandError, match="файл бос"):
        call_command("import-proposals", str(empty), "--version", "test-law/draft-1", "--no-progress")
    with pytest.raises(CommandError, match="«nope» нұсқасы жоқ"):
        call_command("import-proposals", str(empty), "--version", "nope", "--no-progress")
    with pytest.raises(CommandError, match="нечитаемый файл XLSX"):
        binary = tmp_path / "junk.xlsx"
        binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
        call_command("import-proposals", str(binary), "--version", "test-law/draft-1", "--no-progress", "--lang", "ru")


def test_the_callers_language_is_left_alone(tmp_path: Path, draft: Any) -> None:
    with translation.override("en"):
        run(tmp_path, "--lang", "ru")
        assert translation.get_language() == "en"

"""`kenes import-document` and `kenes.drafts.actions.import_document`."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kenes.drafts.actions import DocumentImportError, default_document_slug, import_document
from kenes.drafts.models import Article, Document, Version
from tests.conftest import shared_path

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def constitution(name: str) -> Path:
    return shared_path("data", "constitution", name)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


SMALL_KK = "# Кеңестер туралы заң\n\nОсы Заң кеңестерді реттейді.\n\n## 1-бөлім Жалпы ережелер\n\n1-бап\n\nБірінші.\n\n2-бап\n\nЕкінші.\n"
SMALL_RU = "# Закон о советах\n\nНастоящий Закон регулирует советы.\n\n## Раздел 1 Общие положения\n\nСтатья 1\n\nПервая.\n\nСтатья 2\n\nВторая.\n"


def test_constitution_2026_kk_and_ru_make_one_version_of_96_aligned_articles() -> None:
    kk = import_document(path=constitution("constitution_2026_kk.md"), language="kk", document_slug="constitution",
                         version_name="2026", kind="adopted")
    ru = import_document(path=constitution("constitution_2026_ru.md"), language="ru", document_slug="constitution",
                         version_name="2026")
    assert (kk.created, kk.updated) == (96, 0)
    assert (ru.created, ru.updated, ru.missing) == (0, 96, [])
    version = Version.objects.get(document__slug="constitution", name="2026")
    assert version.kind == "adopted"
    assert version.date is not None and version.date.isoformat() == "2026-03-15"
    articles = list(Article.objects.for_version(version))
    assert [a.number for a in articles] == list(range(1, 97))
    assert all(a.text_kk and a.text_ru for a in articles)
    first = articles[0]
    assert first.text_kk.startswith("Қазақстан Республикасы - демократиялық")
    assert first.text_ru.startswith("Республика Казахстан - демократическое")
    assert first.section_ru == "Раздел I Основы конституционного строя"
    assert version.preamble_kk.startswith("Ескерту.") and "Біз, біртұтас Қазақстан халқы," in version.preamble_kk
    assert "Мы, единый народ Казахстана," in version.preamble_ru
    document = version.document
    assert document.title_kk == "Қазақстан Республикасының Конституциясы"
    assert document.title_ru == "Конституция Республики Казахстан"
    assert version.languages() == ["kk", "ru"]


def test_constitution_1995_is_an_earlier_version_of_the_same_document() -> None:
    import_document(path=constitution("constitution_2026_kk.md"), language="kk", document_slug="constitution",
                    version_name="2026", kind="adopted")
    result = import_document(path=constitution("constitution_1995_kk_as_amended_2022.txt"), language="kk",
                             document_slug="constitution", version_name="1995", kind="in_force",
                             version_date=date(1995, 8, 30))
    assert result.created == 102
    document = Document.objects.get(slug="constitution")
    versions = list(Version.objects.for_document(document))
    assert [(v.name, v.kind) for v in versions] == [("1995", "in_force"), ("2026", "adopted")]
    old = versions[0]
    labels = [a.label for a in Article.objects.for_version(old)]
    assert labels[82:86] == ["83", "83-1", "84", "85"]
    assert old.preamble_kk.startswith("Біз, ортақ")  # the Latin "i" of the source is normalised
    assert "Бiз" not in old.preamble_kk


def test_reimport_updates_and_never_duplicates(tmp_path: Path) -> None:
    path = write(tmp_path, "law_kk.md", SMALL_KK)
    first = import_document(path=path, language="kk", document_slug="law", version_name="v1")
    again = import_document(path=path, language="kk", document_slug="law", version_name="v1")
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    write(tmp_path, "law_kk.md", SMALL_KK.replace("Екінші.", "Екінші, өзгертілген.") + "\n3-бап\n\nҮшінші.\n")
    changed = import_document(path=path, language="kk", document_slug="law", version_name="v1")
    assert (changed.created, changed.updated, changed.unchanged) == (1, 1, 1)
    assert Article.objects.filter(version__name="v1").count() == 3
    assert Article.objects.get(number=2).text_kk == "Екінші, өзгертілген."
    assert Version.objects.count() == 1 and Document.objects.count() == 1


def test_second_language_attaches_by_number_and_reports_missing(tmp_path: Path) -> None:
    import_document(path=write(tmp_path, "a.md", SMALL_KK + "\n3-бап\n\nҮшінші.\n"), language="kk",
                    document_slug="law", version_name="v1")
    result = import_document(path=write(tmp_path, "b.md", SMALL_RU), language="ru", document_slug="law",
                             version_name="v1")
    assert (result.created, result.updated, result.missing) == (0, 2, ["3"])
    article = Article.objects.get(number=1)
    assert (article.text_kk, article.text_ru) == ("Бірінші.", "Первая.")
    assert (article.section_kk, article.section_ru) == ("1-бөлім Жалпы ережелер", "Раздел 1 Общие положения")
    version = Version.objects.get()
    assert (version.preamble_kk, version.preamble_ru) == ("Осы Заң кеңестерді реттейді.", "Настоящий Закон регулирует советы.")
    assert "not in the file: 3" in result.summary()


def test_defaults_from_file_name_and_front_matter(tmp_path: Path) -> None:
    text = "---\ntitle: Закон\nversion_date: 2025-01-31\n---\nСтатья 1\nТекст."
    result = import_document(path=write(tmp_path, "law_2025_ru.md", text), language="ru")
    assert result.document.slug == "law-2025"
    assert result.version.name == "2025-01-31"
    assert result.version.date is not None and result.version.date.isoformat() == "2025-01-31"
    assert result.document.title_ru == "Закон"
    assert default_document_slug(Path("constitution_2026_kk.md")) == "constitution-2026"
    assert default_document_slug(Path("кеңес.txt")) == "document"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Just text without any heading.\n", "no articles found"),
        ("Статья 1\nA\nСтатья 1\nB\n", "duplicated article numbers: 1 (lines 1 and 3)"),
        ("", "no articles found"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(DocumentImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_document(path=write(tmp_path, "bad.txt", content), language="ru", document_slug="law")
    assert not Document.objects.exists()


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "cp.txt", "Статья 1\nТекст на кириллице.", encoding="cp1251")
    with pytest.raises(DocumentImportError, match="not valid UTF-8"):
        import_document(path=path, language="ru", document_slug="law")
    assert not Document.objects.exists()


def test_oversized_file_is_refused_before_reading(tmp_path: Path, settings: Any) -> None:
    settings.KENES_DOCUMENT_MAX_BYTES = 1000
    path = write(tmp_path, "big.txt", "Статья 1\n" + "слово " * 500)
    with pytest.raises(DocumentImportError, match="too large"):
        import_document(path=path, language="ru", document_slug="law")
    assert not Document.objects.exists()


def test_bad_arguments(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.md", SMALL_RU)
    with pytest.raises(DocumentImportError, match="unknown language"):
        import_document(path=path, language="de", document_slug="law")
    with pytest.raises(DocumentImportError, match="unknown kind"):
        import_document(path=path, language="ru", document_slug="law", kind="repealed")
    with pytest.raises(DocumentImportError, match="cannot read"):
        import_document(path=tmp_path / "missing.md", language="ru", document_slug="law")
    with pytest.raises(DocumentImportError, match="not a file"):
        import_document(path=tmp_path, language="ru", document_slug="law")
    assert not Document.objects.exists()


def test_command_imports_and_reports(tmp_path: Path) -> None:
    out = StringIO()
    path = write(tmp_path, "law.md", SMALL_KK)
    call_command("import-document", str(path), "--lang", "kk", "--document", "law", "--version", "v2",
                 "--kind", "draft", "--date", "2026-05-01", "--title", "Жаңа атау", stdout=out)
    assert "law/v2 [kk]: 2 articles (2 created, 0 updated, 0 unchanged)" in out.getvalue()
    version = Version.objects.get(name="v2")
    assert version.date is not None and version.date.isoformat() == "2026-05-01"
    assert version.document.title_kk == "Жаңа атау"


def test_command_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no articles found"):
        call_command("import-document", str(write(tmp_path, "x.txt", "nothing")), "--lang", "ru")
    with pytest.raises(CommandError, match="invalid --date"):
        call_command("import-document", str(write(tmp_path, "y.md", SMALL_RU)), "--lang", "ru", "--date", "31.01.2026")


def test_console_command_with_hyphenated_name(tmp_path: Path) -> None:
    """`kenes import-document` is reachable through the console script (the file name has a hyphen)."""
    result = subprocess.run(
        [sys.executable, "-m", "kenes.cli", "import-document", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--lang" in result.stdout and "--version" in result.stdout


def test_unpublished_import_and_publishing_later(tmp_path: Path) -> None:
    path = write(tmp_path, "law.md", SMALL_RU)
    call_command("import-document", str(path), "--lang", "ru", "--document", "law", "--version", "v1",
                 "--unpublished", stdout=StringIO())
    assert Version.objects.get().is_published is False
    call_command("import-document", str(path), "--lang", "ru", "--document", "law", "--version", "v1", stdout=StringIO())
    assert Version.objects.get().is_published is False  # a re-import keeps the state
    call_command("import-document", str(path), "--lang", "ru", "--document", "law", "--version", "v1",
                 "--published", stdout=StringIO())
    assert Version.objects.get().is_published is True

"""kenes.nlp.langid on the hand-written labelled set, short texts, scripts and mixed text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.nlp.langid import LANGUAGES, detect, detect_batch
from tests.conftest import shared_path

LABELLED = Path(__file__).resolve().parent.parent / "data" / "labelled_proposals.jsonl"


def labelled() -> list[dict[str, object]]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_is_big_and_varied() -> None:
    rows = labelled()
    assert len(rows) >= 300
    assert len({row["id"] for row in rows}) == len(rows)
    by_language = {lang: sum(row["language"] == lang for row in rows) for lang in LANGUAGES}
    assert all(count >= 20 for count in by_language.values()), by_language
    latin_kk = [row for row in rows if row["language"] == "kk" and re.search("[a-z]", str(row["text"]))]
    assert len(latin_kk) >= 30


def test_accuracy_on_labelled_set() -> None:
    rows = labelled()
    predicted = detect_batch(str(row["text"]) for row in rows)
    wrong = [(row["id"], row["language"], got) for row, got in zip(rows, predicted, strict=True) if got != row["language"]]
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.97, wrong


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Қолдаймын!", "kk"),
        ("Келісемін.", "kk"),
        ("Поддерживаю.", "ru"),
        ("Против.", "ru"),
        ("I support this.", "en"),
        ("Qoldaimyn!", "kk"),
        ("Jaqsy joba, rahmet", "kk"),
        ("Zañ aldynda barlyǵy teñ", "kk"),  # 2018/2021 mix
        ("Konstitutsiyanyn 8-babyn ozgertu kerek", "kk"),  # informal Latin
        ("Конституциянын 8-бабын озгерту керек", "kk"),  # no Kazakh letters
        ("Зейнетақы жасын төмендету керек, потому что жұмыс істеу қиын", "kk"),
        ("Предлагаю провести обсуждение в каждом ауыле, чтобы все высказались", "ru"),
        ("Ар бир адамдын укуктары корголушу керек", "other"),  # Kyrgyz
        ("Һәр кешенең хокуклары якланырга тиеш", "other"),  # Tatar
        ("Ҳар бир инсоннинг ҳуқуқлари ҳимоя қилиниши керак", "other"),  # Uzbek Cyrillic
        ("Har bir fuqaroning huquqi bo'lishi kerak", "other"),  # Uzbek Latin
        ("Кожна людина має право на життя", "other"),  # Ukrainian
        ("Jeder Mensch hat das Recht auf Leben", "other"),
        ("12345 !!!", "other"),
        ("", "other"),
    ],
)
def test_detect_cases(text: str, language: str) -> None:
    assert detect(text) == language


def test_sentences_of_the_constitution() -> None:
    """Held-out text (not used to write the lexicons): sentences of the official texts."""
    for name, language in (
        ("constitution_2026_kk.md", "kk"),
        ("constitution_2026_ru.md", "ru"),
        ("constitution_1995_en_as_amended_2022.txt", "en"),
        ("constitution_1995_kk_as_amended_2022.txt", "kk"),
    ):
        text = shared_path("data", "constitution", name).read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>|^---.*?^---", " ", text, flags=re.S | re.M)
        sentences = [s.strip() for s in re.split(r"(?<=[.;:])\s+|\n+", text) if len(s.strip()) > 25][:300]
        right = sum(detect(s) == language for s in sentences)
        assert right / len(sentences) >= 0.97, (name, right, len(sentences))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_detect_never_raises_and_answers_a_known_code(text: str) -> None:
    assert detect(text) in LANGUAGES


def test_detect_batch_matches_detect() -> None:
    texts = ["Қолдаймын", "Поддерживаю", "I agree", ""]
    assert detect_batch(texts) == [detect(t) for t in texts]


def test_oversized_input() -> None:
    assert detect("Конституцияның бабы " * 50_000) == "kk"

"""Language identification: kenes.nlp.langid against lingua-language-detector, same texts.

    python -m bench.langid [--repeat 5] [--texts tests/data/labelled_proposals.jsonl]

Texts: the hand-written labelled proposals (kk Cyrillic, Latin-script kk, kk without Kazakh
letters, ru, en, mixed kk/ru, and ky/tt/uz/uk/tr/de/fr as "other"). lingua is restricted to
the languages it has among those the set contains or that neighbour them (it has no Kyrgyz,
Tatar or Uzbek): Kazakh, Russian, English, Ukrainian, Belarusian, Mongolian, Turkish,
Azerbaijani, German, French; every lingua answer other than kk/ru/en counts as "other".
Prints JSON: accuracy overall and per gold language, texts per second (median of --repeat
timed passes, after one warm-up) and the speed ratio, for lingua in its default (high
accuracy) mode and in low-accuracy mode.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kenes.nlp.langid import detect

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled_proposals.jsonl"


def evaluate(name: str, func: Callable[[str], str], texts: Sequence[str], gold: Sequence[str], repeat: int) -> dict[str, object]:
    predicted = [func(text) for text in texts]  # warm-up and answers
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            func(text)
        timings.append(time.perf_counter() - start)
    per_language: dict[str, float] = {}
    for lang in sorted(set(gold)):
        indices = [i for i, g in enumerate(gold) if g == lang]
        per_language[lang] = round(sum(predicted[i] == lang for i in indices) / len(indices), 4)
    per_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({kind_of(text, g) for text, g in zip(texts, gold, strict=True)}):
        indices = [i for i in range(len(texts)) if kind_of(texts[i], gold[i]) == kind]
        right = sum(predicted[i] == gold[i] for i in indices)
        per_kind[kind] = {"texts": len(indices), "accuracy": round(right / len(indices), 4)}
    return {
        "name": name,
        "accuracy": round(sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold), 4),
        "accuracy_by_language": per_language,
        "accuracy_by_kind": per_kind,
        "texts_per_second_median": round(len(texts) / statistics.median(timings)),
        "errors": [(texts[i][:60], gold[i], predicted[i]) for i in range(len(texts)) if predicted[i] != gold[i]][:15],
    }


_KK_LETTERS = re.compile("[әғқңөұүһі]", re.IGNORECASE)
_LATIN = re.compile("[a-z]", re.IGNORECASE)
_CYRILLIC = re.compile("[а-я]", re.IGNORECASE)


def kind_of(text: str, gold: str) -> str:
    """Rough kind of a labelled text, inferred from its gold language and letters."""
    if len(text.split()) <= 3:
        return "short (<= 3 words)"
    if gold == "kk":
        if _LATIN.search(text) and not _CYRILLIC.search(text):
            return "kk Latin script"
        if not _KK_LETTERS.search(text):
            return "kk without Kazakh letters"
    return gold


def lingua_detector(low_accuracy: bool) -> Callable[[str], str]:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.KAZAKH,
        Language.RUSSIAN,
        Language.ENGLISH,
        Language.UKRAINIAN,
        Language.BELARUSIAN,
        Language.MONGOLIAN,
        Language.TURKISH,
        Language.AZERBAIJANI,
        Language.GERMAN,
        Language.FRENCH,
    ]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()
    codes = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}

    def detect_lingua(text: str) -> str:
        found = detector.detect_language_of(text)
        return codes.get(found, "other") if found is not None else "other"

    return detect_lingua


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.texts.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [str(row["text"]) for row in rows]
    gold = [str(row["language"]) for row in rows]
    results = [evaluate("kenes.nlp.langid", detect, texts, gold, args.repeat)]
    try:
        results.append(evaluate("lingua (high accuracy)", lingua_detector(False), texts, gold, args.repeat))
        results.append(evaluate("lingua (low accuracy)", lingua_detector(True), texts, gold, args.repeat))
    except ImportError:
        results.append({"name": "lingua", "error": "lingua-language-detector is not installed"})
    ours = results[0]
    for other in results[1:]:
        if "texts_per_second_median" in other:
            other["kenes_speed_ratio"] = round(
                float(ours["texts_per_second_median"]) / float(other["texts_per_second_median"]), 2  # type: ignore[arg-type]
            )
    print(json.dumps({"texts": len(texts), "results": results}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

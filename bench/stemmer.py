"""Kazakh stemmer against the gold morpheme boundaries of apertium-kaz.

    python -m bench.stemmer [--path ../shared/data/kazakh_text/apertium_kaz_segmentation.tsv]

Each line of the corpus is `sentence<TAB>segmented sentence`, morphemes joined by "·". The gold
stem of a word is its first segment. Figures over word tokens (letters only, ≥ 2 letters):

* stem_accuracy — our stem equals the gold stem (case-insensitive);
* over_stemming — our stem is a proper prefix of the gold stem (cut too much);
* under_stemming — the gold stem is a proper prefix of ours (left a suffix on);
* stem_accuracy_modulo_final_devoicing — also counting stems where we restore the dictionary
  form of a voiced final consonant (gold кітаб·ы, ours кітап: what search wants);
* other — none of these;
* the same over unique words, and for comparison the baseline "no stemming" (stem = word)
  and "Snowball Russian" on the same Kazakh words. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import snowballstemmer

from kenes.nlp.text import stem_kk

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "kazakh_text" / "apertium_kaz_segmentation.tsv"


def load_pairs(path: Path) -> list[tuple[str, str]]:
    """(word, gold stem) for every word token whose surface and segmentation align."""
    pairs: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                continue
            words, segmented = parts[0].split(" "), parts[1].split(" ")
            if len(words) != len(segmented):
                continue
            for word, seg in zip(words, segmented, strict=True):
                if seg.replace("·", "") != word or not word.isalpha() or len(word) < 2:
                    continue
                pairs.append((word.lower(), seg.split("·")[0].lower()))
    return pairs


_DEVOICE = str.maketrans({"ғ": "қ", "г": "к", "б": "п"})


def score(pairs: list[tuple[str, str]], stemmer: Callable[[str], str]) -> dict[str, float]:
    exact = devoiced = over = under = 0
    for word, gold in pairs:
        ours = stemmer(word)
        if ours == gold:
            exact += 1
        elif ours == gold[:-1] + gold[-1:].translate(_DEVOICE):
            devoiced += 1
        elif gold.startswith(ours):
            over += 1
        elif ours.startswith(gold):
            under += 1
    n = len(pairs) or 1
    return {
        "stem_accuracy": round(exact / n, 4),
        "stem_accuracy_modulo_final_devoicing": round((exact + devoiced) / n, 4),
        "over_stemming": round(over / n, 4),
        "under_stemming": round(under / n, 4),
        "other": round((n - exact - devoiced - over - under) / n, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(json.dumps({"error": f"{args.path} not found"}))
        return 1
    pairs = load_pairs(args.path)
    unique = sorted(set(pairs))
    russian = snowballstemmer.stemmer("russian")
    stemmers: dict[str, Callable[[str], str]] = {
        "kenes_kk": stem_kk.__wrapped__,
        "no_stemming": lambda w: w,
        "snowball_russian": lambda w: str(russian.stemWord(w)),
    }
    result: dict[str, object] = {"corpus": str(args.path.name), "tokens": len(pairs), "unique_words": len(unique)}
    for name, func in stemmers.items():
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            for word, _gold in unique:
                func(word)
            timings.append(time.perf_counter() - start)
        result[name] = {
            "tokens": score(pairs, func),
            "unique_words": score(unique, func),
            "words_per_second_median": round(len(unique) / statistics.median(timings)),
        }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

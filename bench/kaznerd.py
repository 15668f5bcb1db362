"""Precision and recall of PERSON and ORGANISATION spans found by kenes.nlp.news on KazNERD.

Reads ../shared/data/kazakh_text/kaznerd_valid.iob2 (one token and its IOB2 tag per line, blank line
between sentences), rebuilds each sentence with single spaces, runs the news extractor's person and
organisation finders, maps their character spans back to tokens and counts exact span matches.
A naive baseline (capitalised runs of two or more words = PERSON, quoted phrases = ORGANISATION)
is scored in the same run. Prints one JSON object.

Usage: python bench/kaznerd.py [IOB2_FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kenes.nlp.news import detect_language, find_organizations, find_people  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "kazakh_text" / "kaznerd_valid.iob2"
TYPES = ("PERSON", "ORGANISATION")
PUNCT = re.compile(r"^\W+$")

Span = tuple[int, int]  # token indices, end exclusive


def read_sentences(path: Path) -> list[list[tuple[str, str]]]:
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, _, tag = line.rpartition(" ")
        current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def gold_spans(sentence: list[tuple[str, str]]) -> dict[str, set[Span]]:
    spans: dict[str, set[Span]] = {t: set() for t in TYPES}
    start, kind = None, None
    for i, (_, tag) in enumerate([*sentence, ("", "O")]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == kind):
            if kind in spans:
                spans[kind].add((start, i))
            start, kind = None, None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, kind = i, tag[2:]
    return spans


def to_tokens(offsets: list[Span], start: int, end: int, tokens: list[str]) -> Span | None:
    inside = [i for i, (s, e) in enumerate(offsets) if s < end and e > start and not PUNCT.match(tokens[i])]
    return (inside[0], inside[-1] + 1) if inside else None


def predict(text: str, offsets: list[Span], tokens: list[str]) -> dict[str, set[Span]]:
    language = detect_language(text)
    orgs = find_organizations(text)
    people = find_people(text, language, [(s, e) for s, e, _ in orgs])
    out: dict[str, set[Span]] = {t: set() for t in TYPES}
    for person in people:
        for s, e in person["spans"]:
            span = to_tokens(offsets, s, e, tokens)
            if span:
                out["PERSON"].add(span)
    for s, e, _ in orgs:
        span = to_tokens(offsets, s, e, tokens)
        if span:
            out["ORGANISATION"].add(span)
    return out


CAPITALISED = re.compile(r"^[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+$")


def baseline(text: str, offsets: list[Span], tokens: list[str]) -> dict[str, set[Span]]:
    out: dict[str, set[Span]] = {t: set() for t in TYPES}
    i = 1  # the first word of a sentence is capitalised anyway
    while i < len(tokens):
        j = i
        while j < len(tokens) and CAPITALISED.match(tokens[j]):
            j += 1
        if j - i >= 2:
            out["PERSON"].add((i, j))
        i = max(j, i + 1)
    opened = None
    for k, token in enumerate(tokens):
        if token in {"«", '"', "“"} and opened is None:
            opened = k
        elif token in {"»", '"', "”"} and opened is not None:
            if k - opened > 1:
                out["ORGANISATION"].add((opened + 1, k))
            opened = None
    return out


def score(sentences: list[list[tuple[str, str]]], method: str) -> tuple[dict[str, dict[str, float]], float]:
    counts = {t: [0, 0, 0] for t in TYPES}  # tp, fp, fn
    started = time.perf_counter()
    for sentence in sentences:
        tokens = [t for t, _ in sentence]
        offsets, position = [], 0
        for token in tokens:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        text = " ".join(tokens)
        gold = gold_spans(sentence)
        found = predict(text, offsets, tokens) if method == "kenes" else baseline(text, offsets, tokens)
        for kind in TYPES:
            counts[kind][0] += len(gold[kind] & found[kind])
            counts[kind][1] += len(found[kind] - gold[kind])
            counts[kind][2] += len(gold[kind] - found[kind])
    elapsed = time.perf_counter() - started
    result = {}
    for kind, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        result[kind] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "gold": tp + fn,
                        "predicted": tp + fp}
    return result, elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (the median is reported)")
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(json.dumps({"error": f"{args.file} is absent"}))
        return 1
    sentences = read_sentences(args.file)
    if args.limit:
        sentences = sentences[: args.limit]
    kenes, times = None, []
    for _ in range(max(1, args.repeat)):
        kenes, elapsed = score(sentences, "kenes")
        times.append(elapsed)
    base, base_elapsed = score(sentences, "baseline")
    report = {
        "file": str(args.file.name),
        "sentences": len(sentences),
        "kenes": kenes,
        "baseline": base,
        "kenes_seconds_median": round(statistics.median(times), 3),
        "baseline_seconds": round(base_elapsed, 3),
        "f1_ratio_vs_baseline": {k: round(kenes[k]["f1"] / base[k]["f1"], 2) if base[k]["f1"] else None
                                 for k in TYPES} if kenes else {},
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

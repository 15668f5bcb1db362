"""Batch analysis of proposals: `kenes analyze INPUT.jsonl --out OUTPUT.jsonl`.

    kenes analyze INPUT.jsonl --out OUTPUT.jsonl [--summary FILE.json] [--state DIR] [--workers N]

Each input line is `{"id": str, "text": str, "region"?: slug, "channel"?: str, "created_at"?: iso}`;
each output line, in input order, is `{"id", "language", "script", "articles", "themes",
"duplicate_group", "cluster", "cluster_label"}` (DESIGN.md fixes the contract).

How it runs:

1. Per text, in `--workers` processes (default: the number of cores): JSON parsing and checks,
   language, script, article references, themes, the folded matching key and its MinHash
   signature, and hashed search-term counts. Lines are read in chunks with at most two chunks per
   worker in flight, so memory stays bounded; the main process keeps only compact arrays (ids,
   byte offsets of the lines, codes, signatures, a sparse term matrix), never the texts.
2. Near-duplicate / form-letter groups over all texts (`kenes.nlp.dedup`); with `--state DIR` the
   groups of earlier runs are kept in `DIR/dedup.npz` and new texts are matched against them.
3. Semantic clusters of the texts outside any group (`kenes.nlp.clusters`); labels, representative
   texts and summaries read the few texts they need back from the input file by offset. From the
   Python API, with a `clusters.ClusterModel` of earlier runs, texts close enough to an earlier
   cluster join it and only the rest are clustered anew (`combine`).
4. Output lines in input order; `--summary FILE.json` with groups, clusters and counts by theme,
   article, region and language.

Bad lines (not JSON, not an object, missing or non-string id or text, lines over `MAX_LINE_BYTES`)
are reported on stderr with their line number and skipped; blank lines are ignored. The exit code
is 0 when at least one record was analysed, 1 when none could be, 2 on an input/output error.
Progress goes to stderr; stdout stays empty.

The Python API for the Django side: `analyze_records(records, state=None) -> AnalysisResult`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from kenes.nlp import clusters, dedup
from kenes.nlp.articles import find_article_refs
from kenes.nlp.langid import detect
from kenes.nlp.text import detect_script, fold
from kenes.nlp.themes import classify_batch

LANGUAGES = ("kk", "ru", "en", "other")
SCRIPTS = ("cyrl", "latn", "mixed")
THEMES: tuple[str, ...] = tuple(
    row["slug"] for row in csv.DictReader((Path(__file__).resolve().parent.parent / "data" / "themes.csv")
                                          .open(encoding="utf-8"))
)
MAX_LINE_BYTES = 1 << 20
MAX_ID_CHARS = 256
CHUNK_LINES = 2000
GROUPS_IN_SUMMARY = 1000
STATE_FILE = "dedup.npz"

_LANG_CODE = {lang: i for i, lang in enumerate(LANGUAGES)}
_SCRIPT_CODE = {script: i for i, script in enumerate(SCRIPTS)}
_THEME_CODE = {slug: i for i, slug in enumerate(THEMES)}
# Identical texts (copies of a circulated letter, "Қолдаймын!") are analysed once per worker.
_TEXT_CACHE_MAX = 20_000
_TEXT_CACHE_CHARS = 2_000
_text_cache: dict[str, tuple[int, int, list[int]]] = {}
_WORD_CACHE_MAX = 1_000_000
_word_cache: dict[str, tuple[str, tuple[int, ...]]] = {}


def word_features(word: str) -> tuple[str, tuple[int, ...]]:
    """(folded form, hashed search-term columns) of a whitespace-separated word, cached.

    One dictionary lookup per word gives both the duplicate-matching key (`dedup.text_key`) and the
    clustering features (`clusters.term_counts(clusters.terms(...))`); words repeat across a corpus,
    so fold, tokenize, stemming and hashing run once per distinct word."""
    info = _word_cache.get(word)
    if info is None:
        if len(_word_cache) > _WORD_CACHE_MAX:
            _word_cache.clear()
        try:
            info = (fold(word), tuple(clusters.feature_of_cached(t) for t in clusters.terms(word)))
        except Exception:  # e.g. a lone surrogate from a JSON escape: the word is left out
            info = ("", ())
        _word_cache[word] = info
    return info


def keys_and_features(texts: Iterable[str]) -> tuple[list[str], sparse.csr_matrix]:
    """The folded matching key of each text and its hashed term counts, in one pass over its words."""
    keys: list[str] = []
    columns: list[int] = []
    indptr = [0]
    cache = _word_cache
    for text in texts:
        parts = []
        for word in text.split():
            info = cache.get(word) or word_features(word)
            if info[0]:
                parts.append(info[0])
            columns.extend(info[1])
        keys.append(" ".join(parts))
        indptr.append(len(columns))
    matrix = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), np.array(columns, dtype=np.int32), np.array(indptr, dtype=np.int64)),
        shape=(len(keys), clusters.N_FEATURES))
    matrix.sum_duplicates()
    return keys, matrix


# --------------------------------------------------------------------------------------------
# Per-text stage (runs in worker processes)
# --------------------------------------------------------------------------------------------

@dataclass
class Chunk:
    """Compact results for a run of input lines."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    languages: bytes = b""
    scripts: bytes = b""
    theme_counts: list[int] = field(default_factory=list)
    theme_values: list[int] = field(default_factory=list)
    article_counts: list[int] = field(default_factory=list)
    article_values: list[int] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    signatures: dedup.Signatures | None = None
    terms: sparse.csr_matrix | None = None
    seconds: float = 0.0
    texts: list[str] | None = None  # kept only by the in-memory API


def check_record(obj: Any) -> tuple[str, str, str] | str:
    """(id, text, region) of a parsed line, or the reason it is not a record."""
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    record_id = obj.get("id")
    if record_id is None:
        return 'missing "id"'
    if not isinstance(record_id, str) or not record_id.strip():
        return '"id" must be a non-empty string'
    if len(record_id) > MAX_ID_CHARS:
        return f'"id" longer than {MAX_ID_CHARS} characters'
    text = obj.get("text")
    if text is None:
        return 'missing "text"'
    if not isinstance(text, str):
        return f'"text" must be a string, got {type(text).__name__}'
    region = obj.get("region")
    return record_id, text, region if isinstance(region, str) else ""


def analyze_lines(lines: Sequence[tuple[int, int, bytes | Mapping[str, Any] | None]], keep_texts: bool = False) -> Chunk:
    """Analyse (line number, byte offset, raw line | parsed record | None = oversized) triples."""
    started = time.perf_counter()
    chunk = Chunk()
    languages = bytearray()
    scripts = bytearray()
    texts: list[str] = []
    for line_no, offset, raw in lines:
        if raw is None:
            chunk.errors.append((line_no, f"line longer than {MAX_LINE_BYTES} bytes"))
            continue
        if isinstance(raw, bytes | bytearray):
            try:
                obj = json.loads(raw)
            except UnicodeDecodeError:
                chunk.errors.append((line_no, "not valid UTF-8"))
                continue
            except ValueError as exc:
                chunk.errors.append((line_no, f"not valid JSON ({exc})"))
                continue
            except RecursionError:
                chunk.errors.append((line_no, "not valid JSON (nested too deeply)"))
                continue
        else:
            obj = raw
        checked = check_record(obj)
        if isinstance(checked, str):
            chunk.errors.append((line_no, checked))
            continue
        record_id, text, region = checked
        known = _text_cache.get(text)
        if known is not None:
            language, script, refs = known
        else:
            try:
                language = _LANG_CODE.get(detect(text), _LANG_CODE["other"])
                script = _SCRIPT_CODE.get(detect_script(text), 0)
                refs = find_article_refs(text)
            except Exception as exc:  # a text the toolkit cannot handle must not stop the batch
                chunk.errors.append((line_no, f"analysis failed ({type(exc).__name__}: {exc})"))
                continue
            if len(text) <= _TEXT_CACHE_CHARS:
                if len(_text_cache) >= _TEXT_CACHE_MAX:
                    _text_cache.clear()
                _text_cache[text] = (language, script, refs)
        chunk.ids.append(record_id)
        chunk.line_numbers.append(line_no)
        chunk.offsets.append(offset)
        chunk.regions.append(region)
        languages.append(language)
        scripts.append(script)
        chunk.article_counts.append(len(refs))
        chunk.article_values.extend(refs)
        texts.append(text)
    chunk.languages = bytes(languages)
    chunk.scripts = bytes(scripts)
    # Themes of the chunk's distinct texts in one batch (copies of a letter are classified once).
    distinct = list(dict.fromkeys(texts))
    theme_codes = {text: [_THEME_CODE[slug] for slug in slugs if slug in _THEME_CODE]
                   for text, slugs in zip(distinct, _themes(distinct), strict=True)}
    for text in texts:
        codes = theme_codes[text]
        chunk.theme_counts.append(len(codes))
        chunk.theme_values.extend(codes)
    keys, chunk.terms = keys_and_features(texts)
    chunk.signatures = dedup.signatures_of_keys(keys)
    chunk.texts = texts if keep_texts else None
    chunk.seconds = time.perf_counter() - started
    return chunk


def _themes(texts: list[str]) -> list[list[str]]:
    """Theme slugs of each text, best first: `classify_batch` for the chunk at once (the same as
    `themes_of` text by text); if the batch fails, text by text, a failing text getting none."""
    try:
        return [[hit.slug for hit in hits] for hits in classify_batch(texts)]
    except Exception:
        out: list[list[str]] = []
        for text in texts:
            try:
                out.append([hit.slug for hit in classify_batch([text])[0]])
            except Exception:
                out.append([])
        return out


def _init_worker() -> None:
    # One BLAS/OpenMP thread per worker: the workers already use every core.
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number from 1, byte offset, line) for every non-blank line; an oversized line is
    skipped without holding it in memory and yields None."""
    offset = 0
    line_no = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        line_no += 1
        start = offset
        offset += len(line)
        if len(line) > MAX_LINE_BYTES:
            while not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
                if not line:
                    break
                offset += len(line)
            yield line_no, start, None
            continue
        if line_no == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]  # a UTF-8 byte order mark (files saved by some Windows tools)
        if line.strip():
            yield line_no, start, line


def _chunks(lines: Iterable[tuple[int, int, bytes | None]], size: int) -> Iterator[list[tuple[int, int, bytes | None]]]:
    batch: list[tuple[int, int, bytes | None]] = []
    for item in lines:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------

@dataclass
class AnalysisResult:
    """Everything `kenes analyze` computes, as compact arrays in input order."""

    ids: list[str]
    line_numbers: NDArray[np.int64]
    offsets: NDArray[np.int64]
    languages: NDArray[np.uint8]
    scripts: NDArray[np.uint8]
    theme_starts: NDArray[np.int64]
    theme_values: NDArray[np.uint8]
    article_starts: NDArray[np.int64]
    article_values: NDArray[np.int32]
    regions: list[str]
    groups: NDArray[np.uint64]
    keys: NDArray[np.uint64]  # hash of each text's folded wording (0: no words)
    cluster_ids: NDArray[np.int32]
    cluster_info: list[clusters.ClusterInfo]
    silhouettes: dict[int, float]
    errors: list[tuple[int, str]]
    timings: dict[str, float]
    text_of: Callable[[list[int]], list[str]]
    # With a `ClusterModel` of earlier runs: index into its keys of the cluster each row joined (-1:
    # none; those rows are clustered anew in `cluster_ids`). The model to keep for the next run: the
    # given one plus this run's new clusters (or, without one, the model of this run's clusters).
    joined: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    cluster_model: clusters.ClusterModel | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def articles(self, i: int) -> list[int]:
        return [int(a) for a in self.article_values[self.article_starts[i] : self.article_starts[i + 1]]]

    def theme_slugs(self, i: int) -> list[str]:
        """Theme slugs of the i-th proposal, best first."""
        return [THEMES[t] for t in self.theme_values[self.theme_starts[i] : self.theme_starts[i + 1]]]

    def record(self, i: int) -> dict[str, Any]:
        """The output record of the i-th analysed proposal (DESIGN.md contract)."""
        cluster = int(self.cluster_ids[i])
        return {
            "id": self.ids[i],
            "language": LANGUAGES[self.languages[i]],
            "script": SCRIPTS[self.scripts[i]],
            "articles": self.articles(i),
            "themes": self.theme_slugs(i),
            "duplicate_group": dedup.group_id_str(int(self.groups[i])),
            "cluster": cluster if cluster >= 0 else None,
            "cluster_label": self.cluster_info[cluster].label if cluster >= 0 else None,
        }

    def records(self) -> Iterator[dict[str, Any]]:
        """`record(i)` for every row, from plain lists made once (no numpy scalar per field)."""
        languages, scripts = self.languages.tolist(), self.scripts.tolist()
        article_starts, article_values = self.article_starts.tolist(), self.article_values.tolist()
        theme_starts, theme_values = self.theme_starts.tolist(), self.theme_values.tolist()
        groups, cluster_ids = self.groups.tolist(), self.cluster_ids.tolist()
        for i, record_id in enumerate(self.ids):
            cluster = cluster_ids[i]
            yield {
                "id": record_id,
                "language": LANGUAGES[languages[i]],
                "script": SCRIPTS[scripts[i]],
                "articles": article_values[article_starts[i] : article_starts[i + 1]],
                "themes": [THEMES[t] for t in theme_values[theme_starts[i] : theme_starts[i + 1]]],
                "duplicate_group": dedup.group_id_str(groups[i]),
                "cluster": cluster if cluster >= 0 else None,
                "cluster_label": self.cluster_info[cluster].label if cluster >= 0 else None,
            }

    def _most_common_wording(self, grouped: NDArray[np.bool_]) -> dict[int, int]:
        """Group id -> row of its most frequent exact (folded) wording; ties go to the earliest."""
        rows = np.flatnonzero(grouped)
        g, k = self.groups[rows], self.keys[rows]
        order = np.lexsort((rows, k, g))
        g, k, rows = g[order], k[order], rows[order]
        run_start = np.flatnonzero(np.concatenate([[True], (g[1:] != g[:-1]) | (k[1:] != k[:-1])]))
        counts = np.diff(np.concatenate([run_start, [len(rows)]]))
        run_g, run_row = g[run_start], rows[run_start]
        best = np.lexsort((run_row, -counts, run_g))
        first_of_group = np.concatenate([[True], run_g[best][1:] != run_g[best][:-1]])
        return {int(gid): int(row) for gid, row in zip(run_g[best][first_of_group], run_row[best][first_of_group],
                                                        strict=True)}

    def summary(self, groups_listed: int = GROUPS_IN_SUMMARY) -> dict[str, Any]:
        """Groups with sizes and a representative text, clusters with labels and summaries, counts by
        theme, article, region and language."""
        n = len(self.ids)
        grouped = self.groups != 0
        group_summary: list[dict[str, Any]] = []
        n_groups = 0
        if grouped.any():
            gids, first, sizes = np.unique(self.groups[grouped], return_index=True, return_counts=True)
            first_row = np.flatnonzero(grouped)[first]
            n_groups = len(gids)
            order = np.lexsort((first_row, -sizes))[:groups_listed]
            rep_row = self._most_common_wording(grouped)
            reps = self.text_of([rep_row[int(gids[j])] for j in order])
            for j, text in zip(order, reps, strict=True):
                row = rep_row[int(gids[j])]
                group_summary.append({
                    "id": dedup.group_id_str(int(gids[j])),
                    "size": int(sizes[j]),
                    "representative_id": self.ids[row],
                    "representative": text,
                    "language": LANGUAGES[self.languages[row]],
                })
        cluster_summary = []
        for info in self.cluster_info:
            rep_texts = self.text_of(info.representatives)
            cluster_summary.append({
                "id": info.id,
                "size": info.size,
                "label": info.label,
                "terms": info.terms,
                "language": info.language,
                "representatives": [{"id": self.ids[r], "text": t}
                                    for r, t in zip(info.representatives, rep_texts, strict=True)],
                "summary": info.summary,
            })
        per_theme = np.bincount(self.theme_values, minlength=len(THEMES))
        theme_counts = {slug: int(per_theme[i]) for i, slug in enumerate(THEMES)}
        article_counts = Counter(self.article_values.tolist())
        return {
            "proposals": n,
            "skipped_lines": len(self.errors),
            "languages": {lang: int((self.languages == i).sum()) for i, lang in enumerate(LANGUAGES)},
            "scripts": {script: int((self.scripts == i).sum()) for i, script in enumerate(SCRIPTS)},
            "themes": {slug: c for slug, c in theme_counts.items() if c},
            "articles": {str(a): c for a, c in sorted(article_counts.items())},
            "regions": dict(sorted(Counter(r for r in self.regions if r).items())),
            "duplicate_groups": {
                "count": n_groups,
                "proposals_in_groups": int(grouped.sum()),
                "listed": len(group_summary),
                "groups": group_summary,
            },
            "clusters": {
                "count": len(self.cluster_info),
                "clustered_proposals": int((self.cluster_ids >= 0).sum()),
                "joined_earlier_clusters": int((self.joined >= 0).sum()),
                "silhouette_by_k": {str(k): round(v, 4) for k, v in sorted(self.silhouettes.items())},
                "clusters": cluster_summary,
            },
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _starts(counts: list[int]) -> NDArray[np.int64]:
    return np.concatenate([[0], np.cumsum(np.array(counts, dtype=np.int64))]).astype(np.int64)


def combine(chunks: Sequence[Chunk], *, index: dedup.DedupIndex | None, seed: int,
            text_of: Callable[[list[int]], list[str]], timings: dict[str, float],
            model: clusters.ClusterModel | None = None, cluster_prefix: str = "c") -> AnalysisResult:
    """Dedup and clusters over the per-text results of all chunks.

    With `model` (the clusters of earlier runs), a text outside any form-letter group first joins
    the nearest earlier cluster when it is close enough (`ClusterModel.assign`; `result.joined`);
    only the rest are clustered anew. `result.cluster_model` is what to keep for the next run: the
    given model with this run's new clusters added under the keys `cluster_prefix` + cluster id."""
    ids: list[str] = []
    regions: list[str] = []
    errors: list[tuple[int, str]] = []
    for c in chunks:
        ids.extend(c.ids)
        regions.extend(c.regions)
        errors.extend(c.errors)
    article_starts = _starts([n for c in chunks for n in c.article_counts])
    sigs = dedup.Signatures.concat([c.signatures for c in chunks if c.signatures is not None])
    term_parts = [c.terms for c in chunks if c.terms is not None and c.terms.shape[0]]
    terms = sparse.vstack(term_parts, format="csr") if term_parts \
        else sparse.csr_matrix((0, clusters.N_FEATURES), dtype=np.float32)
    timings["per_text_worker_seconds"] = sum(c.seconds for c in chunks)
    for c in chunks:  # the concatenated copies are enough from here on: halves the peak memory
        c.signatures = None
        c.terms = None
    del term_parts

    started = time.perf_counter()
    groups = (index if index is not None else dedup.DedupIndex()).add(sigs)
    timings["dedup"] = time.perf_counter() - started

    started = time.perf_counter()
    labels = np.full(len(ids), -1, dtype=np.int32)
    joined = np.full(len(ids), -1, dtype=np.int32)
    outside = np.flatnonzero(groups == 0)
    if model is not None and len(model) and len(outside):
        assigned = model.assign(terms[outside])
        joined[outside] = assigned
        outside = outside[assigned < 0]
        timings["cluster_join"] = time.perf_counter() - started
    fit = clusters.fit(terms[outside], seed=seed)
    labels[outside] = fit.labels
    new_keys = [f"{cluster_prefix}{c}" for c in range(fit.k)]
    if model is not None:
        next_model: clusters.ClusterModel | None = model.extend(terms[outside], fit.labels, new_keys)
    elif fit.k:
        next_model = clusters.ClusterModel.from_fit(terms[outside], fit, new_keys)
    else:
        next_model = None
    del terms
    timings["clusters"] = time.perf_counter() - started
    languages = np.frombuffer(b"".join(c.languages for c in chunks), dtype=np.uint8).copy()

    started = time.perf_counter()
    info = clusters.describe(fit, lambda rows: text_of([int(outside[r]) for r in rows]),
                             lambda rows: [LANGUAGES[languages[outside[r]]] for r in rows])
    for ci in info:
        ci.representatives = [int(outside[r]) for r in ci.representatives]
    timings["cluster_labels"] = time.perf_counter() - started
    return AnalysisResult(
        ids=ids,
        line_numbers=np.array([n for c in chunks for n in c.line_numbers], dtype=np.int64),
        offsets=np.array([o for c in chunks for o in c.offsets], dtype=np.int64),
        languages=languages,
        scripts=np.frombuffer(b"".join(c.scripts for c in chunks), dtype=np.uint8).copy(),
        theme_starts=_starts([n for c in chunks for n in c.theme_counts]),
        theme_values=np.array([t for c in chunks for t in c.theme_values], dtype=np.uint8),
        article_starts=article_starts,
        article_values=np.array([a for c in chunks for a in c.article_values], dtype=np.int32),
        regions=regions,
        groups=groups,
        keys=sigs.keys,
        cluster_ids=labels,
        cluster_info=info,
        silhouettes=fit.silhouettes,
        errors=sorted(errors),
        timings=timings,
        text_of=text_of,
        joined=joined,
        cluster_model=next_model,
    )


def analyze_records(records: Iterable[Mapping[str, Any]], *, state: dedup.DedupIndex | None = None,
                    seed: int = 0, model: clusters.ClusterModel | None = None,
                    cluster_prefix: str = "c") -> AnalysisResult:
    """Analyse records (`{"id", "text", "region"?}` mappings) in this process. With `state`, duplicate
    groups are matched against (and added to) an earlier analysis (`DedupIndex.load(path)`); the caller
    saves it (`state.save(path)`). Malformed records are listed in `result.errors` by position (from 1)."""
    started = time.perf_counter()
    chunks: list[Chunk] = []
    batch: list[tuple[int, int, bytes | Mapping[str, Any] | None]] = []
    for position, record in enumerate(records, start=1):
        batch.append((position, 0, record))
        if len(batch) >= CHUNK_LINES:
            chunks.append(analyze_lines(batch, keep_texts=True))
            batch = []
    if batch:
        chunks.append(analyze_lines(batch, keep_texts=True))
    _text_cache.clear()  # a long-lived (web) process keeps nothing between calls
    texts = [t for c in chunks for t in (c.texts or [])]
    timings = {"per_text": time.perf_counter() - started}
    result = combine(chunks, index=state, seed=seed, text_of=lambda rows: [texts[r] for r in rows], timings=timings,
                     model=model, cluster_prefix=cluster_prefix)
    result.timings["total"] = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------

def _text_reader(path: Path, offsets: NDArray[np.int64]) -> Callable[[list[int]], list[str]]:
    """Texts of analysed rows, read back from the input file by byte offset."""

    def text_of(rows: list[int]) -> list[str]:
        out = []
        with path.open("rb") as f:
            for r in rows:
                f.seek(int(offsets[r]))
                out.append(str(json.loads(f.readline(MAX_LINE_BYTES + 1))["text"]))
        return out

    return text_of


def analyze_file(path: Path, *, workers: int, index: dedup.DedupIndex | None, seed: int = 0,
                 progress: bool = True, report: Callable[[str], None] | None = None,
                 model: clusters.ClusterModel | None = None, cluster_prefix: str = "c") -> AnalysisResult:
    """Analyse a JSONL file with `workers` processes (1: in this process). `model` and
    `cluster_prefix`: see `combine`."""
    from tqdm import tqdm

    started = time.perf_counter()
    chunks: list[Chunk] = []
    size = path.stat().st_size
    bar = tqdm(total=size, unit="B", unit_scale=True, desc="analyse", file=sys.stderr, disable=not progress,
               mininterval=0.5)

    def collect(chunk: Chunk) -> None:
        for line_no, message in chunk.errors:
            (report or _stderr)(f"{path}:{line_no}: skipped: {message}")
        chunk.errors = [(n, "") for n, _ in chunk.errors]  # keep the count, not the messages
        chunks.append(chunk)

    with path.open("rb") as stream:
        lines = read_lines(stream)
        if workers <= 1:
            for batch in _chunks(lines, CHUNK_LINES):
                collect(analyze_lines(batch))
                bar.update(stream.tell() - bar.n)
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
                pending: deque[Future[Chunk]] = deque()
                for batch in _chunks(lines, CHUNK_LINES):
                    pending.append(pool.submit(analyze_lines, batch))
                    while len(pending) >= 2 * workers:
                        collect(pending.popleft().result())
                        bar.update(stream.tell() - bar.n)
                while pending:
                    collect(pending.popleft().result())
                bar.update(size - bar.n)
    bar.close()
    timings = {"per_text": time.perf_counter() - started}
    offsets = np.array([o for c in chunks for o in c.offsets], dtype=np.int64)
    result = combine(chunks, index=index, seed=seed, text_of=_text_reader(path, offsets), timings=timings,
                     model=model, cluster_prefix=cluster_prefix)
    result.timings["total"] = time.perf_counter() - started
    return result


def _stderr(message: str) -> None:
    try:
        from tqdm import tqdm

        tqdm.write(message, file=sys.stderr)
    except ImportError:  # pragma: no cover
        print(message, file=sys.stderr)


def write_output(result: AnalysisResult, out: IO[str]) -> None:
    encode = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(record, ensure_ascii=False) does
    batch: list[str] = []
    for record in result.records():
        batch.append(encode(record))
        if len(batch) >= 10_000:
            out.write("\n".join(batch) + "\n")
            batch = []
    if batch:
        out.write("\n".join(batch) + "\n")


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kenes analyze",
        description="Analyse proposals (JSON lines): language, script, articles, themes, "
                    "form-letter groups and clusters.",
    )
    parser.add_argument("input", type=Path, help="input JSONL file, one proposal per line")
    parser.add_argument("--out", type=Path, required=True, help="output JSONL file, one result per input record")
    parser.add_argument("--summary", type=Path, help="also write a JSON summary (groups, clusters, counts)")
    parser.add_argument("--state", type=Path,
                        help="directory keeping duplicate groups between runs (incremental mode)")
    parser.add_argument("--workers", type=int, default=_cores(), help="processes for per-text work (default: the cores this process may use)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for clustering")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.workers < 1:
        print("kenes analyze: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.out.resolve() == args.input.resolve() or (args.summary and args.summary.resolve() == args.input.resolve()):
        print("kenes analyze: the output would overwrite the input", file=sys.stderr)
        return 2
    index: dedup.DedupIndex | None = None
    state_path: Path | None = None
    try:
        if args.state is not None:
            args.state.mkdir(parents=True, exist_ok=True)
            state_path = args.state / STATE_FILE
            if state_path.exists():
                index = dedup.DedupIndex.load(state_path)
            else:
                index = dedup.DedupIndex()
        result = analyze_file(args.input, workers=args.workers, index=index, seed=args.seed,
                              progress=not args.quiet)
    except (OSError, ValueError) as exc:
        print(f"kenes analyze: {exc}", file=sys.stderr)
        return 2
    if not len(result):
        print(f"kenes analyze: no proposal could be read from {args.input} "
              f"({len(result.errors)} bad lines)", file=sys.stderr)
        return 1
    try:
        summary = result.summary() if args.summary is not None else None
        started = time.perf_counter()
        tmp = args.out.with_name(args.out.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            write_output(result, out)
        os.replace(tmp, args.out)
        result.timings["write"] = time.perf_counter() - started
        if args.summary is not None and summary is not None:
            summary["timings_seconds"]["write"] = round(result.timings["write"], 3)
            args.summary.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        if index is not None and state_path is not None:
            index.save(state_path)
    except OSError as exc:
        print(f"kenes analyze: {exc}", file=sys.stderr)
        return 2
    print(f"kenes analyze: {len(result)} proposals, {len(result.errors)} bad lines skipped, "
          f"{int((result.groups != 0).sum())} in duplicate groups, {len(result.cluster_info)} clusters "
          f"-> {args.out}", file=sys.stderr)
    return 0

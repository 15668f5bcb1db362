"""Number and sizes of semantic clusters on the demo corpus, and how an incremental run places new texts.

    python -m bench.clusters [--n 2000 --n 100000] [--corpus demo|bench] [--workers 2] [--seed 2026]
                             [--incremental 0.1] [--old-rule]
    python -m bench.clusters --fit-only --corpus demo-individual --n 100000 [--old-rule]

For each `--n`: the demo proposals `kenes load_demo --proposals N` would store (`kenes.demo.generate`,
Django-free, same seed) are written as JSONL and analysed with `kenes.nlp.pipeline.analyze_file`. Prints
one JSON object per n: texts outside form letters, number of clusters, their size distribution
(min, quartiles, max, mean), the silhouette by candidate k, clustering seconds.

`--fit-only` clusters the texts straight with `clusters.fit` (no form-letter groups first; with
`--corpus demo-individual`, the ~66% of the demo that are individual proposals, as the workspace
benchmark's analysis saw them). `--old-rule` measures the candidates for k as they were before the
floor (`old_k_candidates`), for a before/after comparison with the same code otherwise.

With `--incremental F` the last fraction F of the proposals (by time, as they arrive) is held back: the
first part is analysed with a dedup index and a cluster model kept, then the rest incrementally against
them; reported: new texts outside form letters, how many joined an existing cluster, how many formed
new clusters (and how many), and the pairwise agreement ("same cluster", precision/recall) of the
joined texts with a from-scratch clustering of all n texts, next to the same agreement of the base
run's own texts (the level two k-means fits reach anyway).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench import corpus
from bench.analysis import pairwise_scores
from kenes.demo.generate import SEED, Generator, ProposalSpec
from kenes.nlp import clusters, dedup, pipeline
from kenes.regions import DATA_DIR


def demo_specs(n: int, seed: int) -> list[ProposalSpec]:
    with open(DATA_DIR / "regions.csv", encoding="utf-8", newline="") as f:
        regions = {row["slug"]: (row["center_kk"] or row["name_kk"], row["center_ru"] or row["name_ru"])
                   for row in csv.DictReader(f)}
    now = datetime(2026, 6, 1, tzinfo=UTC)
    return Generator(opens=now - timedelta(days=30), now=now, citizens=500, regions=regions, seed=seed).proposals(n)


def write_jsonl(path: Path, rows: list[tuple[str, str]], start: int = 0) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i, (text, region) in enumerate(rows, start=start + 1):
            out.write(json.dumps({"id": str(i), "text": text, "region": region}, ensure_ascii=False) + "\n")


def sizes_of(result: pipeline.AnalysisResult) -> dict[str, Any]:
    sizes = np.array(sorted((info.size for info in result.cluster_info), reverse=True), dtype=np.int64)
    if not len(sizes):
        return {"count": 0}
    q = np.percentile(sizes, [0, 25, 50, 75, 100])
    return {
        "count": len(sizes),
        "min": int(q[0]), "p25": float(q[1]), "median": float(q[2]), "p75": float(q[3]), "max": int(q[4]),
        "mean": round(float(sizes.mean()), 1),
        "largest": sizes[:10].tolist(),
    }


def old_k_candidates(n: int) -> list[int]:
    """The rule before the floor (for `--old-rule`): 2 up to about sqrt(n/2), capped at 64."""
    top = int(min(64, max(2, np.sqrt(n / 2))))
    return sorted({k for k in (2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64) if k <= top}) or [2]


def fit_only(n: int, *, seed: int, source: str) -> dict[str, Any]:
    """`clusters.fit` straight on the texts (no form-letter grouping first)."""
    if source == "demo-individual":
        texts = [spec.text for spec in demo_specs(n, seed) if not spec.campaign and not spec.hidden_reason]
    else:
        texts = [str(record["text"]) for record, _doc in corpus.records(n, seed=seed)]
    counts = clusters.term_counts([clusters.terms(t) for t in texts])
    started = time.perf_counter()
    result = clusters.fit(counts, seed=0)
    sizes = np.array(sorted(result.sizes, reverse=True), dtype=np.int64)
    q = np.percentile(sizes, [0, 25, 50, 75, 100])
    return {
        "corpus": source, "n": n, "texts_clustered": int((result.labels >= 0).sum()),
        "clusters": {"count": result.k, "min": int(q[0]), "p25": float(q[1]), "median": float(q[2]),
                     "p75": float(q[3]), "max": int(q[4]), "mean": round(float(sizes.mean()), 1),
                     "largest": sizes[:10].tolist()},
        "silhouette_by_k": {str(k): round(v, 4) for k, v in sorted(result.silhouettes.items())},
        "fit_seconds": round(time.perf_counter() - started, 2),
    }


def measure(n: int, *, seed: int, workers: int, incremental: float, tmp: Path, source: str) -> dict[str, Any]:
    if source == "demo-individual":
        raise ValueError("--corpus demo-individual is for --fit-only")
    if source == "demo":
        specs = [(spec.text, spec.region) for spec in demo_specs(n, seed)]
    else:
        specs = [(str(record["text"]), str(record.get("region") or "")) for record, _doc in corpus.records(n, seed=seed)]
    path = tmp / f"{source}-{n}.jsonl"
    write_jsonl(path, specs)
    started = time.perf_counter()
    result = pipeline.analyze_file(path, workers=workers, index=dedup.DedupIndex(), progress=False)
    out: dict[str, Any] = {
        "corpus": source,
        "n": n,
        "outside_form_letters": int((result.groups == 0).sum()),
        "clusters": sizes_of(result),
        "silhouette_by_k": {str(k): round(v, 4) for k, v in sorted(result.silhouettes.items())},
        "cluster_seconds": round(result.timings.get("clusters", 0.0), 2),
        "model_bytes": len(result.cluster_model.to_bytes()) if result.cluster_model is not None else 0,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if incremental > 0:
        cut = int(len(specs) * (1 - incremental))
        first, second = tmp / f"{source}-{n}-a.jsonl", tmp / f"{source}-{n}-b.jsonl"
        write_jsonl(first, specs[:cut])
        write_jsonl(second, specs[cut:], start=cut)
        index = dedup.DedupIndex()
        base = pipeline.analyze_file(first, workers=workers, index=index, progress=False)
        model = base.cluster_model
        later = pipeline.analyze_file(second, workers=workers, index=index, progress=False, model=model,
                                      cluster_prefix="inc")
        outside = later.groups == 0
        joined = later.joined >= 0
        out["incremental"] = {
            "base_texts": cut,
            "base_clusters": sizes_of(base)["count"],
            "new_texts": len(specs) - cut,
            "new_outside_form_letters": int(outside.sum()),
            "joined_existing_clusters": int((outside & joined).sum()),
            "existing_clusters_joined": len(np.unique(later.joined[joined])),
            "in_new_clusters": int((later.cluster_ids >= 0).sum()),
            "new_clusters": len(later.cluster_info),
            "threshold": model.threshold if model is not None else None,
        }
        # Agreement with the from-scratch clustering of all n texts (pairwise precision/recall of
        # "same cluster"): of the joined new texts, and for reference of the base run's own texts
        # (two k-means fits of overlapping data never agree exactly).
        full = result.cluster_ids
        new_rows = np.flatnonzero(joined & (full[cut:] >= 0))
        out["incremental"]["joined_vs_full_fit"] = pairwise_scores(
            [str(later.joined[j]) for j in new_rows], [str(full[cut + j]) for j in new_rows])
        base_rows = np.flatnonzero((base.cluster_ids >= 0) & (full[:cut] >= 0))
        out["incremental"]["base_vs_full_fit"] = pairwise_scores(
            [str(base.cluster_ids[j]) for j in base_rows], [str(full[j]) for j in base_rows])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="corpus sizes (default: 2000)")
    parser.add_argument("--corpus", choices=("demo", "bench", "demo-individual"), default="demo",
                        help="demo: kenes.demo.generate (as load_demo); bench: bench.corpus (mostly distinct "
                             "texts); demo-individual: the demo without its campaign copies (--fit-only)")
    parser.add_argument("--fit-only", action="store_true",
                        help="run clusters.fit straight on the texts, without the pipeline and form-letter groups")
    parser.add_argument("--old-rule", action="store_true",
                        help="candidates for k as before the floor (2 up to sqrt(n/2), at most 64)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--incremental", type=float, default=0.0,
                        help="fraction of the corpus analysed incrementally after the rest (0: none)")
    args = parser.parse_args(argv)
    if args.old_rule:
        clusters.k_candidates = old_k_candidates
        clusters.k_floor = lambda n: 2
    if args.fit_only:
        for n in args.n or [2000]:
            print(json.dumps(fit_only(n, seed=args.seed, source=args.corpus), ensure_ascii=False), flush=True)
        return 0
    with tempfile.TemporaryDirectory(prefix="kenes-bench-clusters-") as tmp:
        for n in args.n or [2000]:
            print(json.dumps(measure(n, seed=args.seed, workers=args.workers, incremental=args.incremental,
                                     tmp=Path(tmp), source=args.corpus), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of `kenes analyze` and of form-letter grouping against datasketch's MinHashLSH.

    python -m bench.analysis --n 100000 [--baseline-n 100000] [--workers 2] [--seed 1] [--skip-pipeline]

Prints one JSON object:

- `corpus`: size and gold groups of the generated corpus (`bench.corpus`, seeded);
- `pipeline`: `kenes analyze` run as a subprocess on the corpus: wall time, proposals/second end to
  end and for each stage (from the summary's timings), peak memory of the process tree (RSS of the
  command and its worker processes summed, sampled every 0.1 s from /proc, plus the largest single
  process's ru_maxrss), and grouping precision/recall/F1 of its output against the gold;
- `grouping`: in this process, on the first `--baseline-n` proposals (all of them by default up to
  100,000): Kenes's grouping (`kenes.nlp.dedup`, from folded keys: shingles, MinHash, LSH,
  verification, components) and datasketch's MinHashLSH used as its documentation shows (MinHash.bulk
  signatures over the same word-bigram shingles, then insert and query every document; query results
  joined into groups with a union-find), the same threshold and number of permutations; time,
  proposals/second, pairwise precision/recall/F1 of each and the speed ratio. When `--baseline-n` is
  below `--n`, Kenes's grouping is also timed on the whole corpus (`grouping.full_corpus`) and the
  ratio is computed from per-proposal rates (`rates_are_per_proposal`: true).

Pairwise scores: a pair of proposals is positive when both are in the same group; precision and recall
are over all such pairs (gold groups from the generator: one campaign, one resubmitted proposal, one
identical short reaction).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import corpus
from kenes.nlp import dedup

ROOT = Path(__file__).resolve().parent.parent


def pairwise_scores(predicted: list[str | None], gold: list[str | None]) -> dict[str, float]:
    def pairs(counter: Counter[Any]) -> int:
        return sum(v * (v - 1) // 2 for v in counter.values())

    p = pairs(Counter(x for x in predicted if x is not None))
    g = pairs(Counter(x for x in gold if x is not None))
    tp = pairs(Counter((x, y) for x, y in zip(predicted, gold, strict=True) if x is not None and y is not None))
    precision = tp / p if p else 1.0
    recall = tp / g if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5),
            "predicted_pairs": p, "gold_pairs": g}


def bigram_shingles(key: str) -> list[bytes]:
    """The shingles `kenes.nlp.dedup` hashes (word bigrams; a one-word key is its word), as bytes."""
    words = key.split()
    if len(words) == 1:
        return [words[0].encode("utf-8")]
    return [f"{a} {b}".encode() for a, b in itertools.pairwise(words)]


def datasketch_groups(keys: list[str]) -> tuple[list[str | None], dict[str, float]]:
    from datasketch import MinHash, MinHashLSH

    timings: dict[str, float] = {}
    cpu_started = time.process_time()
    started = time.perf_counter()
    sets = [bigram_shingles(k) for k in keys]
    timings["shingles"] = time.perf_counter() - started
    started = time.perf_counter()
    minhashes = MinHash.bulk(sets, num_perm=dedup.NUM_PERM)
    timings["minhash_bulk"] = time.perf_counter() - started
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM)
    for i, (shingle_set, m) in enumerate(zip(sets, minhashes, strict=True)):
        if shingle_set:
            lsh.insert(i, m)
    timings["insert"] = time.perf_counter() - started
    started = time.perf_counter()
    parent = list(range(len(keys)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, (shingle_set, m) in enumerate(zip(sets, minhashes, strict=True)):
        if not shingle_set:
            continue
        for j in lsh.query(m):
            a, b = find(i), find(int(j))
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots = [find(i) for i in range(len(keys))]
    sizes = Counter(roots)
    timings["query_and_union"] = time.perf_counter() - started
    timings["total"] = sum(timings.values())
    timings["cpu_total"] = time.process_time() - cpu_started
    return [str(r) if sizes[r] > 1 else None for r in roots], timings


def kenes_groups(keys: list[str]) -> tuple[list[str | None], dict[str, float]]:
    timings: dict[str, float] = {}
    cpu_started = time.process_time()
    started = time.perf_counter()
    sigs = dedup.signatures_of_keys(keys)
    timings["signatures"] = time.perf_counter() - started
    started = time.perf_counter()
    groups = dedup.group_signatures(sigs)
    timings["lsh_and_groups"] = time.perf_counter() - started
    timings["total"] = sum(timings.values())
    timings["cpu_total"] = time.process_time() - cpu_started
    return groups, timings


def _tree_rss_kb(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_pipeline(input_path: Path, out_dir: Path, workers: int, gold: list[str | None]) -> dict[str, Any]:
    out = out_dir / "analysis.jsonl"
    summary = out_dir / "summary.json"
    kenes = ROOT / ".venv" / "bin" / "kenes"
    command = [str(kenes) if kenes.exists() else sys.executable, *([] if kenes.exists() else ["-m", "kenes.cli"]),
               "analyze", str(input_path), "--out", str(out), "--summary", str(summary),
               "--workers", str(workers), "--quiet"]
    peak = [0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"kenes analyze failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_maxrss_kb = after.ru_maxrss
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    predicted = [json.loads(line)["duplicate_group"] for line in out.open(encoding="utf-8")]
    info = json.loads(summary.read_text(encoding="utf-8"))
    n = len(predicted)
    stages = {k: v for k, v in info["timings_seconds"].items() if v > 0}
    return {
        "command": " ".join(command[1:] if not kenes.exists() else ["kenes", *command[1:]]),
        "workers": workers,
        "proposals": n,
        "wall_seconds": round(wall, 2),
        "proposals_per_second": round(n / wall, 1),
        "cpu_seconds_all_processes": round(cpu, 2),
        "stage_seconds": stages,
        "stage_proposals_per_second": {k: round(n / v, 1) for k, v in stages.items()
                                       if k not in ("total", "per_text_worker_seconds")},
        "peak_rss_tree_mb": round(peak[0] / 1024, 1),
        "peak_rss_largest_process_mb": round(children_maxrss_kb / 1024, 1),
        "stdout_bytes": len(stdout),
        "duplicate_groups": info["duplicate_groups"]["count"],
        "clusters": info["clusters"]["count"],
        "silhouette_by_k": info["clusters"]["silhouette_by_k"],
        "grouping_vs_gold": pairwise_scores(predicted, gold[:n]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--baseline-n", type=int, help="proposals for the datasketch comparison (default: min(n, 100000))")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the corpus and outputs in this directory")
    args = parser.parse_args(argv)
    baseline_n = min(args.n, args.baseline_n if args.baseline_n is not None else 100_000)

    with tempfile.TemporaryDirectory(prefix="kenes-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        input_path = work / "corpus.jsonl"
        started = time.perf_counter()
        gold: list[str | None] = []
        texts: list[str] = []
        with input_path.open("w", encoding="utf-8") as f:
            for record, doc in corpus.records(args.n, args.seed):
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                gold.append(doc.group)
                texts.append(doc.text)
        report: dict[str, Any] = {
            "n": args.n,
            "machine": {"cpus": os.cpu_count()},
            "corpus": {
                "generator": f"bench.corpus seed={args.seed}",
                "seconds": round(time.perf_counter() - started, 2),
                "bytes": input_path.stat().st_size,
                "gold_groups": len({g for g in gold if g is not None}),
                "proposals_in_gold_groups": sum(g is not None for g in gold),
            },
            "parameters": {"num_perm": dedup.NUM_PERM, "bands": dedup.BANDS, "rows": dedup.ROWS,
                           "threshold": dedup.THRESHOLD, "shingles": "word bigrams of the folded text"},
        }
        if not args.skip_pipeline:
            report["pipeline"] = run_pipeline(input_path, work, args.workers, gold)

        # Grouping in this process, from folded keys.
        started = time.perf_counter()
        keys = [dedup.text_key(t) for t in texts]
        fold_seconds = time.perf_counter() - started
        del texts
        sub_keys, sub_gold = keys[:baseline_n], gold[:baseline_n]
        ours, ours_t = kenes_groups(sub_keys)
        grouping: dict[str, Any] = {
            "proposals": baseline_n,
            "fold_seconds_not_counted": round(fold_seconds * baseline_n / args.n, 3),
            "kenes": {"seconds": {k: round(v, 3) for k, v in ours_t.items()},
                      "proposals_per_second": round(baseline_n / ours_t["total"], 1),
                      **pairwise_scores(ours, sub_gold)},
            "rates_are_per_proposal": baseline_n < args.n,
        }
        if not args.skip_baseline:
            theirs, theirs_t = datasketch_groups(sub_keys)
            grouping["datasketch"] = {"seconds": {k: round(v, 3) for k, v in theirs_t.items()},
                                      "proposals_per_second": round(baseline_n / theirs_t["total"], 1),
                                      **pairwise_scores(theirs, sub_gold)}
        if baseline_n < args.n:
            full, full_t = kenes_groups(keys)
            grouping["full_corpus"] = {"proposals": args.n, "seconds": {k: round(v, 3) for k, v in full_t.items()},
                                       "proposals_per_second": round(args.n / full_t["total"], 1),
                                       **pairwise_scores(full, gold)}
        if "datasketch" in grouping:
            ours_rate = (grouping["full_corpus"] if baseline_n < args.n else grouping["kenes"])["proposals_per_second"]
            grouping["speedup_vs_datasketch"] = round(ours_rate / grouping["datasketch"]["proposals_per_second"], 1)
            ours_cpu = grouping["full_corpus" if baseline_n < args.n else "kenes"]["seconds"]["cpu_total"]
            ours_n = args.n if baseline_n < args.n else baseline_n
            grouping["speedup_vs_datasketch_cpu_time"] = round(
                (grouping["datasketch"]["seconds"]["cpu_total"] / baseline_n) / (ours_cpu / ours_n), 1)
        report["grouping"] = grouping
        report["bench_process_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        report["targets"] = {
            "end_to_end_seconds_limit": 300 if args.n >= 1_000_000 else (30 if args.n >= 100_000 else None),
            "peak_memory_mb_limit": 4096,
            "grouping_speedup_min": 5,
            "grouping_f1_min": 0.97,
        }
        print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

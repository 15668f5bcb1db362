"""`kenes analyze`: the DESIGN.md contract, bad lines, summary, incremental state, Python API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import corpus
from kenes import cli
from kenes.nlp import pipeline
from tests.nlp.test_dedup import LETTER_KK, kk_variants

pytestmark = pytest.mark.nodb

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"id", "language", "script", "articles", "themes", "duplicate_group", "cluster", "cluster_label"}


def write_corpus(path: Path, n: int = 400, seed: int = 21, extra: list[str] | None = None) -> list[dict[str, Any]]:
    records = [record for record, _ in corpus.records(n, seed)]
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        for line in extra or []:
            f.write(line + "\n")
    return records


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_contract(row: dict[str, Any]) -> None:
    assert set(row) == FIELDS
    assert isinstance(row["id"], str)
    assert row["language"] in ("kk", "ru", "en", "other")
    assert row["script"] in ("cyrl", "latn", "mixed")
    assert isinstance(row["articles"], list) and all(type(a) is int for a in row["articles"])
    assert row["articles"] == sorted(set(row["articles"]))
    assert isinstance(row["themes"], list) and all(t in pipeline.THEMES for t in row["themes"])
    assert row["duplicate_group"] is None or (isinstance(row["duplicate_group"], str) and row["duplicate_group"])
    assert row["cluster"] is None or type(row["cluster"]) is int
    assert (row["cluster"] is None) == (row["cluster_label"] is None)
    if row["duplicate_group"] is not None:
        assert row["cluster"] is None  # clusters are of the proposals outside form-letter groups


def test_contract_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    records = write_corpus(source)
    out = tmp_path / "out.jsonl"
    code = cli.main(["analyze", str(source), "--out", str(out), "--workers", "1", "--quiet"])
    assert code == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for row in rows:
        check_contract(row)
    assert any(r["duplicate_group"] for r in rows) and any(r["cluster"] is not None for r in rows)
    assert {r["language"] for r in rows} >= {"kk", "ru"}
    assert any(r["articles"] for r in rows)


def test_form_letters_share_a_group_in_the_output(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    extra = [json.dumps({"id": f"letter-{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(kk_variants())]
    write_corpus(source, n=200, extra=extra)
    out = tmp_path / "out.jsonl"
    assert pipeline.main([str(source), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    rows = {r["id"]: r for r in read_jsonl(out)}
    groups = {rows[f"letter-{i}"]["duplicate_group"] for i in range(len(kk_variants()))}
    assert len(groups) == 1 and None not in groups
    letter = rows["letter-0"]
    assert letter["articles"] == [8] and letter["language"] == "kk"


def test_bad_lines_are_reported_with_line_numbers_and_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_LINE_BYTES", 4000)
    good = [{"id": f"g{i}", "text": LETTER_KK if i % 2 else f"Предложение номер {i} о статье {i + 1}"}
            for i in range(6)]
    lines = [
        json.dumps(good[0], ensure_ascii=False),                        # 1
        '{"id": "x", "text": ',                                         # 2 broken JSON
        json.dumps(good[1], ensure_ascii=False),                        # 3
        '{"text": "no id"}',                                            # 4
        '{"id": "t", "text": 42}',                                      # 5 text not a string
        "",                                                             # 6 blank: ignored silently
        "[1, 2, 3]",                                                    # 7 not an object
        json.dumps({"id": "big", "text": "ы" * 5000}, ensure_ascii=False),  # 8 oversized
        json.dumps(good[2], ensure_ascii=False),                        # 9
        '{"id": "", "text": "empty id"}',                               # 10
        '{"id": 17, "text": "numeric id"}',                             # 11
        '{"id": "nt"}',                                                 # 12 no text
        json.dumps(good[3], ensure_ascii=False),                        # 13
    ]
    source = tmp_path / "in.jsonl"
    with source.open("wb") as f:
        f.write("\n".join(lines).encode("utf-8") + b"\n")
        f.write(b'{"id": "u", "text": "\xff\xfe broken utf-8"}\n')     # 14
        f.write(json.dumps(good[4]).encode() + b"\n")                   # 15
        f.write(json.dumps(good[5]).encode())                           # 16, no final newline
    out = tmp_path / "out.jsonl"
    summary = tmp_path / "summary.json"
    code = cli.main(["analyze", str(source), "--out", str(out), "--summary", str(summary), "--workers", "1",
                     "--quiet"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == ""
    for line_no in (2, 4, 5, 7, 8, 10, 11, 12, 14):
        assert f"{source}:{line_no}: skipped:" in captured.err
    for line_no in (1, 3, 6, 9, 13, 15, 16):
        assert f"{source}:{line_no}: skipped:" not in captured.err
    assert "longer than 4000 bytes" in captured.err and "not valid JSON" in captured.err
    assert [r["id"] for r in read_jsonl(out)] == [g["id"] for g in good]
    assert json.loads(summary.read_text(encoding="utf-8"))["skipped_lines"] == 9


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nonsense\n{}\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert pipeline.main([str(bad), "--out", str(out), "--quiet", "--workers", "1"]) == 1
    assert "no proposal could be read" in capsys.readouterr().err
    assert pipeline.main([str(tmp_path / "missing.jsonl"), "--out", str(out), "--quiet"]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    good = tmp_path / "good.jsonl"
    write_corpus(good, n=30)
    assert pipeline.main([str(good), "--out", str(tmp_path / "no-such-dir" / "out.jsonl"), "--quiet",
                          "--workers", "1"]) == 2
    assert pipeline.main([str(good), "--out", str(out), "--workers", "0"]) == 2
    before = good.read_bytes()
    assert pipeline.main([str(good), "--out", str(good), "--quiet"]) == 2
    assert pipeline.main([str(good), "--out", str(out), "--summary", str(good), "--quiet"]) == 2
    assert good.read_bytes() == before
    assert "overwrite the input" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert pipeline.main([str(empty), "--out", str(out), "--quiet"]) == 1


def test_summary_shape_and_counts(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    records = write_corpus(source, n=500, seed=4)
    out, summary_path = tmp_path / "out.jsonl", tmp_path / "summary.json"
    assert pipeline.main([str(source), "--out", str(out), "--summary", str(summary_path), "--workers", "1",
                          "--quiet"]) == 0
    rows = read_jsonl(out)
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["proposals"] == len(rows) == len(records)
    assert summary["languages"] == {lang: sum(r["language"] == lang for r in rows) for lang in pipeline.LANGUAGES}
    theme_counts = {t: sum(t in r["themes"] for r in rows) for t in pipeline.THEMES}
    assert summary["themes"] == {t: c for t, c in theme_counts.items() if c}
    article_counts: dict[str, int] = {}
    for r in rows:
        for a in r["articles"]:
            article_counts[str(a)] = article_counts.get(str(a), 0) + 1
    assert summary["articles"] == article_counts
    regions: dict[str, int] = {}
    for rec in records:
        if rec.get("region"):
            regions[rec["region"]] = regions.get(rec["region"], 0) + 1
    assert summary["regions"] == regions

    groups = summary["duplicate_groups"]
    by_group: dict[str, int] = {}
    for r in rows:
        if r["duplicate_group"]:
            by_group[r["duplicate_group"]] = by_group.get(r["duplicate_group"], 0) + 1
    assert groups["count"] == len(by_group) and groups["proposals_in_groups"] == sum(by_group.values())
    texts = {rec["id"]: rec["text"] for rec in records}
    sizes = [g["size"] for g in groups["groups"]]
    assert sizes == sorted(sizes, reverse=True)
    for g in groups["groups"]:
        assert by_group[g["id"]] == g["size"] >= 2
        assert texts[g["representative_id"]] == g["representative"]

    cl = summary["clusters"]
    assert cl["count"] == len(cl["clusters"]) >= 2
    assert cl["silhouette_by_k"]
    labels = {r["cluster"]: r["cluster_label"] for r in rows if r["cluster"] is not None}
    for c in cl["clusters"]:
        assert labels[c["id"]] == c["label"]
        assert c["size"] == sum(r["cluster"] == c["id"] for r in rows)
        assert c["summary"] and all(isinstance(s, str) for s in c["summary"])
        assert all(texts[rep["id"]] == rep["text"] for rep in c["representatives"])


def test_incremental_state_keeps_group_ids(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    variants = kk_variants()
    write_corpus(first, n=150, seed=8, extra=[json.dumps({"id": "L0", "text": variants[0]}, ensure_ascii=False)])
    write_corpus(second, n=100, seed=9, extra=[json.dumps({"id": f"L{i}", "text": variants[i]}, ensure_ascii=False)
                                                for i in (3, 7)])
    out1, out2 = tmp_path / "o1.jsonl", tmp_path / "o2.jsonl"
    assert pipeline.main([str(first), "--out", str(out1), "--state", str(state), "--workers", "1", "--quiet"]) == 0
    assert (state / pipeline.STATE_FILE).exists()
    rows1 = {r["id"]: r for r in read_jsonl(out1)}
    assert rows1["L0"]["duplicate_group"] is None
    assert pipeline.main([str(second), "--out", str(out2), "--state", str(state), "--workers", "1", "--quiet"]) == 0
    rows2 = {r["id"]: r for r in read_jsonl(out2)}
    assert rows2["L3"]["duplicate_group"] == rows2["L7"]["duplicate_group"] is not None
    # The same id a single run over both files gives.
    both = tmp_path / "both.jsonl"
    both.write_bytes(first.read_bytes() + second.read_bytes())
    out3 = tmp_path / "o3.jsonl"
    assert pipeline.main([str(both), "--out", str(out3), "--workers", "1", "--quiet"]) == 0
    rows3 = {r["id"]: r for r in read_jsonl(out3)}
    assert rows3["L0"]["duplicate_group"] == rows2["L3"]["duplicate_group"]


def test_python_api_matches_the_command(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    records = write_corpus(source, n=300, seed=12)
    out = tmp_path / "out.jsonl"
    assert pipeline.main([str(source), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    result = pipeline.analyze_records(records)
    assert list(result.records()) == read_jsonl(out)
    # Per-text fields are exactly what the toolkit's functions say, text by text.
    from kenes.nlp.articles import find_article_refs
    from kenes.nlp.langid import detect
    from kenes.nlp.text import detect_script
    from kenes.nlp.themes import themes_of

    for i, record in enumerate(records[:60]):
        row = result.record(i)
        assert row["language"] == detect(record["text"])
        assert row["script"] == detect_script(record["text"])
        assert row["articles"] == find_article_refs(record["text"])
        assert row["themes"] == themes_of(record["text"])
    assert result.summary()["proposals"] == len(records)
    broken = pipeline.analyze_records([{"id": "a", "text": "Статья 8"}, {"id": 3}, "junk"])  # type: ignore[list-item]
    assert len(broken) == 1 and [n for n, _ in broken.errors] == [2, 3]


def test_subprocess_run_with_two_workers_keeps_stdout_clean(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    records = write_corpus(source, n=5000, seed=5, extra=["{oops", json.dumps({"id": "last", "text": "Соңғы ұсыныс"})])
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    kenes = ROOT / ".venv" / "bin" / "kenes"
    command = [str(kenes)] if kenes.exists() else [sys.executable, "-m", "kenes.cli"]
    done = subprocess.run([*command, "analyze", str(source), "--out", str(out), "--summary", str(summary),
                           "--workers", "2"], capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b""
    assert f"{source}:{len(records) + 1}: skipped".encode() in done.stderr
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == [r["id"] for r in records] + ["last"]
    assert json.loads(summary.read_text(encoding="utf-8"))["proposals"] == len(records) + 1
    # Same results as one in-process worker.
    single = tmp_path / "single.jsonl"
    assert pipeline.main([str(source), "--out", str(single), "--workers", "1", "--quiet"]) == 0
    assert read_jsonl(single) == rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.binary(max_size=300),
                          st.dictionaries(st.sampled_from(["id", "text", "region"]),
                                          st.one_of(st.text(max_size=80), st.integers(), st.none()))
                          .map(lambda d: json.dumps(d).encode())), max_size=15))
def test_arbitrary_lines_never_crash_the_per_text_stage(lines: list[bytes]) -> None:
    items = [(i + 1, 0, line) for i, line in enumerate(lines)]
    chunk = pipeline.analyze_lines(items)
    assert len(chunk.ids) + len(chunk.errors) == len(lines)
    assert chunk.signatures is not None and len(chunk.signatures) == len(chunk.ids)


def test_one_pass_keys_and_features_equal_the_public_functions() -> None:
    from kenes.nlp import clusters, dedup

    texts = [record["text"] for record, _ in corpus.records(800, seed=31)]
    texts += ["", "  ", "Бiз «Қазақстан»\u200b — ел!", "8-бапқа өзгеріс, статья 6; Article 32.", "İstanbul ǵ a' sh"]
    keys, matrix = pipeline.keys_and_features(texts)
    assert keys == [dedup.text_key(t) for t in texts]
    expected = clusters.term_counts([clusters.terms(t) for t in texts])
    assert (matrix != expected).nnz == 0


def test_byte_order_mark_and_lone_surrogates_do_not_lose_records(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"id": "bom", "text": LETTER_KK}).encode() + b"\n"
        + b'{"id": "s1", "text": "\\ud800 8-\\u0431\\u0430\\u043f \\u04e9\\u0437\\u0433\\u0435\\u0440\\u0456\\u0441"}\n'
        + b'{"id": "s2", "text": "\\udfff\\ud800"}\n'
        + json.dumps({"id": "bom2", "text": LETTER_KK.upper()}).encode() + b"\n")
    out = tmp_path / "out.jsonl"
    assert pipeline.main([str(source), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    rows = {r["id"]: r for r in read_jsonl(out)}
    assert set(rows) == {"bom", "s1", "s2", "bom2"}
    assert rows["bom"]["duplicate_group"] == rows["bom2"]["duplicate_group"] is not None
    assert rows["s1"]["articles"] == [8]


def test_identical_texts_get_identical_results_and_the_toolkits_answer() -> None:
    from kenes.nlp.articles import find_article_refs
    from kenes.nlp.langid import detect
    from kenes.nlp.themes import themes_of

    texts = ["Қолдаймын!", LETTER_KK, "Статья 26: земля принадлежит народу, экология важна.", LETTER_KK, "Қолдаймын!"]
    result = pipeline.analyze_records([{"id": str(i), "text": t} for i, t in enumerate(texts * 3)])
    rows = list(result.records())
    for i, row in enumerate(rows):
        text = texts[i % len(texts)]
        assert row["language"] == detect(text)
        assert row["articles"] == find_article_refs(text)
        assert row["themes"] == themes_of(text)
        assert {k: v for k, v in row.items() if k != "id"} == {k: v for k, v in rows[i % len(texts)].items() if k != "id"}


def test_group_representative_is_the_most_common_wording() -> None:
    greeting = "Құрметті комиссия мүшелері! " + LETTER_KK
    texts = [greeting, "Басқа ұсыныс: мектептерге компьютер керек.", LETTER_KK, LETTER_KK.upper(), LETTER_KK + "!!!"]
    result = pipeline.analyze_records([{"id": f"r{i}", "text": t} for i, t in enumerate(texts)])
    groups = result.summary()["duplicate_groups"]["groups"]
    assert len(groups) == 1
    assert groups[0]["size"] == 4
    assert groups[0]["representative_id"] == "r2" and groups[0]["representative"] == LETTER_KK
    assert groups[0]["id"] == result.record(0)["duplicate_group"]  # the id still comes from the earliest member

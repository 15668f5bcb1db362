"""An import killed halfway (SIGKILL, as when a task worker or a machine dies) resumes cleanly
when rerun; the same import run twice at once stores every row exactly once. Nothing
acknowledged is lost and the receipt log verifies after each."""

from __future__ import annotations

import csv
import signal
from pathlib import Path

from tests.faults.conftest import Site, figures, wait_for

ROWS = 6_000


def write_csv(path: Path, rows: int, prefix: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "region"])
        for n in range(rows):
            writer.writerow(
                [f"{prefix}-{n}", f"Ұсыныс {n}: 8-бапты нақтылау керек, себебі {n % 97}-түсіндірме.", "atyrau"]
            )


def count(site: Site, source: str) -> int:
    return int(site.query("SELECT count(*) FROM proposals_proposal WHERE source = ?", (source,)))


def distinct(site: Site, source: str) -> int:
    return int(site.query("SELECT count(DISTINCT source_id) FROM proposals_proposal WHERE source = ?", (source,)))


def test_import_killed_halfway_resumes_cleanly(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "portal.csv"
    write_csv(path, ROWS, "k")
    process = site.popen(
        "import-proposals", str(path), "--source", "portal-kill", "--batch-size", "200", "--no-progress"
    )
    try:
        wait_for(lambda: count(site, "portal-kill") >= 400, 120, "the first batches to commit")
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    stored = count(site, "portal-kill")
    assert process.returncode == -signal.SIGKILL
    assert 0 < stored < ROWS, f"the import was not interrupted halfway ({stored} of {ROWS} stored)"
    assert stored % 200 == 0, "a batch was half-stored: batches must be transactions"
    figures("import SIGKILLed halfway", rows=ROWS, stored_before_kill=stored)
    site.verify_log()  # what was committed before the kill is whole

    result = site.kenes(
        "import-proposals", str(path), "--source", "portal-kill", "--batch-size", "200", "--no-progress"
    )
    assert result.returncode == 0, result.stderr
    assert count(site, "portal-kill") == ROWS
    assert distinct(site, "portal-kill") == ROWS
    assert "OK" in site.verify_log()


def test_the_same_import_twice_at_once(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    write_csv(path, ROWS // 2, "t")
    first = site.popen(
        "import-proposals", str(path), "--source", "portal-twice", "--batch-size", "100", "--no-progress"
    )
    second = site.popen(
        "import-proposals", str(path), "--source", "portal-twice", "--batch-size", "100", "--no-progress"
    )
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert first.returncode == 0, outputs[0][1][-2000:]
    assert second.returncode == 0, outputs[1][1][-2000:]
    figures("the same import twice at once", rows=ROWS // 2, stored=count(site, "portal-twice"))
    assert count(site, "portal-twice") == ROWS // 2
    assert distinct(site, "portal-twice") == ROWS // 2
    assert "OK" in site.verify_log()

"""Benchmark `kenes import-proposals` on a generated CSV (100,000 rows by default).

    python -m bench.import_proposals [--rows 100000] [--baseline-rows 1000] [--keep]

Uses DATABASE_URL when set (e.g. postgres://postgres@127.0.0.1:5432/kenes_bench_import: the
database is created by the test runner machinery here, i.e. a fresh throw-away one), otherwise a
fresh SQLite file in a temporary folder. Measures, in the same run:
- the import of the whole file (bulk inserts, receipt log chained in order, batches of 1000);
- the baseline: the same rows one by one through `submit_proposal` (on a sample);
- an idempotent rerun of the file (everything already present);
- `kenes verify-log` over the result.
Prints one JSON object (rows per second, ratio import/baseline).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

KK = [
    "{n}-бапты өзгерту керек: азаматтардың құқықтары толық қорғалуы тиіс.",
    "{n}-бапқа жер мен оның қойнауы халыққа тиесілі деген сөздерді қосуды ұсынамын.",
    "Құрылтай депутаттарын сайлау тәртібін {n}-бапта нақтылау қажет.",
    "Экология және адам денсаулығы туралы ережені {n}-бапқа енгізу керек.",
    "Жастардың білім алу құқығын {n}-бапта кеңейту ұсынылады.",
]
RU = [
    "Предлагаю изменить статью {n}: права граждан должны быть защищены в полном объёме.",
    "В статье {n} уточнить, что земля и её недра принадлежат народу.",
    "Дополнить статью {n} положением о праве на чистую окружающую среду.",
    "Исключить из статьи {n} слова о переходных положениях.",
    "Статью {n} изложить в новой редакции с учётом мнения жителей регионов.",
]
REGIONS_BY_NAME = ["Атырау облысы", "Алматы", "Астана", "Шымкент", "Қарағанды облысы", "Костанайская область",
                   "abai", "almaty-region", "mangystau", "Павлодарская область"]
KINDS = ["amend", "add", "delete", "comment", "өзгерту", "дополнение"]


def generate_csv(path: Path, rows: int, articles: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["id", "Мәтін", "Бап", "Өңір", "Түрі", "author"])
        for i in range(rows):
            n = rng.randint(1, articles)
            template = rng.choice(KK if rng.random() < 0.55 else RU)
            text = template.format(n=n) + f" №{i}."
            writer.writerow([f"ext-{i}", text, n, rng.choice(REGIONS_BY_NAME), rng.choice(KINDS),
                             rng.choice(["", "Айгүл Бекова", "Иван Петров"])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (SQLite file, CSV).")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="kenes-bench-import-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    os.environ.setdefault("KENES_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    from kenes.drafts.models import Article, Document, Version
    from kenes.proposals.actions import submit_proposal
    from kenes.proposals.models import Proposal, ReceiptEntry

    settings.KENES_RATELIMIT_ENABLED = False
    is_sqlite = connection.vendor == "sqlite"
    old_config = None
    if not is_sqlite:  # a throw-away test database on the server, never the configured one
        old_config = setup_databases(verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        now = timezone.now()
        document = Document.objects.create(slug="bench-law", title_kk="Сынақ", title_ru="Тест")
        version = Version.objects.create(document=document, name="draft", consultation_opens=now - timedelta(days=1),
                                         consultation_closes=now + timedelta(days=30))
        articles = [Article(version=version, number=n, text_kk=f"{n}-бап", text_ru=f"Статья {n}") for n in range(1, 41)]
        Article.objects.bulk_create(articles)
        articles_by_number = {a.number: a for a in Article.objects.filter(version=version)}

        csv_path = workdir / "proposals.csv"
        generate_csv(csv_path, args.rows, articles=40)

        # Baseline: one by one through submit_proposal (one transaction and log append each).
        rng = random.Random(7)
        started = time.perf_counter()
        timings = []
        for i in range(args.baseline_rows):
            t0 = time.perf_counter()
            n = rng.randint(1, 40)
            submit_proposal(version=version, article=articles_by_number[n], text=rng.choice(KK + RU).format(n=n),
                            kind="amend", region="atyrau", channel="import", source="baseline", source_id=str(i))
            timings.append(time.perf_counter() - t0)
        baseline_seconds = time.perf_counter() - started

        out = StringIO()
        started = time.perf_counter()
        call_command("import-proposals", str(csv_path), "--version", "bench-law/draft", "--source", "bench",
                     "--no-progress", stdout=out, stderr=StringIO())
        import_seconds = time.perf_counter() - started
        summary = out.getvalue().strip()

        started = time.perf_counter()
        rerun = StringIO()
        call_command("import-proposals", str(csv_path), "--version", "bench-law/draft", "--source", "bench",
                     "--no-progress", stdout=rerun, stderr=StringIO())
        rerun_seconds = time.perf_counter() - started

        started = time.perf_counter()
        verify = StringIO()
        call_command("verify-log", stdout=verify)
        verify_seconds = time.perf_counter() - started

        created = Proposal.objects.filter(source="bench").count()
        result = {
            "benchmark": "import_proposals",
            "database": connection.vendor,
            "rows": args.rows,
            "created": created,
            "log_entries": ReceiptEntry.objects.count(),
            "import_seconds": round(import_seconds, 2),
            "import_rows_per_second": round(args.rows / import_seconds, 1),
            "baseline": "submit_proposal one by one",
            "baseline_rows": args.baseline_rows,
            "baseline_rows_per_second": round(args.baseline_rows / baseline_seconds, 1),
            "baseline_median_ms_per_row": round(statistics.median(timings) * 1000, 3),
            "speedup_vs_baseline": round((args.rows / import_seconds) / (args.baseline_rows / baseline_seconds), 2),
            "rerun_seconds": round(rerun_seconds, 2),
            "rerun_rows_per_second": round(args.rows / rerun_seconds, 1),
            "verify_log_seconds": round(verify_seconds, 2),
            "verify_log": verify.getvalue().strip()[:80],
            "summary": summary,
            "rerun_summary": rerun.getvalue().strip(),
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0 if created == args.rows else 1
    finally:
        if old_config is not None:
            teardown_databases(old_config, verbosity=0)
        if not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())

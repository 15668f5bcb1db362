"""Benchmark of the referendum tally: import and aggregate 10,000 precinct protocols, then
re-aggregate after one correction.

    python -m bench.referendum [--precincts 10000] [--corrections 20] [--seed 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kenes_bench python -m bench.referendum

Runs in a throw-away test database (an SQLite file in a temporary folder, or `test_<name>` on
PostgreSQL). Prints one JSON line:

- `precincts`, `backend`;
- `import_and_aggregate_seconds` (wall; `…_cpu_seconds`: this process's CPU time): parsing the generated CSV, checking every row, storing the
  protocols with their history and aggregating all tallies (territorial → regional → national);
- `reaggregate_ms`: median time of one correction of one protocol (checks, history, and the
  incremental update of its ancestors' tallies), over `--corrections` corrections;
- `full_recount_ms`: the baseline measured in the same run — a full recount of every tally — and
  `incremental_speedup` (= full_recount_ms / reaggregate_ms);
- `consistent`: the incremental tallies equal a full recount after all corrections;
- `targets`: import + aggregation < 5 s, re-aggregation < 50 ms.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--corrections", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    tmp = tempfile.TemporaryDirectory(prefix="kenes-bench-")
    import django
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATABASES["default"]["TEST"] = {"NAME": str(Path(tmp.name) / "bench.sqlite3")}
    else:
        settings.DATABASES["default"]["TEST"] = {"NAME": "test_kenes_bench_referendum"}
    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        result = run(args)
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)
        tmp.cleanup()
    print(json.dumps(result))
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from kenes.accounts.models import User
    from kenes.nlp import tally
    from kenes.referendum import actions
    from kenes.referendum.demo import realistic_figures
    from kenes.referendum.models import Commission, Level, Protocol

    rng = random.Random(args.seed)
    referendum = actions.create_referendum(
        slug="bench", title_kk="Референдум", title_ru="Референдум", title_en="Referendum",
        date=datetime.date(2026, 3, 15), territorial_rule=True,
        questions=[{"kk": "Сұрақ", "ru": "Вопрос", "en": "Question"}],
    )
    districts = list(Commission.objects.filter(referendum=referendum, level=Level.TERRITORIAL))
    Commission.objects.bulk_create(
        [Commission(referendum=referendum, level=Level.PRECINCT, parent=(d := districts[i % len(districts)]),
                    region=d.region, code=str(i + 1), number=i + 1, address=f"Address {i + 1}",
                    voters=int(min(3000, max(50, rng.lognormvariate(7.0, 0.5)))),
                    name_kk=f"№ {i + 1} учаске", name_ru=f"Участок № {i + 1}", name_en=f"Precinct {i + 1}")
         for i in range(args.precincts)],
        batch_size=2000,
    )
    operator = User.objects.create_user("bench_operator", role="operator", region="")
    actions.add_member(commission=referendum.central(), user=operator)

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(actions.IMPORT_COLUMNS)
    voters = dict(Commission.objects.precincts().filter(referendum=referendum).values_list("code", "voters"))
    for code, n in voters.items():
        figures = realistic_figures(rng, n)
        writer.writerow([code, 1, *(figures[f] for f in tally.FIELDS), ""])
    data = buffer.getvalue().encode("utf-8")

    start, cpu = time.perf_counter(), time.process_time()
    rows = actions.read_table(data, "bench.csv")
    report = actions.import_protocols(operator=operator, referendum=referendum, rows=rows, source="bench")
    import_seconds = time.perf_counter() - start
    import_cpu = time.process_time() - cpu
    assert report.created == args.precincts and not report.errors, report.errors[:5]

    protocols = list(Protocol.objects.filter(question__referendum=referendum).select_related("commission", "question")
                     .order_by("?")[: args.corrections])
    correction_ms = []
    for protocol in protocols:
        figures = protocol.figures()
        moved = min(5, figures["votes_for"] or 0)
        changed = {**figures, "votes_for": (figures["votes_for"] or 0) - moved,
                   "votes_against": (figures["votes_against"] or 0) + moved}
        start = time.perf_counter()
        actions.correct_protocol(operator=operator, protocol=protocol, figures=changed, reason="bench correction")
        correction_ms.append((time.perf_counter() - start) * 1000)

    recount_ms = []
    for _ in range(3):
        start = time.perf_counter()
        check = actions.recount(referendum, write=False)
        recount_ms.append((time.perf_counter() - start) * 1000)
    reaggregate = statistics.median(correction_ms)
    full = statistics.median(recount_ms)
    return {
        "benchmark": "referendum",
        "backend": connection.vendor,
        "precincts": args.precincts,
        "protocols": report.created,
        "import_and_aggregate_seconds": round(import_seconds, 3),
        "import_and_aggregate_cpu_seconds": round(import_cpu, 3),
        "reaggregate_ms": round(reaggregate, 2),
        "reaggregate_ms_max": round(max(correction_ms), 2),
        "corrections": len(correction_ms),
        "full_recount_ms": round(full, 2),
        "incremental_speedup": round(full / reaggregate, 1) if reaggregate else None,
        "consistent": check.differences == [],
        "targets": {"import_and_aggregate_under_5s": import_seconds < 5.0, "reaggregate_under_50ms": reaggregate < 50.0},
    }


if __name__ == "__main__":
    raise SystemExit(main())

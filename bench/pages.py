"""Page times with the demo data: list, search, article, detail, home (and a few more).

    python -m bench.pages [--proposals 2000] [--requests 50] [--concurrency 0] [--keep] [--reuse]

Database: DATABASE_URL when set (PostgreSQL: the database name must contain "bench"; it is created
when missing and its demo content is reloaded), otherwise a fresh SQLite file in a temporary
folder. Loads the demo (`kenes load_demo --reset --proposals N`), then:

- sequential: each page requested --requests times through Django's test Client in this process
  (after 3 warm-up requests): median, p95 and mean in milliseconds, SQL queries per request;
- baseline in the same run: `/health/` (one `SELECT 1` through the same middleware stack); each
  page's median is also given as a ratio to it;
- with --concurrency C > 0: gunicorn (2 workers x 4 threads) on 127.0.0.1 and C client threads
  requesting the pages in turn for --requests rounds each; median and p95 per page.

Prints one JSON object on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(percentile(times, 0.95) * 1000, 2),
        "mean_ms": round(statistics.fmean(times) * 1000, 2),
    }


def prepare_database(keep: bool) -> tuple[str, str | None]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        name = url.rsplit("/", 1)[-1].split("?")[0]
        if "bench" not in name:
            raise SystemExit(
                f"refusing to load benchmark data into {name!r}: use a database whose name contains 'bench'"
            )
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return url, None
    folder = tempfile.mkdtemp(prefix="kenes-bench-pages-")
    url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    return url, None if keep else folder


def pages_to_measure() -> dict[str, str]:
    from kenes.demo.load import DEMO_DOCUMENT, DEMO_VERSION
    from kenes.drafts.models import Article
    from kenes.proposals.models import Proposal

    busiest = Proposal.objects.public().order_by("-support_count", "pk").first()
    article = Article.objects.filter(version__document__slug=DEMO_DOCUMENT, number=7).first()
    assert busiest is not None and article is not None, "the demo is not loaded"
    base = f"/draft/{DEMO_DOCUMENT}/{DEMO_VERSION}"
    return {
        "baseline_health": "/health/",
        "home": "/",
        "list": "/proposals/",
        "list_ru_page3": "/ru/proposals/?page=3",
        "list_filtered": f"/proposals/?region=almaty&kind=amend&article={article.pk}",
        "search_kk": "/proposals/?q=мерзімін",
        "search_ru": "/ru/proposals/?q=персональных+данных",
        "article": f"{base}/7/",
        "version": f"{base}/",
        "detail": f"/proposals/{busiest.receipt_code}/",
        "receipt": f"/receipts/{busiest.receipt_code}/",
        "api_proposals": "/api/v1/proposals?limit=50",
        "api_search": "/api/v1/proposals?q=сроки&limit=20",
        "api_articles": f"/api/v1/documents/{DEMO_DOCUMENT}/versions/{DEMO_VERSION}/articles",
    }


def sequential(pages: dict[str, str], requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    client = Client()
    results: dict[str, Any] = {}
    for name, url in pages.items():
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
        executed = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal executed
            executed += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):  # (CaptureQueriesContext loses them: request_started resets the log)
            client.get(url)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        results[name] = {"url": url, **summary(times), "queries": executed}
        log(f"  {name:16} median {results[name]['median_ms']:8.2f} ms  p95 {results[name]['p95_ms']:8.2f} ms")
    baseline = results["baseline_health"]["median_ms"] or 1.0
    for values in results.values():
        values["ratio_to_baseline"] = round(values["median_ms"] / baseline, 1)
    return results


def article_counts(repeat: int) -> dict[str, Any]:
    """The per-article counts of the version page, in this run: the former query (grouping every
    public proposal of the version) against `counts_by_article` (index-only scans); median ms."""
    from django.db.models import Count

    from kenes.demo.load import DEMO_DOCUMENT
    from kenes.drafts.models import Article, Version
    from kenes.proposals.models import Proposal

    version = Version.objects.get(document__slug=DEMO_DOCUMENT)
    ids = list(Article.objects.filter(version=version).values_list("pk", flat=True))

    def former() -> dict[Any, int]:
        rows = Proposal.objects.public().filter(version=version).values("article_id").annotate(n=Count("id"))
        return {row["article_id"]: row["n"] for row in rows}

    def current() -> dict[Any, int]:
        return Proposal.objects.public().counts_by_article(version, ids)

    assert former() == current(), "the two ways of counting disagree"
    result: dict[str, Any] = {}
    for name, function in (("former_group_by_version", former), ("counts_by_article", current)):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        result[name] = summary(times)
    result["speedup"] = round(
        result["former_group_by_version"]["median_ms"] / max(0.01, result["counts_by_article"]["median_ms"]), 1
    )
    return result


def vacuum_analyze() -> None:
    """PostgreSQL after a bulk load (or a migration that rewrote the table): VACUUM ANALYZE, the
    state autovacuum reaches by itself in production (statistics, and the visibility map that lets
    counts use index-only scans)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("proposals_proposal", "proposals_support", "proposals_receiptentry", "drafts_article"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def concurrent(pages: dict[str, str], clients: int, rounds: int) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "KENES_MANIFEST_STATIC": "0", "KENES_RATELIMIT_ENABLED": "0", "KENES_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kenes.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        quoted = {name: urllib.parse.quote(url, safe="/?=&+%") for name, url in pages.items()}
        times: dict[str, list[float]] = {name: [] for name in pages}
        errors: list[str] = []
        lock = threading.Lock()

        def worker(offset: int) -> None:
            names = list(pages)
            for i in range(rounds * len(names)):
                name = names[(i + offset) % len(names)]
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + quoted[name], timeout=60) as response:  # noqa: S310
                        response.read()
                        ok = response.status == 200
                except (OSError, ValueError) as error:
                    ok = False
                    with lock:
                        errors.append(f"{name}: {error}")
                elapsed = time.perf_counter() - started
                if ok:
                    with lock:
                        times[name].append(elapsed)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        total = sum(len(t) for t in times.values())
        return {
            "clients": clients,
            "server": "gunicorn, 2 workers x 4 threads",
            "requests": total,
            "errors": len(errors),
            "first_errors": errors[:5],
            "requests_per_second": round(total / wall, 1),
            "pages": {name: summary(t) for name, t in times.items() if t},
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def ensure_demo(proposals: int, *, reuse: bool, before_reload: Callable[[], None] | None = None) -> float:
    """Load the draft demo with `proposals` proposals, or reuse it when `reuse` and it is already
    there; returns the seconds it took. `before_reload` runs before a (re)load."""
    from django.core.management import call_command

    from kenes.demo.load import DEMO_DOCUMENT
    from kenes.proposals.models import Proposal

    started = time.perf_counter()
    loaded = Proposal.objects.filter(version__document__slug=DEMO_DOCUMENT).count()
    if reuse and loaded == proposals:
        log(f"Reusing the loaded demo ({loaded} proposals).")
    else:
        if before_reload is not None:
            before_reload()
        out = StringIO()
        call_command(
            "load_demo",
            "--reset",
            "--proposals",
            str(proposals),
            "--skip-campaign",
            "--skip-referendum",
            stdout=out,
            stderr=StringIO(),
        )
        log(out.getvalue().strip())
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: keep the demo already loaded when it has exactly --proposals proposals (no reload)",
    )
    args = parser.parse_args(argv)

    url, cleanup = prepare_database(args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    os.environ["KENES_MANIFEST_STATIC"] = "0"
    os.environ["KENES_RATELIMIT_ENABLED"] = "0"
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    log(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} ({url.split('@')[-1]})")
    call_command("migrate", verbosity=0)
    load_seconds = ensure_demo(args.proposals, reuse=args.reuse)
    vacuum_analyze()
    pages = pages_to_measure()
    log(f"Sequential, {args.requests} requests per page:")
    result: dict[str, Any] = {
        "benchmark": "pages",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "proposals": args.proposals,
        "load_demo_seconds": round(load_seconds, 1),
        "requests_per_page": args.requests,
        "sequential": sequential(pages, args.requests),
    }
    from kenes.proposals.models import Proposal

    if hasattr(Proposal.objects.all(), "counts_by_article"):
        result["article_counts"] = article_counts(args.requests)
        log(f"Article counts: {result['article_counts']}")
    if args.concurrency > 0:
        log(f"Concurrent: {args.concurrency} clients against gunicorn …")
        result["concurrent"] = concurrent(pages, args.concurrency, max(1, args.requests // 10))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if cleanup:
        import shutil

        shutil.rmtree(cleanup, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

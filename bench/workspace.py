"""Analyst workspace and public accountability pages with many proposals.

    python -m bench.workspace [--proposals 100000] [--requests 30] [--reuse]

Database: DATABASE_URL when set (PostgreSQL: the name must contain "bench", e.g.
postgres://postgres@127.0.0.1:5432/kenes_bench_ws), otherwise a fresh SQLite file. Loads the demo
(`kenes load_demo --reset --proposals N`; --reuse keeps a loaded demo of that size), runs a full
analysis in this process (`kenes.insights.actions.execute_run`, timed) and an incremental one with
nothing new, then requests every workspace page as an analyst and the public pages anonymously
through Django's test Client: median and p95 in ms and SQL queries per request. Baseline in the
same run: `/health/`; each median is also given as a ratio to it. The public page is measured
three times: as served (its figures cached for a minute), "cold" (cache cleared before every
request: the request counts the figures itself) and "stale" (figures over a minute old before every
request: it is served them and has them recounted in a thread after it).

Prints one JSON object on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from bench.pages import ensure_demo, log, percentile, prepare_database, summary, vacuum_analyze

TARGET_P95_MS = 300


def analyse(kind: str) -> dict[str, Any]:
    from kenes.insights import actions
    from kenes.insights.models import AnalysisRun

    base = actions.current_run()
    run = AnalysisRun.objects.create(kind=kind if base else "full", based_on=base, phase="queued")
    started = time.perf_counter()
    actions.execute_run(run_id=run.pk)
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    return {
        "kind": run.kind,
        "status": run.status,
        "seconds": round(seconds, 1),
        "analysed": run.analysed,
        "new_proposals": run.summary.get("new_proposals"),
        "form_letter_groups": run.groups_count,
        "clusters": run.clusters_count,
        "pipeline_timings_seconds": run.summary.get("timings_seconds", {}),
    }


def analyse_insights_tables() -> None:
    """PostgreSQL: statistics and visibility map of the analysis results too (`vacuum_analyze` does
    the proposals): autovacuum reaches that state by itself in production, but not before a
    benchmark that has just written 100,000 analyses (or on a server with autovacuum off)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("insights_proposalanalysis", "insights_proposalgroup"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def age_public_figures() -> None:
    """Make the public page's cached figures two minutes old (after any recount under way), so that
    the next request finds them stale: it is served them and has them recounted after it."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from kenes.insights import stats
    from kenes.insights.models import AnalysisRun

    key = stats.public_cache_key(AnalysisRun.objects.current())
    for _ in range(500):  # a recount started by the previous request: at most ~10 s
        if cache.get(f"{key}:lock") is None:
            break
        time.sleep(0.02)
    figures = cache.get(key)
    if figures is not None:
        figures["computed_at"] = timezone.now() - timedelta(seconds=120)
        cache.set(key, figures, stats.PUBLIC_KEEP_SECONDS)


def pages() -> tuple[dict[str, str], dict[str, str]]:
    from django.db.models import Count
    from django.urls import reverse

    from kenes.insights.models import AnalysisRun, ProposalAnalysis, ProposalGroup

    run = AnalysisRun.objects.current()
    assert run is not None
    letter = ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size").first()
    cluster = ProposalGroup.objects.filter(run=run, kind="cluster").order_by("-size").first()
    article = (
        ProposalAnalysis.objects.filter(run=run)
        .exclude(article_number=None)
        .values("article_number")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    theme = (
        ProposalAnalysis.objects.filter(run=run)
        .exclude(theme="")
        .values("theme")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    proposal = ProposalAnalysis.objects.filter(run=run, group=letter).first()
    assert letter and cluster and article and theme and proposal
    from kenes.insights.views import MEMBERS_PAGE

    members = ProposalAnalysis.objects.filter(run=run, group=letter).order_by("proposal_id")
    deep = min(300, (letter.size - 1) // MEMBERS_PAGE)  # the group's page 300, or its last page

    def page_cursor(page: int) -> int:
        """The `after` cursor of the group's members page `page` (the id ending page - 1)."""
        return members.values_list("proposal_id", flat=True)[(page - 1) * MEMBERS_PAGE - 1]

    workspace = reverse("insights:workspace")
    analyst = {
        "workspace": workspace,
        "workspace_clusters": workspace + "?kind=cluster",
        "workspace_open_region": workspace + "?open=on&region=almaty",
        "workspace_search": workspace + "?q=" + "бап",
        "workspace_page_5": workspace + "?page=5",
        "group_form_letter": reverse("insights:group", args=[letter.pk]),
        "group_form_letter_page_3": reverse("insights:group", args=[letter.pk]) + f"?after={page_cursor(3)}",
        f"group_form_letter_page_{deep}": reverse("insights:group", args=[letter.pk]) + f"?after={page_cursor(deep)}",
        f"group_form_letter_page_{deep - 1}_back": reverse("insights:group", args=[letter.pk])
        + f"?before={page_cursor(deep) + 1}",
        "group_cluster": reverse("insights:group", args=[cluster.pk]),
        "proposal_edit": reverse("insights:proposal", args=[proposal.proposal_id]),
        "browse": reverse("insights:browse"),
        "article": reverse("insights:article", args=[article["article_number"]]),
        "article_search": reverse("insights:article", args=[article["article_number"]]) + "?q=мерзім",
        "theme": reverse("insights:theme", args=[theme["theme"]]),
        "theme_search": reverse("insights:theme", args=[theme["theme"]]) + "?q=мерзім",
        "region": reverse("insights:region", args=["almaty"]),
        "region_search": reverse("insights:region", args=["almaty"]) + "?q=мерзім",
        "runs": reverse("insights:runs"),
        "corrections": reverse("insights:corrections"),
        "report": reverse("insights:report"),
    }
    public = {"baseline_health": "/health/", "public": reverse("insights:public")}
    return public, analyst


def measure(client: Any, url: str, requests: int, before: Any = None) -> dict[str, Any]:
    from django.db import connection

    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
    executed = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal executed
        executed += 1
        return execute(sql, params, many, context)

    if before:
        before()
    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(requests):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {"url": url, **summary(times), "queries": executed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep a loaded demo of exactly --proposals proposals")
    parser.add_argument(
        "--reuse-analysis",
        action="store_true",
        help="with --reuse: keep a published analysis that covers every proposal",
    )
    args = parser.parse_args(argv)

    url, cleanup = prepare_database(keep=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    os.environ["KENES_MANIFEST_STATIC"] = "0"
    os.environ["KENES_RATELIMIT_ENABLED"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from kenes.accounts.models import User
    from kenes.insights.models import AnalysisRun, ProposalAnalysis, ProposalGroup
    from kenes.proposals.models import Proposal

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    log(f"Database: {database} ({url.split('@')[-1]})")
    call_command("migrate", verbosity=0)

    def forget_analyses() -> None:
        log(f"Loading the demo with {args.proposals} proposals …")
        ProposalAnalysis.objects.all().delete()
        ProposalGroup.objects.all().delete()
        AnalysisRun.objects.all().delete()

    load_seconds = ensure_demo(args.proposals, reuse=args.reuse, before_reload=forget_analyses)
    current = AnalysisRun.objects.current()
    if args.reuse_analysis and current is not None and current.analysed == Proposal.objects.count():
        log(f"Reusing the published analysis #{current.pk}.")
        full = incremental = {"reused_run": current.pk}
    else:
        log("Full analysis …")
        full = analyse("full")
        log(f"  {full}")
        incremental = analyse("incremental")
        log(f"  incremental: {incremental}")
    vacuum_analyze()
    analyse_insights_tables()
    public_pages, analyst_pages = pages()
    analyst = User.objects.filter(role="analyst").order_by("pk").first()
    assert analyst is not None
    anonymous = Client()
    client = Client()
    client.force_login(analyst)
    results: dict[str, Any] = {}
    log(f"{args.requests} requests per page:")
    for name, page in public_pages.items():
        results[name] = measure(anonymous, page, args.requests)
        log(f"  {name:26} median {results[name]['median_ms']:8.2f} ms  p95 {results[name]['p95_ms']:8.2f} ms")
    results["public_cold"] = measure(anonymous, public_pages["public"], args.requests, before=cache.clear)
    log(
        f"  public_cold                median {results['public_cold']['median_ms']:8.2f} ms  "
        f"p95 {results['public_cold']['p95_ms']:8.2f} ms"
    )
    results["public_stale"] = measure(anonymous, public_pages["public"], args.requests, before=age_public_figures)
    log(
        f"  public_stale               median {results['public_stale']['median_ms']:8.2f} ms  "
        f"p95 {results['public_stale']['p95_ms']:8.2f} ms"
    )
    for name, page in analyst_pages.items():
        results[name] = measure(client, page, args.requests)
        log(f"  {name:26} median {results[name]['median_ms']:8.2f} ms  p95 {results[name]['p95_ms']:8.2f} ms")
    baseline = results["baseline_health"]["median_ms"] or 1.0
    for values in results.values():
        values["ratio_to_baseline"] = round(values["median_ms"] / baseline, 1)
    measured = {k: v for k, v in results.items() if k != "baseline_health"}
    worst = max(measured.values(), key=lambda v: v["p95_ms"])
    report = {
        "benchmark": "workspace",
        "database": database,
        "proposals": Proposal.objects.count(),
        "load_demo_seconds": round(load_seconds, 1),
        "analysis_full": full,
        "analysis_incremental_nothing_new": incremental,
        "requests_per_page": args.requests,
        "pages": results,
        "worst_p95_ms": worst["p95_ms"],
        "worst_page": worst["url"],
        "all_p95_under_target": all(v["p95_ms"] < TARGET_P95_MS for v in measured.values()),
        "target_p95_ms": TARGET_P95_MS,
        "p95_over_all_pages_ms": round(percentile([v["p95_ms"] for v in measured.values()], 0.95), 2),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if cleanup:
        import shutil

        shutil.rmtree(cleanup, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Page times of the campaign dashboards with the demo data (about 2,000 events).

    .venv/bin/python bench/campaign.py [--events 2000] [--repeat 30] [--database-url URL]

Builds a fresh database (an SQLite file in a temporary folder unless --database-url names an
empty PostgreSQL database), loads `load_campaign_demo`, then requests each page `--repeat` times
through Django's test client and prints JSON: median and p95 in milliseconds and the number of
queries per page. The baseline, measured in the same run, is the naive way to build the national
table of regions (counting each region's events one query at a time); `ratio` is baseline / ours.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Any, repeat: int) -> dict[str, float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 95), 2)}


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="kenes-bench-campaign-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    os.environ["KENES_MANIFEST_STATIC"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.db.models import Count, Q, Sum
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    # Keep one connection across requests (as a server with persistent connections does), so
    # that the queries of each page can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["*"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KENES_RATELIMIT_ENABLED = False
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)

    from datetime import timedelta

    from kenes.accounts.models import User
    from kenes.campaign.demo import load_demo
    from kenes.campaign.models import Coalition, Event, EventStatus, Level
    from kenes.drafts.models import Article, Document, Version
    from kenes.regions import all_regions

    now = timezone.now()
    document = Document.objects.create(slug="bench-draft", title_kk="Конституция жобасы")
    version = Version.objects.create(document=document, name="draft", kind="draft", date=now.date(),
                                     consultation_opens=now - timedelta(days=90),
                                     consultation_closes=now + timedelta(days=30))
    Article.objects.bulk_create([Article(version=version, number=n, title_kk=f"{n}-бап", text_kk=f"{n}-баптың мәтіні.")
                                 for n in range(1, 31)])
    started = time.perf_counter()
    summary = load_demo(events=args.events)
    load_seconds = time.perf_counter() - started

    national = User.objects.create_user("bench_national", password="x", role="coordinator", region="")  # noqa: S106
    regional = User.objects.create_user("bench_atyrau", password="x", role="coordinator", region="atyrau")  # noqa: S106
    client = Client()
    atyrau = Coalition.objects.get(level=Level.REGIONAL, region="atyrau")
    event = Event.objects.filter(region="atyrau", status=EventStatus.HELD).first()
    assert event is not None
    pages = {
        "dashboard_national": (national, reverse("campaign:dashboard")),
        "dashboard_national_sorted_htmx": (national, reverse("campaign:dashboard") + "?sort=-held"),
        "dashboard_region": (regional, reverse("campaign:dashboard") + "?region=atyrau"),
        "dashboard_coalition_national": (national, reverse("campaign:dashboard") + f"?coalition={atyrau.parent_id}"),
        "dashboard_coalition_regional": (regional, reverse("campaign:dashboard") + f"?coalition={atyrau.pk}"),
        "export_csv_national": (national, reverse("campaign:dashboard_csv")),
        "export_xlsx_national": (national, reverse("campaign:dashboard_xlsx")),
        "plan_page": (regional, reverse("campaign:plan", args=[atyrau.plans.get().pk])),
        "events_near_me": (None, reverse("campaign:events") + "?region=atyrau"),
        "event_page": (None, reverse("campaign:event", args=[event.pk])),
    }
    results: dict[str, Any] = {}
    for name, (user, url) in pages.items():
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        headers = {"HTTP_HX_REQUEST": "true"} if name.endswith("_htmx") else {}

        def fetch(url: str = url, headers: dict[str, str] = headers) -> None:
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)

        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            fetch()
        results[name] = {**timed(fetch, args.repeat), "queries": counter.count}

    from kenes.campaign.dashboard import Row, region_rows
    from kenes.campaign.models import PlanTarget
    from kenes.regions import region_name

    def ours() -> list[Row]:
        return region_rows(Event.objects.all(), PlanTarget.objects.all())

    def naive() -> list[Row]:
        """The per-row way: one aggregate per region for events and one for targets (40 queries)."""
        rows = []
        for region in all_regions():
            counts = Event.objects.filter(region=region.slug).aggregate(
                scheduled=Count("id", filter=~Q(status=EventStatus.CANCELLED)),
                held=Count("id", filter=Q(status=EventStatus.HELD)),
                cancelled=Count("id", filter=Q(status=EventStatus.CANCELLED)),
                expected=Sum("expected_attendance", filter=~Q(status=EventStatus.CANCELLED)),
                attendance=Sum("report__attendance", filter=Q(status=EventStatus.HELD)),
            )
            target = PlanTarget.objects.filter(plan__coalition__region=region.slug).aggregate(n=Sum("count"))["n"]
            rows.append(Row(region.slug, region_name(region.slug), target=target or 0,
                            **{k: v or 0 for k, v in counts.items()}))
        return rows

    assert [vars(r) for r in ours()] == [vars(r) for r in naive()], "the two ways disagree"
    ours_t = timed(ours, args.repeat)
    naive_t = timed(naive, args.repeat)
    print(json.dumps({
        "benchmark": "campaign_dashboards",
        "database": connection.vendor,
        "demo": {"events": summary.events, "held": summary.held, "cancelled": summary.cancelled,
                 "coalitions": summary.coalitions, "volunteers": summary.volunteers, "proposals": summary.proposals,
                 "load_seconds": round(load_seconds, 1)},
        "repeat": args.repeat,
        "pages": results,
        "region_table": {"grouped_2_queries": ours_t, "baseline_per_region_40_queries": naive_t,
                         "ratio_median": round(naive_t["median_ms"] / max(ours_t["median_ms"], 0.001), 2)},
    }, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Counts for the workspace, the reports and the public page: each a few aggregate queries,
never one per row. Charts are plain data here; templates draw them as SVG."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from kenes.drafts.models import Article
from kenes.insights.models import AnalysisRun, Correction, ProposalAnalysis, ProposalGroup
from kenes.nlp.themes import THEMES_CSV
from kenes.proposals.models import ANSWER_STATUSES, Proposal, ProposalChange, Status
from kenes.regions import region_name

PUBLIC_CACHE_SECONDS = 60
STATUS_ORDER = [Status.NEW, Status.UNDER_REVIEW, Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.REJECTED, Status.NOTED]


def answered_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": ANSWER_STATUSES})


@dataclass
class Bar:
    key: str
    label: str
    value: int
    answered: int = 0
    percent: float = 0.0  # of the largest bar, for the chart
    answered_percent: float = 0.0

    @property
    def share_answered(self) -> int:
        return round(100 * self.answered / self.value) if self.value else 0


def bars(rows: list[Bar]) -> list[Bar]:
    top = max((b.value for b in rows), default=0)
    for bar in rows:
        bar.percent = round(100 * bar.value / top, 1) if top else 0.0
        bar.answered_percent = round(100 * bar.answered / top, 1) if top else 0.0
    return rows


def count_by(
    queryset: Any, field: str, *, labels: dict[Any, str] | None = None, status_field: str = "status"
) -> list[Bar]:
    rows = (
        queryset.values(field)
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(**{f"{status_field}__in": ANSWER_STATUSES})))
        .order_by("-n", field)
    )
    out = []
    for row in rows:
        key = row[field]
        label = (labels or {}).get(key, str(key) if key not in (None, "") else "—")
        out.append(Bar(key="" if key is None else str(key), label=label, value=row["n"], answered=row["answered"]))
    return bars(out)


def status_counts(queryset: Any) -> dict[str, int]:
    counts = dict(queryset.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in STATUS_ORDER}


def region_labels(language: str) -> dict[str, str]:
    from kenes.regions import REGION_SLUGS

    return {slug: region_name(slug, language) for slug in REGION_SLUGS}


def theme_labels(language: str) -> dict[str, str]:
    """Theme names in a language, from the project's vocabulary (kenes/data/themes.csv)."""
    lang = language if language in ("kk", "ru", "en") else "kk"
    with THEMES_CSV.open(encoding="utf-8") as f:
        return {row["slug"]: row[f"name_{lang}"] for row in csv.DictReader(f)}


def channel_labels() -> dict[str, str]:
    from kenes.proposals.models import Channel

    return {value: str(label) for value, label in Channel.choices}


def by_day(queryset: Any) -> list[Bar]:
    rows = (
        queryset.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"), answered=Count("pk", filter=answered_q()))
        .order_by("day")
    )
    return bars([Bar(key=str(r["day"]), label=str(r["day"]), value=r["n"], answered=r["answered"]) for r in rows])


def articles_with_titles(numbers: list[Any], language: str) -> dict[Any, str]:
    titles: dict[Any, str] = {}
    for article in Article.objects.filter(number__in=[n for n in numbers if n is not None]).order_by("-version_id"):
        titles.setdefault(article.number, f"{article.number}. {article.title(language)}"[:80])
    return titles


def by_article(queryset: Any, language: str, field: str = "article__number", status_field: str = "status") -> list[Bar]:
    rows = count_by(queryset, field, status_field=status_field)
    titles = articles_with_titles([r.key and int(r.key) for r in rows if r.key], language)
    for bar in rows:
        bar.label = titles.get(int(bar.key), bar.key) if bar.key else "—"
    return sorted(rows, key=lambda b: (b.key == "", int(b.key) if b.key else 0))


def data_version(run: AnalysisRun | None) -> str:
    """Changes whenever a proposal arrives, an answer or a status changes (every such change writes a
    ProposalChange), an analyst corrects something or another analysis is published: the key of
    cached figures."""
    last_proposal = Proposal.objects.aggregate(m=Max("pk"))["m"] or 0
    last_change = ProposalChange.objects.aggregate(m=Max("pk"))["m"] or 0
    last_correction = Correction.objects.aggregate(m=Max("pk"))["m"] or 0
    return f"{run.pk if run else 0}:{last_proposal}:{last_change}:{last_correction}"


def public_stats(language: str) -> dict[str, Any]:
    """Everything the public accountability page shows. The figures are computed at most once a minute
    (PUBLIC_CACHE_SECONDS) whatever the traffic; the page says when they were computed."""
    run = AnalysisRun.objects.current()
    key = f"insights:public:{language}:{run.pk if run else 0}"
    data = cache.get(key)
    if data is not None:
        return data  # type: ignore[no-any-return]
    public = Proposal.objects.public()
    statuses = status_counts(public)
    total = sum(statuses.values())
    data = {
        "total": total,
        "statuses": [(status, Status(status).label, n) for status, n in statuses.items()],
        "answered": sum(statuses[s] for s in ANSWER_STATUSES),
        "channels": count_by(public, "channel", labels=channel_labels()),
        "regions": count_by(public, "region", labels=region_labels(language)),
        "articles": public_articles(language),
        "themes": count_by(
            ProposalAnalysis.objects.filter(run=run, proposal__is_hidden=False),
            "theme",
            status_field="proposal__status",
        )
        if run
        else [],
        "days": by_day(public),
        "computed_at": timezone.now(),
    }
    cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return data


def public_articles(language: str) -> list[dict[str, Any]]:
    """Each article of the versions proposals were made on: how many proposals, how they were
    decided, and a link to read it."""
    rows = (
        Proposal.objects.public()
        .exclude(article=None)
        .values("article")
        .annotate(n=Count("pk"), **{str(status): Count("pk", filter=Q(status=status)) for status in STATUS_ORDER})
        .order_by()
    )
    counts = {row["article"]: row for row in rows}
    articles = (
        Article.objects.filter(pk__in=list(counts)).select_related("version__document").order_by("version_id", "number")
    )
    top = max((row["n"] for row in counts.values()), default=0)
    out = []
    for article in articles:
        row = counts[article.pk]
        out.append(
            {
                "article": article,
                "title": article.title(language),
                "total": row["n"],
                "percent": round(100 * row["n"] / top, 1) if top else 0,
                "statuses": {status: row[status] for status in STATUS_ORDER},
                "answered": sum(row[s] for s in ANSWER_STATUSES),
                "unanswered": row["n"] - sum(row[s] for s in ANSWER_STATUSES),
            }
        )
    return out


def progress(run: AnalysisRun | None, language: str) -> dict[str, Any]:
    """Answered / total per analyst (groups assigned to them), article and theme; cached until the
    data changes."""
    key = f"insights:progress:{language}:{data_version(run)}"
    data = cache.get(key)
    if data is None:
        data = compute_progress(run, language)
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return data  # type: ignore[no-any-return]


def compute_progress(run: AnalysisRun | None, language: str) -> dict[str, Any]:
    if run is None:
        return {"analysts": [], "articles": [], "themes": [], "regions": [], "total": 0, "answered": 0}
    analyses = ProposalAnalysis.objects.filter(run=run)
    per_analyst = (
        analyses.exclude(group__assigned_to=None)
        .values("group__assigned_to__username")
        .annotate(n=Count("pk"), answered=Count("pk", filter=answered_q("proposal__")))
        .order_by("group__assigned_to__username")
    )
    overall = analyses.aggregate(n=Count("pk"), answered=Count("pk", filter=answered_q("proposal__")))
    return {
        "analysts": bars(
            [
                Bar(
                    key=r["group__assigned_to__username"],
                    label=r["group__assigned_to__username"],
                    value=r["n"],
                    answered=r["answered"],
                )
                for r in per_analyst
            ]
        ),
        "articles": by_article(analyses, language, field="article_number", status_field="proposal__status"),
        "themes": count_by(analyses, "theme", labels=theme_labels(language), status_field="proposal__status"),
        "regions": count_by(
            analyses, "proposal__region", labels=region_labels(language), status_field="proposal__status"
        ),
        "total": overall["n"],
        "answered": overall["answered"],
    }


def run_group_counts(run: AnalysisRun | None) -> dict[int, tuple[int, int, int]]:
    """(answered, total, waiting) of every group of the run: waiting = visible proposals without an
    answer. One aggregate query, cached until the data changes (`data_version`)."""
    if run is None:
        return {}
    key = f"insights:group-counts:{data_version(run)}"
    counts = cache.get(key)
    if counts is None:
        rows = (
            ProposalAnalysis.objects.filter(run=run)
            .values("group_id")
            .annotate(
                n=Count("pk"),
                answered=Count("pk", filter=answered_q("proposal__")),
                waiting=Count("pk", filter=~answered_q("proposal__") & Q(proposal__is_hidden=False)),
            )
            .order_by()
        )
        counts = {r["group_id"]: (r["answered"], r["n"], r["waiting"]) for r in rows if r["group_id"]}
        cache.set(key, counts, PUBLIC_CACHE_SECONDS * 10)
    return counts  # type: ignore[no-any-return]


def group_progress(group_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(answered, total) of each group, one query."""
    rows = (
        ProposalAnalysis.objects.filter(group_id__in=group_ids)
        .values("group_id")
        .annotate(n=Count("pk"), answered=Count("pk", filter=answered_q("proposal__")))
        .order_by()
    )
    return {r["group_id"]: (r["answered"], r["n"]) for r in rows}


def groups_summary(run: AnalysisRun | None, *, analyses: Any, limit: int = 50) -> list[dict[str, Any]]:
    """Groups among some analysed proposals (e.g. those on one article), largest first, with how many
    of these proposals each holds and how many are answered; proposals outside any group count as one line."""
    rows = list(
        analyses.values("group_id")
        .annotate(n=Count("pk"), answered=Count("pk", filter=answered_q("proposal__")))
        .order_by("-n")[:limit]
    )
    groups = {g.pk: g for g in ProposalGroup.objects.filter(pk__in=[r["group_id"] for r in rows if r["group_id"]])}
    out = []
    for row in rows:
        out.append({"group": groups.get(row["group_id"]), "n": row["n"], "answered": row["answered"]})
    return out


def timeline(group: ProposalGroup) -> list[Bar]:
    key = f"insights:timeline:{group.pk}:{data_version(None)}"
    data = cache.get(key)
    if data is None:
        data = by_day(Proposal.objects.filter(analyses__group=group))
        cache.set(key, data, PUBLIC_CACHE_SECONDS * 10)
    return data  # type: ignore[no-any-return]


def report_tables(run: AnalysisRun | None, language: str) -> dict[str, Any]:
    """The tables of the commission's report (page and XLSX), cached until the data changes."""
    key = f"insights:report:{language}:{data_version(run)}"
    data = cache.get(key)
    if data is None:
        data = compute_report_tables(run, language)
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return data  # type: ignore[no-any-return]


def compute_report_tables(run: AnalysisRun | None, language: str) -> dict[str, Any]:
    proposals = Proposal.objects.all()
    statuses = status_counts(proposals)
    analyses = ProposalAnalysis.objects.filter(run=run) if run else ProposalAnalysis.objects.none()
    groups = list(ProposalGroup.objects.of_run(run).live().order_by("-size", "pk")[:500])
    answered = group_progress([g.pk for g in groups])
    by_status: dict[str, int] = defaultdict(int, statuses)
    return {
        "run": run,
        "total": sum(statuses.values()),
        "answered": sum(by_status[s] for s in ANSWER_STATUSES),
        "statuses": [(s, Status(s).label, n) for s, n in statuses.items()],
        "channels": count_by(proposals, "channel", labels=channel_labels()),
        "regions": count_by(proposals, "region", labels=region_labels(language)),
        "articles": by_article(analyses, language, field="article_number", status_field="proposal__status"),
        "themes": count_by(analyses, "theme", labels=theme_labels(language), status_field="proposal__status"),
        "groups": [(g, answered.get(g.pk, (0, 0))[0]) for g in groups],
        "days": by_day(proposals),
    }

"""Counts for the workspace, the reports and the public page: each a few aggregate queries,
never one per row. Charts are plain data here; templates draw them as SVG."""

from __future__ import annotations

import csv
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
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


# ---------------------------------------------------------------- the public page
#
# The figures are counted once for every language (labels are put on per request) and kept in the
# cache without an expiry date. A request that finds them older than PUBLIC_CACHE_SECONDS is served
# them as they are and takes a short lock (`cache.add`: one process at a time with a shared cache)
# to have them recounted in a thread of its process after it; every request meanwhile gets the last
# figures. No task worker is involved, so `make demo` needs none. Only when there are no figures at
# all (a cold cache) does a request count them itself. Counting is a handful of grouped queries that
# PostgreSQL answers from narrow indexes (`proposal_public_figures`), so even that request stays fast.
# KENES_PUBLIC_FIGURES_IN_BACKGROUND = False recounts in the request instead (still one at a time).

PUBLIC_KEEP_SECONDS = 24 * 3600
PUBLIC_LOCK_SECONDS = 60

logger = logging.getLogger(__name__)


def public_cache_key(run: AnalysisRun | None) -> str:
    return f"insights:public-figures:{run.pk if run else 0}"


def public_figures(run: AnalysisRun | None) -> dict[str, Any]:
    """The public page's figures (see `compute_public_figures`): at most PUBLIC_CACHE_SECONDS old,
    or the last ones while they are being recounted."""
    key = public_cache_key(run)
    figures = cache.get(key)
    if figures is None:
        return recount_public_figures(run)
    if (timezone.now() - figures["computed_at"]).total_seconds() >= PUBLIC_CACHE_SECONDS:
        lock = f"{key}:lock"
        if cache.add(lock, 1, PUBLIC_LOCK_SECONDS):
            if getattr(settings, "KENES_PUBLIC_FIGURES_IN_BACKGROUND", True):
                recount_in_background(run, lock)
            else:
                return recount_public_figures(run, lock=lock)
    return figures  # type: ignore[no-any-return]


def recount_public_figures(run: AnalysisRun | None, *, lock: str | None = None) -> dict[str, Any]:
    """Count the figures, keep them in the cache and release `lock`."""
    try:
        figures = compute_public_figures(run)
        cache.set(public_cache_key(run), figures, PUBLIC_KEEP_SECONDS)
    finally:
        if lock:
            cache.delete(lock)
    return figures


def recount_in_background(run: AnalysisRun | None, lock: str) -> threading.Thread:
    def work() -> None:
        try:
            recount_public_figures(run, lock=lock)
        except Exception:
            logger.exception("Counting the public figures failed; the next request tries again.")
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=work, name="kenes-public-figures", daemon=True)
    thread.start()
    return thread


def tally(rows: Any) -> dict[Any, dict[str, int]]:
    """(key, status, n) rows as {key: {status: n}}."""
    out: dict[Any, dict[str, int]] = defaultdict(dict)
    for key, status, n in rows:
        out[key][status] = out[key].get(status, 0) + n
    return dict(out)


def compute_public_figures(run: AnalysisRun | None) -> dict[str, Any]:
    """Public (not hidden) proposals counted by status, and by status within each channel, region,
    article, day and (first) theme of the published analysis. Language-neutral: keys only."""
    public = Proposal.objects.public()

    def by(*fields: Any, queryset: Any = public) -> dict[Any, dict[str, int]]:
        return tally(queryset.values_list(*fields).annotate(n=Count("*")).order_by())

    channels = by("channel", "status")
    articles = by("article_id", "status")
    articles.pop(None, None)
    statuses: dict[str, int] = defaultdict(int)
    for counts in channels.values():
        for status, n in counts.items():
            statuses[status] += n
    themes = (
        by("theme", "proposal__status", queryset=ProposalAnalysis.objects.filter(run=run, proposal__is_hidden=False))
        if run
        else {}
    )
    days = tally(
        public.annotate(day=TruncDate("created_at")).values_list("day", "status").annotate(n=Count("*")).order_by()
    )
    info = {
        a.pk: {
            "pk": a.pk,
            "label": a.label,
            "url": a.get_absolute_url(),
            "version": a.version_id,
            "number": a.number,
            "titles": {lang: a.title(lang) for lang in ("kk", "ru", "en")},
        }
        for a in Article.objects.filter(pk__in=list(articles)).select_related("version__document")
    }
    return {
        "computed_at": timezone.now(),
        "statuses": {status: statuses.get(status, 0) for status in STATUS_ORDER},
        "channels": channels,
        "regions": by("region", "status"),
        "articles": [
            (info[pk], articles[pk])
            for pk in sorted(info, key=lambda pk: (info[pk]["version"], info[pk]["number"], pk))
        ],
        "themes": themes,
        "days": days,
    }


def answered_in(counts: dict[str, int]) -> int:
    return sum(counts.get(status, 0) for status in ANSWER_STATUSES)


def tallied_bars(tallies: dict[Any, dict[str, int]], labels: dict[Any, str] | None = None) -> list[Bar]:
    """Bars of `tally` rows, largest first (as `count_by`)."""
    rows = [
        Bar(
            key="" if key is None else str(key),
            label=(labels or {}).get(key, str(key) if key not in (None, "") else "—"),
            value=sum(counts.values()),
            answered=answered_in(counts),
        )
        for key, counts in tallies.items()
    ]
    return bars(sorted(rows, key=lambda bar: (-bar.value, bar.key)))


def public_stats(language: str) -> dict[str, Any]:
    """Everything the public accountability page shows, in a language. The figures are at most about
    a minute old (`public_figures`); the page says when they were counted."""
    figures = public_figures(AnalysisRun.objects.current())
    statuses = figures["statuses"]
    top = max((sum(counts.values()) for _info, counts in figures["articles"]), default=0)
    articles = []
    for info, counts in figures["articles"]:
        total = sum(counts.values())
        answered = answered_in(counts)
        articles.append(
            {
                **info,
                "title": info["titles"].get(language) or info["titles"]["kk"],
                "total": total,
                "percent": round(100 * total / top, 1) if top else 0,
                "statuses": {status: counts.get(status, 0) for status in STATUS_ORDER},
                "answered": answered,
                "unanswered": total - answered,
            }
        )
    days = bars(
        [
            Bar(key=str(day), label=str(day), value=sum(counts.values()), answered=answered_in(counts))
            for day, counts in sorted(figures["days"].items())
        ]
    )
    return {
        "total": sum(statuses.values()),
        "statuses": [(status, Status(status).label, n) for status, n in statuses.items()],
        "answered": sum(statuses[s] for s in ANSWER_STATUSES),
        "channels": tallied_bars(figures["channels"], channel_labels()),
        "regions": tallied_bars(figures["regions"], region_labels(language)),
        "articles": articles,
        "themes": tallied_bars(figures["themes"], theme_labels(language)),
        "days": days,
        "computed_at": figures["computed_at"],
    }


def progress(run: AnalysisRun | None, language: str) -> dict[str, Any]:
    """Answered / total per analyst (groups assigned to them), article and theme; cached until the
    data changes."""
    key = f"insights:progress:{language}:{data_version(run)}"
    return cache.get_or_set(key, lambda: compute_progress(run, language), PUBLIC_CACHE_SECONDS)  # type: ignore[return-value]


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
    return cache.get_or_set(  # type: ignore[return-value]
        key, lambda: by_day(Proposal.objects.filter(analyses__group=group)), PUBLIC_CACHE_SECONDS * 10
    )


def report_tables(run: AnalysisRun | None, language: str) -> dict[str, Any]:
    """The tables of the commission's report (page and XLSX), cached until the data changes."""
    key = f"insights:report:{language}:{data_version(run)}"
    return cache.get_or_set(key, lambda: compute_report_tables(run, language), PUBLIC_CACHE_SECONDS)  # type: ignore[return-value]


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

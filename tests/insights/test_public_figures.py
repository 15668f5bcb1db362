"""The public page's figures: equal to straightforward counts, at most a minute old, and counted by
one request at a time while the others are served the last figures."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kenes.insights import stats
from kenes.insights.models import ProposalAnalysis
from kenes.proposals.models import ANSWER_STATUSES, Proposal, Status


@pytest.fixture(autouse=True)
def _recount_in_the_request(settings: Any) -> None:
    """Recounts happen in the request here (a thread would not see the test's transaction); the
    background recount has its own transactional test."""
    settings.KENES_PUBLIC_FIGURES_IN_BACKGROUND = False


@pytest.fixture
def varied(run: Any) -> Any:
    """The demo with every status, a few hidden proposals and one on no article at all."""
    ids = list(Proposal.objects.order_by("pk").values_list("pk", flat=True))
    statuses = list(Status)
    for i, pk in enumerate(ids[:60]):
        Proposal.objects.filter(pk=pk).update(status=statuses[i % len(statuses)])
    Proposal.objects.filter(pk__in=ids[60:75]).update(is_hidden=True, status=Status.ACCEPTED)
    Proposal.objects.filter(pk=ids[80]).update(article=None, region="")
    return run


def by_hand(run: Any) -> dict[str, Any]:
    """The figures counted the plain way, one proposal at a time."""
    public = list(Proposal.objects.filter(is_hidden=False))
    themes = dict(ProposalAnalysis.objects.filter(run=run).values_list("proposal_id", "theme"))

    def count(key: Any) -> dict[Any, tuple[int, int]]:
        total: Counter[Any] = Counter()
        answered: Counter[Any] = Counter()
        for p in public:
            total[key(p)] += 1
            answered[key(p)] += p.status in ANSWER_STATUSES
        return {k: (total[k], answered[k]) for k in total}

    return {
        "total": len(public),
        "statuses": Counter(p.status for p in public),
        "channels": count(lambda p: p.channel),
        "regions": count(lambda p: p.region),
        "articles": {
            pk: Counter(p.status for p in public if p.article_id == pk)
            for pk in {p.article_id for p in public} - {None}
        },
        "themes": {k: v for k, v in count(lambda p: themes.get(p.pk)).items() if k is not None},
        "days": count(lambda p: str(timezone.localtime(p.created_at).date())),
    }


def bars(rows: list[stats.Bar]) -> dict[str, tuple[int, int]]:
    return {bar.key: (bar.value, bar.answered) for bar in rows}


def assert_figures_match(figures: dict[str, Any], run: Any) -> None:
    expected = by_hand(run)
    assert figures["total"] == expected["total"]
    assert {status: n for status, _label, n in figures["statuses"]} == {s: expected["statuses"][s] for s in Status}
    assert figures["answered"] == sum(expected["statuses"][s] for s in ANSWER_STATUSES)
    assert bars(figures["channels"]) == expected["channels"]
    assert bars(figures["regions"]) == expected["regions"]
    assert bars(figures["themes"]) == expected["themes"]
    assert bars(figures["days"]) == expected["days"]
    assert [bar.key for bar in figures["days"]] == sorted(expected["days"])
    articles = {row["pk"]: row for row in figures["articles"]}
    assert set(articles) == set(expected["articles"])
    for pk, counts in expected["articles"].items():
        row = articles[pk]
        assert row["statuses"] == {s: counts[s] for s in Status}
        assert row["total"] == sum(counts.values())
        assert row["unanswered"] == row["total"] - sum(counts[s] for s in ANSWER_STATUSES)


def age(run: Any, seconds: int) -> None:
    """Make the cached figures `seconds` older."""
    key = stats.public_cache_key(run)
    figures = cache.get(key)
    figures["computed_at"] -= timedelta(seconds=seconds)
    cache.set(key, figures)


def test_figures_equal_plain_counts(varied: Any) -> None:
    figures = stats.public_stats("kk")
    assert figures["total"] < Proposal.objects.count()  # the hidden ones are left out
    assert_figures_match(figures, varied)


def test_figures_are_labelled_in_each_language(varied: Any) -> None:
    theme = ProposalAnalysis.objects.filter(run=varied).exclude(theme="").values_list("theme", flat=True).first()
    for lang in ("kk", "ru", "en"):
        labels = stats.theme_labels(lang)
        figures = stats.public_stats(lang)
        assert {bar.key: bar.label for bar in figures["themes"]}[theme] == labels[theme]
        assert all(row["title"] for row in figures["articles"])
    with translation.override("ru"):
        content = stats.public_stats("ru")["statuses"][0][1]
        assert str(content) == str(Status.NEW.label)


def test_figures_follow_changes_within_a_minute(varied: Any) -> None:
    before = stats.public_stats("kk")
    proposal = Proposal.objects.filter(is_hidden=False, status=Status.NEW).first()
    Proposal.objects.filter(pk=proposal.pk).update(status=Status.REJECTED)
    Proposal.objects.filter(is_hidden=False).exclude(pk=proposal.pk).filter(pk__gt=proposal.pk).update(is_hidden=True)
    assert stats.public_stats("kk")["total"] == before["total"]  # counted less than a minute ago
    age(varied, stats.PUBLIC_CACHE_SECONDS - 5)
    assert stats.public_stats("kk")["total"] == before["total"]
    age(varied, 10)
    after = stats.public_stats("kk")
    assert after["computed_at"] > before["computed_at"]
    assert_figures_match(after, varied)


def test_stale_figures_are_served_while_another_request_counts(varied: Any, django_assert_num_queries: Any) -> None:
    first = stats.public_stats("kk")
    Proposal.objects.filter(is_hidden=False).update(status=Status.NOTED)
    age(varied, stats.PUBLIC_CACHE_SECONDS + 1)
    lock = stats.public_cache_key(varied) + ":lock"
    assert cache.add(lock, 1)  # another request is counting
    with django_assert_num_queries(1):  # the current run; no counting
        served = stats.public_stats("kk")
    assert served["answered"] == first["answered"] < served["total"]
    cache.delete(lock)
    fresh = stats.public_stats("kk")
    assert fresh["answered"] == fresh["total"]
    assert cache.get(lock) is None  # released after counting


def test_without_figures_a_request_counts_even_when_locked(varied: Any) -> None:
    cache.add(stats.public_cache_key(varied) + ":lock", 1)
    assert_figures_match(stats.public_stats("kk"), varied)


def test_counting_takes_few_queries(varied: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        stats.compute_public_figures(varied)
    assert len(queries) <= 6


def test_public_page_shows_the_figures(client: Any, varied: Any) -> None:
    response = client.get(reverse("insights:public"))
    assert response.status_code == 200
    content = response.content.decode()
    figures = response.context
    assert figures["total"] == Proposal.objects.filter(is_hidden=False).count()
    row = figures["articles"][0]
    assert f'href="{row["url"]}"' in content and f"?article={row['pk']}" in content
    assert "Bar(" not in content


@pytest.mark.django_db(transaction=True)
def test_stale_figures_are_recounted_after_the_request_in_a_thread(
    varied: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.KENES_PUBLIC_FIGURES_IN_BACKGROUND = True
    threads = []
    start = stats.recount_in_background

    def recorded(*args: Any) -> Any:
        threads.append(start(*args))
        return threads[-1]

    monkeypatch.setattr(stats, "recount_in_background", recorded)
    first = stats.public_stats("kk")
    assert not threads  # nothing to serve yet: counted in the request
    Proposal.objects.filter(is_hidden=False).update(status=Status.NOTED)
    age(varied, stats.PUBLIC_CACHE_SECONDS + 1)
    with CaptureQueriesContext(connection) as queries:
        served = stats.public_stats("kk")
    assert len(queries) == 1  # the current run: the request counts nothing
    assert served["answered"] == first["answered"] < served["total"]
    assert len(threads) == 1
    stats.public_stats("kk")  # while the thread counts (or after it): no second recount
    threads[0].join()
    assert len(threads) == 1  # one recount, whatever the requests meanwhile
    fresh = stats.public_stats("kk")
    assert fresh["answered"] == fresh["total"]
    assert_figures_match(fresh, varied)
    assert cache.get(stats.public_cache_key(varied) + ":lock") is None

"""ProposalQuerySet.counts_by_article: the per-article counts of the version page and the API,
by index-only scans (indexes proposal_article and the partial proposal_whole_draft)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from kenes.drafts.models import Article, Document, Version
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_counts_per_article_and_for_the_whole_draft(draft: Any, submit: Any, users: dict[str, Any]) -> None:
    from kenes.proposals.actions import hide_proposal

    one, two, three = draft.articles.order_by("number")
    for _ in range(3):
        submit(article=one)
    hide_proposal(proposal=submit(article=one), moderator=users["moderator"], reason="spam")
    submit(article=two)
    submit(article=None)
    submit(article=None)
    # another version's proposals are never counted
    other_document = Document.objects.create(slug="other-law", title_kk="Басқа", title_ru="Другой")
    now = timezone.now()
    other = Version.objects.create(document=other_document, name="v1", kind="draft", date=now.date(),
                                   consultation_opens=now - timedelta(days=1), consultation_closes=now + timedelta(days=5))
    other_article = Article.objects.create(version=other, number=1, text_kk="Бап", text_ru="Статья")
    submit(version=other, article=other_article)
    submit(version=other, article=None)

    ids = [one.pk, two.pk, three.pk]
    assert Proposal.objects.public().counts_by_article(draft, ids) == {one.pk: 3, two.pk: 1, None: 2}
    assert Proposal.objects.all().counts_by_article(draft, ids) == {one.pk: 4, two.pk: 1, None: 2}
    assert Proposal.objects.public().counts_by_article(draft, []) == {None: 2}
    assert Proposal.objects.public().counts_by_article(other, [other_article.pk]) == {other_article.pk: 1, None: 1}
    # the same figures as grouping every proposal of the version
    from django.db.models import Count

    grouped = {row["article_id"]: row["n"] for row in
               Proposal.objects.public().filter(version=draft).values("article_id").annotate(n=Count("id"))}
    assert Proposal.objects.public().counts_by_article(draft, ids) == grouped


def test_the_count_indexes_exist() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Proposal._meta.db_table)
    assert constraints["proposal_article"]["columns"] == ["article_id", "is_hidden"]
    assert constraints["proposal_whole_draft"]["columns"] == ["version_id", "is_hidden"]

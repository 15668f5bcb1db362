"""The article page's body in the short-lived page cache (kenes.pagecache): the proposal count
drops at once when a proposal is hidden, the consultation's opening and closing show at once,
and an unpublished version stays closed to the public."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from kenes.drafts.models import Version
from kenes.proposals.actions import hide_proposal, submit_proposal

pytestmark = pytest.mark.django_db


def page(path: str, user: Any = None) -> tuple[int, str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    return response.status_code, response.content.decode()


def article_url(draft: Version, number: int = 1) -> str:
    with translation.override("kk"):
        return str(draft.articles.get(number=number).get_absolute_url())


def propose(draft: Version) -> Any:
    return submit_proposal(version=draft, article=draft.articles.get(number=1), text="1-бапқа өзгерту керек.",
                           kind="amend", region="atyrau", channel="web")


def test_article_body_cached_hidden_proposal_leaves_the_count_at_once(draft: Version, users: dict[str, Any],
                                                                     page_cache: Any) -> None:
    first = propose(draft)
    propose(draft)
    url = f"/en{article_url(draft)}"
    assert "2 proposals on this article" in page(url)[1]
    propose(draft)
    propose(draft)
    assert "2 proposals on this article" in page(url, users["citizen"])[1]  # cached within the period
    hide_proposal(proposal=first, moderator=users["moderator"], reason="Spam from a bot")
    assert "3 proposals on this article" in page(url)[1]  # 4 stored, one hidden: re-rendered at once
    assert "Article 1 · Test law" in page(url)[1]  # the title is the request's own
    assert page(f"/en{article_url(draft, 2)}")[0] == 200
    assert page(f"/en{article_url(draft)[:-2]}9/")[0] == 404


def test_consultation_closing_shows_at_once(draft: Version, page_cache: Any) -> None:
    url = f"/en{article_url(draft)}"
    assert 'data-testid="submit-proposal"' in page(url)[1]
    draft.consultation_closes = timezone.now() - timedelta(minutes=1)
    draft.save()
    html = page(url)[1]
    assert 'data-testid="submit-proposal"' not in html and "Consultation closed" in html


def test_unpublished_version_not_served_from_the_cache(draft: Version, users: dict[str, Any],
                                                       page_cache: Any) -> None:
    url = article_url(draft)
    assert page(url)[0] == 200
    draft.is_published = False
    draft.save()
    assert page(url)[0] == 404
    assert page(url, users["admin"])[0] == 200

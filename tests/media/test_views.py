"""News pages: who may see what, filters, escaping, and confirming proposals stated in the news."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kenes.media.actions import confirm_news_proposal, ingest_document
from kenes.media.highlight import highlight
from kenes.media.models import ExtractedProposal, NewsArticle
from kenes.nlp.news_io import RawDocument
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

BAITAK = ("Астана қаласында партияның пленарлық отырысы өтті. Осыған байланысты «БАЙТАҚ» партиясы Конституцияның "
          "2-бабында «Экология және адам денсаулығы» ұғымын жеке тармақпен бекітуді ұсынды. Отырысқа 120-дан астам "
          "партия мүшесі қатысты.")


@pytest.fixture
def stored() -> dict[str, NewsArticle]:
    items = {
        "astana": RawDocument("a.txt", "Астанада пленарлық отырыс өтті", BAITAK, "2026-02-04", outlet="BAQ.KZ"),
        "atyrau": RawDocument("b.txt", "Коалиция Атырау облысына барды",
                              "Коалиция мүшелері Атырау облысына барды. Мұнайшылармен кездесу өтті, оған 300-ден астам "
                              "адам қатысты. Еңбек құқықтары мен әділ жалақы туралы айтылды.", "2026-03-03"),
        "almaty": RawDocument("c.txt", "В Алматы прошел форум <script>alert(1)</script>",
                              "В Алматы прошел форум волонтеров. Собрались более 200 волонтеров. "
                              "<img src=x onerror=alert(2)> Обсуждали цифровые права и защиту персональных данных.",
                              "2026-02-20"),
    }
    return {key: ingest_document(raw=raw).article for key, raw in items.items()}


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_anyone_may_read_the_list(client: Client, stored: dict[str, NewsArticle]) -> None:
    response = client.get(reverse("media:list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="news"') == 3


@pytest.mark.parametrize(("query", "expected"), [
    ({"region": "atyrau"}, {"atyrau"}),
    ({"region": "almaty"}, {"almaty"}),
    ({"region": "almaty_region"}, set()),
    ({"event_type": "plenary_session"}, {"astana"}),
    ({"theme": "labour"}, {"atyrau"}),
    ({"theme": "digital_rights"}, {"almaty"}),
    ({"date_from": "2026-02-10", "date_to": "2026-02-28"}, {"almaty"}),
])
def test_filters(client: Client, stored: dict[str, NewsArticle], query: dict[str, str], expected: set[str]) -> None:
    response = client.get(reverse("media:list"), query)
    shown = {key for key, article in stored.items() if article.get_absolute_url() in response.content.decode()}
    assert shown == expected


def test_bad_filters_are_reported_not_fatal(client: Client, stored: dict[str, NewsArticle]) -> None:
    response = client.get(reverse("media:list"), {"date_from": "not-a-date", "region": "<b>x</b>", "page": "-4"})
    assert response.status_code == 200
    assert "role=\"alert\"" in response.content.decode()
    assert "<b>x</b>" not in response.content.decode()


def test_htmx_gets_the_results_partial(client: Client, stored: dict[str, NewsArticle]) -> None:
    response = client.get(reverse("media:list"), {"region": "astana"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "media/newsarticle_list_results.html"
    assert "<html" not in response.content.decode()


def test_article_page_highlights_facts_and_escapes_text(client: Client, stored: dict[str, NewsArticle]) -> None:
    response = client.get(stored["almaty"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert '<mark class="fact fact-figure" data-kind="figure">более 200 волонтеров</mark>' in html
    assert '<mark class="fact fact-place" data-kind="place">Алматы</mark>' in html


def test_highlight_is_safe_with_hostile_spans() -> None:
    text = "<b>Атырау</b> & co"
    html = highlight(text, [{"start": 3, "end": 9, "kind": "place"}, {"start": 0, "end": 99, "kind": "place"},
                            {"start": 1, "end": 2, "kind": "<script>"}, {"start": "x", "end": 2, "kind": "date"},
                            {"start": 4, "end": 6, "kind": "person"}])
    assert html == '&lt;b&gt;<mark class="fact fact-place" data-kind="place">Атырау</mark>&lt;/b&gt; &amp; co'


def test_unknown_article_and_region_are_404(client: Client, stored: dict[str, NewsArticle]) -> None:
    assert client.get(reverse("media:detail", args=[999999])).status_code == 404
    assert client.get(reverse("media:region", args=["atlantis"])).status_code == 404


def test_region_page_brings_coverage_together(client: Client, stored: dict[str, NewsArticle]) -> None:
    response = client.get(reverse("media:region", args=["atyrau"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert stored["atyrau"].get_absolute_url() in html
    assert stored["astana"].get_absolute_url() not in html


def test_pages_in_russian_and_english(client: Client, stored: dict[str, NewsArticle]) -> None:
    assert client.get("/ru/news/").status_code == 200
    assert client.get("/en/news/region/astana/").status_code == 200


# ---------------------------------------------------------------- proposals stated in the news

def test_pending_proposals_only_for_analysts(client: Client, users: dict[str, Any],
                                             stored: dict[str, NewsArticle]) -> None:
    url = stored["astana"].get_absolute_url()
    assert 'data-testid="extracted-proposal"' not in client.get(url).content.decode()
    for role in ("citizen", "coordinator", "coordinator_other", "moderator", "commission"):
        page = login(Client(), users[role]).get(url).content.decode()
        assert 'data-testid="extracted-proposal"' not in page, role
    for role in ("analyst", "admin"):
        page = login(Client(), users[role]).get(url).content.decode()
        assert 'data-testid="extracted-proposal"' in page and 'data-testid="confirm"' in page, role


def test_who_may_confirm(client: Client, users: dict[str, Any], draft: Any, stored: dict[str, NewsArticle]) -> None:
    item = ExtractedProposal.objects.get()
    url = reverse("media:confirm", args=[item.pk])
    anonymous = client.post(url, {"version": draft.pk})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    for role in ("citizen", "coordinator", "coordinator_other", "moderator", "operator"):
        assert login(Client(), users[role]).post(url, {"version": draft.pk}).status_code == 403, role
    assert Proposal.objects.count() == 0
    assert login(Client(), users["analyst"]).get(url).status_code == 405
    response = login(Client(), users["analyst"]).post(url, {"version": draft.pk})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.channel, proposal.article.number, proposal.region) == ("media", 2, "astana")
    assert proposal.author_name == "БАЙТАҚ"
    assert proposal.text == "Экология және адам денсаулығы"
    item.refresh_from_db()
    assert (item.status, item.proposal, item.decided_by) == ("confirmed", proposal, users["analyst"])
    # confirmed ones are public, with the receipt
    assert proposal.receipt_code in Client().get(stored["astana"].get_absolute_url()).content.decode()


def test_confirming_twice_gives_one_proposal(users: dict[str, Any], draft: Any, stored: dict[str, NewsArticle]) -> None:
    item = ExtractedProposal.objects.get()
    first = confirm_news_proposal(analyst=users["analyst"], item=item, version=draft)
    second = confirm_news_proposal(analyst=users["admin"], item=item, version=draft)
    assert first.pk == second.pk and Proposal.objects.count() == 1


def test_confirm_without_a_version_loses_nothing(users: dict[str, Any], draft: Any,
                                                 stored: dict[str, NewsArticle]) -> None:
    item = ExtractedProposal.objects.get()
    response = login(Client(), users["analyst"]).post(reverse("media:confirm", args=[item.pk]), {"version": "x"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "pending" and Proposal.objects.count() == 0


def test_who_may_reject(client: Client, users: dict[str, Any], stored: dict[str, NewsArticle]) -> None:
    item = ExtractedProposal.objects.get()
    url = reverse("media:reject", args=[item.pk])
    assert login(Client(), users["citizen"]).post(url).status_code == 403
    assert login(Client(), users["analyst"]).post(url).status_code == 302
    item.refresh_from_db()
    assert item.status == "rejected"
    assert 'data-testid="extracted-proposal"' not in client.get(stored["astana"].get_absolute_url()).content.decode()


def test_unknown_extracted_proposal(users: dict[str, Any]) -> None:
    assert login(Client(), users["analyst"]).post(reverse("media:confirm", args=[4242])).status_code == 404


def test_article_tags_follow_the_facts(stored: dict[str, NewsArticle]) -> None:
    article = NewsArticle.objects.get(pk=stored["atyrau"].pk)
    assert article.regions == ["atyrau"]
    assert "meeting" in article.event_types and "visit" in article.event_types
    assert "labour" in article.themes

"""The public news API: articles with their outlets and extracted facts, filters (region, dates, outlet,
words), cursor pages (articles without a date last), and one article with its confirmed campaign events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from django.test import Client

from kenes.campaign.models import Coalition, Event, Level
from kenes.media.actions import ingest_document, link_event
from kenes.media.models import EventCoverage, NewsArticle
from kenes.nlp.news_io import RawDocument

pytestmark = pytest.mark.django_db

BAITAK = ("Астана қаласында партияның пленарлық отырысы өтті. Осыған байланысты «БАЙТАҚ» партиясы Конституцияның "
          "2-бабында «Экология және адам денсаулығы» ұғымын жеке тармақпен бекітуді ұсынды. Отырысқа 120-дан астам "
          "партия мүшесі қатысты.")


@pytest.fixture
def stored() -> dict[str, NewsArticle]:
    items = {
        "astana": RawDocument("a.txt", "Астанада пленарлық отырыс өтті", BAITAK, "2026-02-04", outlet="BAQ.KZ",
                              url="https://baq.kz/news/1"),
        "atyrau": RawDocument("b.txt", "Коалиция Атырау облысына барды",
                              "Коалиция мүшелері Атырау облысына барды. Мұнайшылармен кездесу өтті, оған 300-ден астам "
                              "адам қатысты. Еңбек құқықтары мен әділ жалақы туралы айтылды.", "2026-03-03",
                              outlet="Atyrau News"),
        "almaty": RawDocument("c.txt", "В Алматы прошел форум <script>alert(1)</script>",
                              "В Алматы прошел форум волонтеров. Собрались более 200 волонтеров. "
                              "Обсуждали цифровые права и защиту персональных данных.", "2026-02-20",
                              outlet="Vlast.kz"),
        "undated": RawDocument("d.txt", "Күні жоқ жаңалық", "Коалиция мүшелері жиналды. Ешқандай күн көрсетілмеген.", ""),
    }
    articles = {key: ingest_document(raw=raw).article for key, raw in items.items()}
    # The same story carried by a second outlet.
    ingest_document(raw=RawDocument("a2.txt", "Астанада пленарлық отырыс өтті", BAITAK, "2026-02-04",
                                    outlet="Kazinform", url="https://inform.kz/x"))
    return articles


def get(client: Client, url: str) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def ids(body: dict[str, Any]) -> list[int]:
    return [a["id"] for a in body["results"]]


def test_list_newest_first_undated_last(client: Client, stored: dict[str, NewsArticle]) -> None:
    body = get(client, "/api/v1/news")
    assert ids(body) == [stored[k].pk for k in ("atyrau", "almaty", "astana", "undated")]
    assert body["next_cursor"] is None


def test_article_fields_and_facts(client: Client, stored: dict[str, NewsArticle]) -> None:
    item = next(a for a in get(client, "/api/v1/news")["results"] if a["id"] == stored["astana"].pk)
    assert item["title"] == "Астанада пленарлық отырыс өтті"
    assert item["date"] == "2026-02-04" and item["language"] == "kk"
    assert item["sources"] == [{"name": "BAQ.KZ", "url": "https://baq.kz/news/1"},
                               {"name": "Kazinform", "url": "https://inform.kz/x"}]
    assert item["url"].endswith(f"/{stored['astana'].pk}/")
    facts = item["facts"]
    assert facts["regions"] == ["astana"]
    assert "plenary_session" in facts["event_types"]
    assert any("БАЙТАҚ" in o for o in facts["organizations"])
    assert 2 in facts["article_refs"]
    assert {"value": 120, "qualifier": "more_than", "unit": "members"}.items() <= facts["figures"][0].items()
    assert "spans" not in facts and "proposals" not in facts and "text" not in item


def test_malformed_stored_facts_do_not_break_the_answer(client: Client, stored: dict[str, NewsArticle]) -> None:
    NewsArticle.objects.filter(pk=stored["atyrau"].pk).update(facts={
        "figures": [{"value": "many", "unit": 5}, "junk", {"value": True}], "people": ["x", {"name": 3}],
        "article_refs": ["8", 9, None, True], "organizations": [None, "ОРГ"], "dates_mentioned": {"no": "list"},
    })
    facts = get(client, f"/api/v1/news/{stored['atyrau'].pk}")["facts"]
    assert facts["figures"] == [{"value": None, "qualifier": "", "unit": None, "text": ""},
                                {"value": None, "qualifier": "", "unit": None, "text": ""}]
    assert facts["people"] == [{"name": "", "role": ""}]
    assert facts["article_refs"] == [9] and facts["organizations"] == ["ОРГ"] and facts["dates_mentioned"] == []


@pytest.mark.parametrize(("query", "expected"), [
    ("region=atyrau", {"atyrau"}),
    ("region=almaty", {"almaty"}),
    ("region=almaty_region", set()),
    ("date_from=2026-02-10&date_to=2026-02-28", {"almaty"}),
    ("date_from=2026-03-01", {"atyrau"}),
    ("date_to=2026-02-04", {"astana"}),
    ("date_from=0001-01-01&date_to=9999-12-31", {"astana", "atyrau", "almaty"}),
    ("source=baq.kz", {"astana"}),
    ("source=KAZINFORM", {"astana"}),
    ("source=Atyrau%20News", {"atyrau"}),
    ("source=Nobody", set()),
    ("q=пленарлық", {"astana"}),
    ("q=ПЛЕНАРЛЫҚ", {"astana"}),
    ("q=Мұнайшылармен%20жалақы", {"atyrau"}),
    ("q=мұнайшылармен%20форум", set()),
    ("q=форум", {"almaty"}),
    ("q=Форум", {"almaty"}),
    ("q=коалиция", {"atyrau", "undated"}),
    ("q=%20%20", {"astana", "atyrau", "almaty", "undated"}),
    ("region=atyrau&q=коалиция", {"atyrau"}),
])
def test_filters(client: Client, stored: dict[str, NewsArticle], query: str, expected: set[str]) -> None:
    found = set(ids(get(client, f"/api/v1/news?{query}")))
    assert found == {stored[k].pk for k in expected}


def test_pages_follow_the_cursor_through_undated_articles(client: Client, stored: dict[str, NewsArticle]) -> None:
    extra = ingest_document(raw=RawDocument("e.txt", "Тағы бір күнсіз жаңалық", "Мәтін мүлдем басқа.", "")).article
    same_day = ingest_document(raw=RawDocument("f.txt", "Сол күнгі басқа жаңалық", "Басқа оқиға туралы мәтін.",
                                               "2026-03-03")).article
    seen: list[int] = []
    url = "/api/v1/news?limit=2"
    for _n in range(10):
        body = get(client, url)
        assert len(body["results"]) <= 2
        seen += ids(body)
        if body["next_cursor"] is None:
            break
        url = f"/api/v1/news?limit=2&cursor={body['next_cursor']}"
    expected = [same_day.pk, stored["atyrau"].pk, stored["almaty"].pk, stored["astana"].pk, extra.pk,
                stored["undated"].pk]
    assert seen == expected


@pytest.mark.parametrize("query", [
    "region=mars", "cursor=zzz", "cursor=MjAyNi0wMy0wM3w", "cursor=fDA", "cursor=eHh8MQ", "limit=0", "limit=1000",
    "date_from=yesterday", "date_from=0.0", "date_to=2026-02-30", "q=" + "x" * 201,
])
def test_bad_filters_are_422(client: Client, stored: dict[str, NewsArticle], query: str) -> None:
    response = client.get(f"/api/v1/news?{query}", HTTP_ACCEPT="application/json")
    assert response.status_code == 422, response.content[:200]
    assert response.json()["code"] == "invalid"


def test_one_article_with_its_confirmed_events(client: Client, stored: dict[str, NewsArticle],
                                               users: dict[str, Any]) -> None:
    coalition = Coalition.objects.create(level=Level.REGIONAL, region="atyrau", name_kk="Атырау коалициясы")
    article = stored["atyrau"]
    day = datetime(2026, 3, 3, 11, 0, tzinfo=timezone(timedelta(hours=5)))
    linked = Event.objects.create(coalition=coalition, title="Мұнайшылармен <b>кездесу</b>", event_type="meeting",
                                  region="atyrau", starts_at=day)
    suggested = Event.objects.create(coalition=coalition, title="Ұсыныс қана", region="atyrau", starts_at=day)
    link_event(user=users["coordinator"], article=article, event=linked)
    EventCoverage.objects.create(article=article, event=suggested, source=EventCoverage.Source.SUGGESTED)
    body = get(client, f"/api/v1/news/{article.pk}")
    assert body["text"].startswith("Коалиция мүшелері Атырау облысына барды.")
    assert body["events"] == [{
        "id": linked.pk, "title": "Мұнайшылармен <b>кездесу</b>", "event_type": "meeting", "format": "offline",
        "starts_at": "2026-03-03T06:00:00Z", "region": "atyrau", "status": "planned",
        "url": body["events"][0]["url"],
    }]
    assert body["events"][0]["url"].endswith(f"/events/{linked.pk}/")
    assert get(client, f"/api/v1/news/{stored['astana'].pk}")["events"] == []


def test_unknown_article_is_404_in_the_callers_language(client: Client, stored: dict[str, NewsArticle]) -> None:
    answers = {lang: client.get("/api/v1/news/987654", HTTP_ACCEPT_LANGUAGE=lang) for lang in ("kk", "ru", "en")}
    assert {r.status_code for r in answers.values()} == {404}
    assert answers["en"].json() == {"detail": "No such news article.", "code": "not_found"}
    assert answers["ru"].json()["detail"] == "Такой новости нет."
    assert answers["kk"].json()["detail"] == "Мұндай жаңалық жоқ."
    assert client.get("/api/v1/news/0").status_code == 422
    assert client.get(f"/api/v1/news/{2**63}").status_code == 422


def test_raw_html_in_titles_is_returned_as_text_never_interpreted(client: Client,
                                                                  stored: dict[str, NewsArticle]) -> None:
    response = client.get(f"/api/v1/news/{stored['almaty'].pk}")
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["title"] == "В Алматы прошел форум <script>alert(1)</script>"

"""The news list shows, for each article, the campaign events it is confirmed to report on: for anyone,
escaped, suggestions and dismissed links left out, and in a number of queries that does not grow with
the rows of the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kenes.campaign.models import Coalition, Event, Level
from kenes.media.actions import ingest_document, link_event, unlink_event
from kenes.media.models import EventCoverage, NewsArticle
from kenes.nlp.news_io import RawDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition() -> Coalition:
    return Coalition.objects.create(level=Level.REGIONAL, region="atyrau", name_kk="Атырау коалициясы")


def event(coalition: Coalition, title: str, day: int = 3) -> Event:
    return Event.objects.create(coalition=coalition, title=title, event_type="meeting", region="atyrau",
                                starts_at=timezone.make_aware(datetime(2026, 3, day, 11, 0)))


def article(n: int) -> NewsArticle:
    raw = RawDocument(f"{n}.txt", f"Атырауда кездесу №{n}", f"Атырау облысында {n}-кездесу өтті, жұмысшылар қатысты.",
                      "2026-03-03")
    return ingest_document(raw=raw).article


def news_page(client: Client, **headers: Any) -> str:
    response = client.get(reverse("media:list"), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_sees_the_confirmed_events_of_each_article(client: Client, users: dict[str, Any],
                                                          coalition: Coalition) -> None:
    first, second = article(1), article(2)
    meeting = event(coalition, "Мұнайшылармен <b>кездесу</b>")
    forum = event(coalition, "Жастар форумы", day=4)
    suggested = event(coalition, "Тек ұсыныс SUGGESTED")
    dismissed = event(coalition, "Алынған сілтеме DISMISSED")
    link_event(user=users["coordinator"], article=first, event=meeting)
    link_event(user=users["coordinator"], article=first, event=forum)
    EventCoverage.objects.create(article=first, event=suggested, source=EventCoverage.Source.SUGGESTED)
    link_event(user=users["coordinator"], article=second, event=dismissed)
    unlink_event(user=users["coordinator"], article=second, event=dismissed)
    html = news_page(client)
    assert html.count('data-testid="news-events"') == 1
    assert "Мұнайшылармен &lt;b&gt;кездесу&lt;/b&gt;" in html and "<b>кездесу</b>" not in html
    assert f'href="{meeting.get_absolute_url()}"' in html and f'href="{forum.get_absolute_url()}"' in html
    assert html.index(meeting.get_absolute_url()) < html.index(forum.get_absolute_url())  # in the order they start
    assert "SUGGESTED" not in html and "DISMISSED" not in html
    # the htmx partial carries them too
    partial = news_page(client, HTTP_HX_REQUEST="true")
    assert partial.count('data-testid="news-events"') == 1 and "<html" not in partial


def test_the_label_is_translated(client: Client, users: dict[str, Any], coalition: Coalition) -> None:
    link_event(user=users["coordinator"], article=article(1), event=event(coalition, "Кездесу"))
    labels = {"kk": "Осы жаңалықтағы науқан іс-шаралары", "ru": "Мероприятия кампании в этой новости",
              "en": "Campaign events in this news"}
    for language, label in labels.items():
        with translation.override(language):
            url = reverse("media:list")
        html = news_page_at(client, url)
        assert f"{label}:" in html
        assert all(other not in html for lang, other in labels.items() if lang != language)


def news_page_at(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        news_page(client)
    return len(captured)


def test_queries_do_not_grow_with_the_rows(client: Client, users: dict[str, Any], coalition: Coalition) -> None:
    events = [event(coalition, f"Кездесу {n}") for n in range(3)]
    link_event(user=users["coordinator"], article=article(0), event=events[0])
    one_row = count_queries(client)
    for n in range(1, 12):
        item = article(n)
        for linked in events[: 1 + n % 3]:
            link_event(user=users["coordinator"], article=item, event=linked)
    html = news_page(client)
    assert html.count('data-testid="news-events"') == 12
    assert count_queries(client) == one_row

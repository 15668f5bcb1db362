"""Django admin for the links between news and campaign events: the list (filters, search, related objects
joined in one query), the change page with ids instead of drop-downs of every event; staff only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kenes.campaign.models import Coalition, Event, Level
from kenes.media.actions import ingest_document, link_event
from kenes.media.models import EventCoverage
from kenes.nlp.news_io import RawDocument

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:media_eventcoverage_changelist"
CHANGE = "admin:media_eventcoverage_change"


@pytest.fixture
def links(users: dict[str, Any]) -> list[EventCoverage]:
    coalition = Coalition.objects.create(level=Level.REGIONAL, region="atyrau", name_kk="Атырау коалициясы")
    made = []
    for n in range(6):
        event = Event.objects.create(coalition=coalition, title=f"Кездесу <script>{n}</script>", region="atyrau",
                                     starts_at=timezone.make_aware(datetime(2026, 3, 3, 11, 0)))
        article = ingest_document(raw=RawDocument(f"{n}.txt", f"Жаңалық №{n}", f"Атырауда {n}-кездесу өтті.",
                                                  "2026-03-03")).article
        made.append(link_event(user=users["coordinator"], article=article, event=event))
    made[0].source = EventCoverage.Source.SUGGESTED
    made[0].save()
    return made


def rows(html: str) -> int:
    return html.count('class="field-news_article"')


def admin_client(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def test_changelist_loads_with_filters_and_search(users: dict[str, Any], links: list[EventCoverage]) -> None:
    client = admin_client(users)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert rows(html) == 6
    assert "Кездесу &lt;script&gt;" in html and "<script>0</script>" not in html
    for name in ("source", "event__region", "event__status"):
        assert name in html
    suggested = client.get(reverse(CHANGELIST), {"source__exact": "suggested"}).content.decode()
    assert rows(suggested) == 1
    found = client.get(reverse(CHANGELIST), {"q": "Жаңалық №3"}).content.decode()
    assert rows(found) == 1 and "Жаңалық №3</a>" in found
    assert rows(client.get(reverse(CHANGELIST), {"q": "coord_atyrau"}).content.decode()) == 6
    assert rows(client.get(reverse(CHANGELIST), {"q": "nobody-at-all"}).content.decode()) == 0


def test_changelist_queries_do_not_grow_with_the_rows(users: dict[str, Any], links: list[EventCoverage]) -> None:
    client = admin_client(users)
    with CaptureQueriesContext(connection) as six:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    EventCoverage.objects.filter(pk__in=[link.pk for link in links[1:]]).delete()
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    assert len(six) == len(one)


def test_change_page_uses_ids_not_lists_of_every_event(users: dict[str, Any], links: list[EventCoverage]) -> None:
    client = admin_client(users)
    link = links[1]
    response = client.get(reverse(CHANGE, args=[link.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("article", "event", "linked_by"):
        assert f'name="{field}"' in html
    assert 'class="vForeignKeyRawIdAdminField"' in html
    assert "<option" not in html.split('name="event"')[1].split("</div>")[0]
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse(CHANGE, args=[link.pk]))
    assert not any('FROM "campaign_event"' in q["sql"] and "LIMIT" not in q["sql"] and "WHERE" not in q["sql"]
                   for q in captured.captured_queries)


def test_change_page_saves(users: dict[str, Any], links: list[EventCoverage]) -> None:
    client = admin_client(users)
    link = links[2]
    data = {"article": link.article_id, "event": link.event_id, "source": "dismissed", "score": "1.5",
            "reasons": "[]", "linked_by": users["admin"].pk, "linked_at_0": "2026-03-04", "linked_at_1": "10:00:00"}
    response = client.post(reverse(CHANGE, args=[link.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    link.refresh_from_db()
    assert link.source == "dismissed" and link.linked_by == users["admin"]


def test_labels_are_translated(users: dict[str, Any], links: list[EventCoverage]) -> None:
    client = admin_client(users)
    labels = {"kk": ("Науқан іс-шарасы", "Байланыстырған"), "ru": ("Мероприятие кампании", "Кто связал"),
              "en": ("Campaign event", "Linked by")}
    for language, expected in labels.items():
        with translation.override(language):
            url = reverse(CHANGELIST)
        html = client.get(url).content.decode()
        assert all(label in html for label in expected), language
        others = [label for lang, pair in labels.items() if lang != language for label in pair]
        assert not any(label in html for label in others), language


@pytest.mark.parametrize("who", ["citizen", "moderator", "analyst", "coordinator", "commission", "operator"])
def test_others_are_sent_to_log_in(users: dict[str, Any], links: list[EventCoverage], who: str) -> None:
    client = Client()
    client.force_login(users[who])
    for url in (reverse(CHANGELIST), reverse(CHANGE, args=[links[1].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().get(reverse(CHANGELIST)).status_code == 302


def test_staff_without_the_permission_is_forbidden(make_user: Any, links: list[EventCoverage]) -> None:
    staff = make_user("staff_only", "analyst", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse(CHANGE, args=[links[1].pk])).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_eventcoverage"))
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert client.get(reverse(CHANGE, args=[links[1].pk])).status_code == 200
    assert client.post(reverse(CHANGE, args=[links[1].pk]), {"source": "dismissed"}).status_code == 403

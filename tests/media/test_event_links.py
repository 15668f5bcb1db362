"""News articles linked to campaign events: scoring, who may link, idempotency, escaping, the
event report pre-filled from an article, and the event page listing its coverage."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kenes.campaign.models import Coalition, Event, EventReport, EventStatus, Level
from kenes.media.actions import ingest_document, link_event, store_event_suggestions, unlink_event
from kenes.media.matching import report_initial, report_url
from kenes.media.models import EventCoverage, NewsArticle
from kenes.nlp.news_events import ArticleFacts, EventFacts, participants, place_key, rank, score
from kenes.nlp.news_io import RawDocument

pytestmark = pytest.mark.django_db

ARTICLE = ArticleFacts(date=date(2026, 3, 3), regions=("atyrau",), districts=("Жылыой ауданы",),
                       event_types=("visit", "meeting"), audiences=("workers", "youth"), formats=("offline",))


def event_facts(**changes: Any) -> EventFacts:
    values: dict[str, Any] = {"id": 1, "date": date(2026, 3, 3), "region": "atyrau",
                              "district_names": ("Жылыой", "Жылыойский", "Zhylyoi"), "event_type": "meeting",
                              "audiences": ("workers",), "format": "offline"}
    values.update(changes)
    return EventFacts(**values)


# Scoring (no database needed, but cheap under the module mark).

def test_other_region_or_missing_date_is_no_match() -> None:
    assert score(ARTICLE, event_facts(region="kyzylorda")) is None
    assert score(ArticleFacts(date=None, regions=("atyrau",)), event_facts()) is None
    assert score(ArticleFacts(date=date(2026, 3, 3)), event_facts()) is None


@pytest.mark.parametrize(("day", "matches"), [
    (date(2026, 2, 28), False), (date(2026, 3, 1), True), (date(2026, 3, 3), True), (date(2026, 3, 5), True),
    (date(2026, 3, 6), False),
])
def test_date_window_is_two_days_either_side(day: date, matches: bool) -> None:
    assert (score(ARTICLE, event_facts(date=day)) is not None) is matches


def test_date_window_can_be_narrowed() -> None:
    assert score(ARTICLE, event_facts(date=date(2026, 3, 4)), days=0) is None
    assert score(ARTICLE, event_facts(date=date(2026, 3, 3)), days=0) is not None


def test_reasons_explain_every_point() -> None:
    match = score(ARTICLE, event_facts())
    assert match is not None
    codes = [r.code for r in match.reasons]
    assert codes == ["region", "district", "date", "event_type", "audiences", "format"]
    assert match.score == pytest.approx(sum(r.points for r in match.reasons))
    assert match.reasons[1].value == "Жылыой ауданы"
    assert match.reasons[4].value == ("workers",)
    assert match.as_json()[2] == {"code": "date", "points": 3.0, "value": 0}


def test_closer_date_type_and_district_score_higher() -> None:
    same_day = score(ARTICLE, event_facts())
    later = score(ARTICLE, event_facts(date=date(2026, 3, 5)))
    other_type = score(ARTICLE, event_facts(event_type="forum"))
    other_district = score(ARTICLE, event_facts(district_names=("Макат", "Макатский", "Makat")))
    assert same_day and later and other_type and other_district
    assert same_day.score > later.score
    assert same_day.score > other_type.score
    assert same_day.score > other_district.score
    assert "event_type" not in [r.code for r in other_type.reasons]
    assert "district" not in [r.code for r in other_district.reasons]


def test_audience_points_are_capped() -> None:
    many = ArticleFacts(date=date(2026, 3, 3), regions=("atyrau",), audiences=("workers", "youth", "veterans"))
    match = score(many, event_facts(audiences=("workers", "youth", "veterans"), district_names=(), format=""))
    assert match is not None
    assert [r.points for r in match.reasons if r.code == "audiences"] == [1.0]


def test_rank_orders_best_first_and_limits() -> None:
    events = [event_facts(id=3, event_type="forum"), event_facts(id=1), event_facts(id=2, date=date(2026, 3, 4)),
              event_facts(id=4, region="almaty")]
    assert [m.event_id for m in rank(ARTICLE, events)] == [1, 2, 3]
    assert [m.event_id for m in rank(ARTICLE, events, limit=1)] == [1]


def test_place_key_drops_generic_words() -> None:
    assert place_key("Жылыой ауданы") == place_key("Жылыой")
    assert place_key("Жылыойский район") == place_key("Жылыойский")
    assert place_key("г. Кульсары") == place_key("Кульсары")
    assert place_key("ауданы") == ""


def test_participants_takes_the_largest_plausible_number() -> None:
    figures: list[dict[str, object]] = [
        {"value": 10000, "unit": "proposals"}, {"value": 120, "unit": "participants"},
        {"value": 300, "unit": "participants"}, {"value": True, "unit": "participants"},
        {"value": "500", "unit": "participants"}, {"value": -4, "unit": "participants"},
        {"value": 10**9, "unit": "participants"}, {"unit": "participants"},
    ]
    assert participants(figures) == 300
    assert participants([]) is None
    assert participants([{"value": 50, "unit": "volunteers"}]) is None


# Stored links and pages.

def at(day: int, hour: int = 11) -> datetime:
    return timezone.make_aware(datetime(2026, 3, day, hour, 0))


@pytest.fixture
def campaign() -> dict[str, Any]:
    national = Coalition.objects.create(level=Level.NATIONAL, name_kk="Жалпыұлттық коалиция")
    atyrau = Coalition.objects.create(level=Level.REGIONAL, parent=national, region="atyrau", name_kk="Атырау коалициясы")
    kyzylorda = Coalition.objects.create(level=Level.REGIONAL, parent=national, region="kyzylorda",
                                         name_kk="Қызылорда коалициясы")
    meeting = Event.objects.create(coalition=atyrau, title="Мұнайшылармен <b>кездесу</b>", event_type="meeting",
                                   region="atyrau", district="KZ233600", starts_at=at(3), audiences=["workers"],
                                   themes=["labour"])
    forum = Event.objects.create(coalition=atyrau, title="Жастар форумы", event_type="forum", region="atyrau",
                                 starts_at=at(5), audiences=["youth"])
    far = Event.objects.create(coalition=atyrau, title="Кейінгі кездесу", event_type="meeting", region="atyrau",
                               starts_at=at(20))
    cancelled = Event.objects.create(coalition=atyrau, title="Болмаған кездесу", event_type="meeting", region="atyrau",
                                     starts_at=at(3, 15), status=EventStatus.CANCELLED)
    other = Event.objects.create(coalition=kyzylorda, title="Ардагерлермен кездесу", event_type="meeting",
                                 region="kyzylorda", starts_at=at(3))
    return {"meeting": meeting, "forum": forum, "far": far, "cancelled": cancelled, "other": other}


@pytest.fixture
def article() -> NewsArticle:
    raw = RawDocument("b.txt", "Коалиция Атырау облысына барды <script>alert(1)</script>",
                      "Коалиция мүшелері Жылыой ауданына барды. Құлсары қаласында мұнайшылармен кездесу өтті, оған "
                      "300-ден астам адам қатысты. Еңбек құқықтары мен әділ жалақы туралы айтылды.", "2026-03-03",
                      url="https://news.example.kz/a/1")
    return ingest_document(raw=raw).article


def page(client: Client, article: NewsArticle) -> str:
    response = client.get(reverse("media:detail", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_extracted_facts_suggest_the_right_event(article: NewsArticle, campaign: dict[str, Any]) -> None:
    from kenes.media.matching import suggest

    found = suggest(article, regions=article.regions)
    assert [event.pk for event, _m in found] == [campaign["meeting"].pk, campaign["forum"].pk]
    best = found[0][1]
    assert {"region", "district", "date", "event_type", "audiences"} <= {r.code for r in best.reasons}


@pytest.mark.parametrize(("who", "sees"), [
    (None, False), ("citizen", False), ("commission", False), ("coordinator_other", False),
    ("coordinator", True), ("coordinator_national", True), ("analyst", True), ("admin", True),
])
def test_who_sees_suggestions(client: Client, users: dict[str, Any], article: NewsArticle,
                              campaign: dict[str, Any], who: str | None, sees: bool) -> None:
    if who:
        client.force_login(users[who])
    html = page(client, article)
    assert ('data-testid="event-suggestion"' in html) is sees
    assert ('data-testid="link-event"' in html) is sees
    if sees:
        assert html.count('data-testid="event-suggestion"') == 2
        assert "Болмаған кездесу" not in html and "Кейінгі кездесу" not in html
        assert "Ардагерлермен" not in html


def test_suggestions_are_escaped_and_explained(client: Client, users: dict[str, Any], article: NewsArticle,
                                               campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator"])
    html = page(client, article)
    assert "Мұнайшылармен &lt;b&gt;кездесу&lt;/b&gt;" in html
    assert "<b>кездесу</b>" not in html
    assert "<script>alert(1)</script>" not in html


LINK_CASES = [
    (None, 302, False), ("citizen", 403, False), ("commission", 403, False), ("operator", 403, False),
    ("coordinator_other", 403, False), ("coordinator", 302, True), ("coordinator_national", 302, True),
    ("analyst", 302, True), ("admin", 302, True),
]


@pytest.mark.parametrize(("who", "status", "linked"), LINK_CASES)
def test_who_may_link(client: Client, users: dict[str, Any], article: NewsArticle, campaign: dict[str, Any],
                      who: str | None, status: int, linked: bool) -> None:
    if who:
        client.force_login(users[who])
    event = campaign["meeting"]
    response = client.post(reverse("media:link_event", args=[article.pk, event.pk]))
    assert response.status_code == status
    if who is None:
        assert "/login" in response["Location"] or "login" in response["Location"]
    assert EventCoverage.objects.filter(article=article, event=event, source="confirmed").exists() is linked


def test_coordinator_may_not_link_another_regions_event(client: Client, users: dict[str, Any],
                                                         article: NewsArticle, campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator"])
    response = client.post(reverse("media:link_event", args=[article.pk, campaign["other"].pk]))
    assert response.status_code == 403
    assert not EventCoverage.objects.exists()


def test_link_needs_post_csrf_and_existing_objects(users: dict[str, Any], article: NewsArticle,
                                                   campaign: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["coordinator"])
    url = reverse("media:link_event", args=[article.pk, campaign["meeting"].pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    plain = Client()
    plain.force_login(users["coordinator"])
    assert plain.post(reverse("media:link_event", args=[article.pk, 999999])).status_code == 404
    assert plain.post(reverse("media:link_event", args=[999999, campaign["meeting"].pk])).status_code == 404
    assert not EventCoverage.objects.exists()


def test_cancelled_event_cannot_be_linked(client: Client, users: dict[str, Any], article: NewsArticle,
                                          campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator"])
    response = client.post(reverse("media:link_event", args=[article.pk, campaign["cancelled"].pk]))
    assert response.status_code == 302
    assert not EventCoverage.objects.exists()


def test_linking_is_idempotent_and_unlink_dismisses(users: dict[str, Any], article: NewsArticle,
                                                    campaign: dict[str, Any]) -> None:
    event = campaign["meeting"]
    first = link_event(user=users["coordinator"], article=article, event=event)
    second = link_event(user=users["analyst"], article=article, event=event)
    assert first.pk == second.pk and EventCoverage.objects.count() == 1
    second.refresh_from_db()
    assert second.linked_by == users["coordinator"] and second.score > 0 and second.reasons
    unlink_event(user=users["coordinator"], article=article, event=event)
    assert EventCoverage.objects.get().source == EventCoverage.Source.DISMISSED
    link_event(user=users["coordinator"], article=article, event=event)
    assert EventCoverage.objects.get().source == EventCoverage.Source.CONFIRMED


@pytest.mark.parametrize(("who", "status", "dismissed"), [
    (None, 302, False), ("citizen", 403, False), ("coordinator_other", 403, False), ("coordinator", 302, True),
    ("analyst", 302, True),
])
def test_who_may_unlink(client: Client, users: dict[str, Any], article: NewsArticle, campaign: dict[str, Any],
                        who: str | None, status: int, dismissed: bool) -> None:
    link_event(user=users["admin"], article=article, event=campaign["meeting"])
    if who:
        client.force_login(users[who])
    response = client.post(reverse("media:unlink_event", args=[article.pk, campaign["meeting"].pk]))
    assert response.status_code == status
    expected = EventCoverage.Source.DISMISSED if dismissed else EventCoverage.Source.CONFIRMED
    assert EventCoverage.objects.get().source == expected


def test_everyone_sees_confirmed_links(client: Client, users: dict[str, Any], article: NewsArticle,
                                       campaign: dict[str, Any]) -> None:
    link_event(user=users["coordinator"], article=article, event=campaign["meeting"])
    html = page(client, article)
    assert html.count('data-testid="event-link"') == 1
    assert "Мұнайшылармен &lt;b&gt;кездесу&lt;/b&gt;" in html
    assert 'data-testid="unlink-event"' not in html and 'data-testid="use-for-report"' not in html
    client.force_login(users["coordinator"])
    html = page(client, article)
    assert 'data-testid="unlink-event"' in html and 'data-testid="use-for-report"' in html
    assert html.count('data-testid="event-suggestion"') == 1  # the linked one is no longer suggested


def test_analyst_links_but_does_not_report(client: Client, users: dict[str, Any], article: NewsArticle,
                                           campaign: dict[str, Any]) -> None:
    link_event(user=users["analyst"], article=article, event=campaign["meeting"])
    client.force_login(users["analyst"])
    html = page(client, article)
    assert 'data-testid="unlink-event"' in html
    assert 'data-testid="use-for-report"' not in html


def test_bulk_suggestions_are_idempotent_and_respect_decisions(users: dict[str, Any], article: NewsArticle,
                                                               campaign: dict[str, Any]) -> None:
    first = store_event_suggestions(days=2)
    assert (first.articles, first.created, first.unchanged) == (1, 2, 0)
    second = store_event_suggestions(days=2)
    assert (second.created, second.unchanged) == (0, 2)
    assert EventCoverage.objects.count() == 2
    link_event(user=users["coordinator"], article=article, event=campaign["meeting"])
    unlink_event(user=users["coordinator"], article=article, event=campaign["forum"])
    store_event_suggestions(days=2)
    sources = dict(EventCoverage.objects.values_list("event_id", "source"))
    assert sources == {campaign["meeting"].pk: "confirmed", campaign["forum"].pk: "dismissed"}


def test_bulk_suggestions_skip_cancelled_and_far_events(article: NewsArticle, campaign: dict[str, Any]) -> None:
    store_event_suggestions(days=0)
    assert list(EventCoverage.objects.values_list("event_id", flat=True)) == [campaign["meeting"].pk]


def test_link_events_command(article: NewsArticle, campaign: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("news", "link-events", "--days", "2")
    assert "2 new suggested links" in capsys.readouterr().out
    call_command("news", "link-events")
    assert "0 new suggested links, 2 already stored" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("news", "link-events", "--days", "-1")
    with pytest.raises(CommandError):
        call_command("news", "link-events", "--days", "100000")


def test_report_initial_values(article: NewsArticle) -> None:
    initial = report_initial(article, page_url="https://kenes.example/news/1/")
    assert initial == {"attendance": 300, "audiences": ["workers"], "themes": ["labour"],
                       "media_link": "https://news.example.kz/a/1"}
    article.sources.update(url="")
    assert report_initial(article, page_url="https://kenes.example/news/1/")["media_link"] == "https://kenes.example/news/1/"


def test_use_for_report_prefills_the_form_and_saves_nothing(client: Client, users: dict[str, Any],
                                                            article: NewsArticle, campaign: dict[str, Any]) -> None:
    event = campaign["meeting"]
    url = report_url(article, event, page_url="https://kenes.example/news/1/")
    query = parse_qs(urlsplit(url).query)
    assert query["attendance"] == ["300"] and query["audiences"] == ["workers"]
    client.force_login(users["coordinator"])
    response = client.get(url)
    initial = response.context["form"].initial
    assert initial["attendance"] == 300 and initial["audiences"] == ["workers"] and initial["themes"] == ["labour"]
    assert initial["media_links"] == "https://news.example.kz/a/1"
    html = response.content.decode()
    assert 'value="300"' in html and "https://news.example.kz/a/1" in html
    assert not EventReport.objects.exists()


@pytest.mark.parametrize("query", [
    "attendance=-5", "attendance=99999999", "attendance=abc", "attendance=1e3",
    "media_link=javascript:alert(1)", "media_link=https://x.kz/%0Aevil",
    "audiences=evil", "themes=<script>",
])
def test_report_prefill_ignores_hostile_values(client: Client, users: dict[str, Any], campaign: dict[str, Any],
                                               query: str) -> None:
    client.force_login(users["coordinator"])
    response = client.get(reverse("campaign:event_report", args=[campaign["meeting"].pk]) + "?" + query)
    assert response.status_code == 200
    form = response.context["form"]
    assert "attendance" not in form.initial
    assert "javascript:" not in form.initial.get("media_links", "")
    assert "evil" not in str(form.initial.get("media_links", "")) + str(form.initial.get("audiences"))
    assert form.initial["audiences"] == ["workers"] and form.initial["themes"] == ["labour"]
    assert "<script>" not in response.content.decode().split("<main", 1)[-1].replace("&lt;script&gt;", "")
    assert not EventReport.objects.exists()


def test_report_prefill_adds_the_link_to_an_existing_report(client: Client, users: dict[str, Any],
                                                            campaign: dict[str, Any]) -> None:
    event = campaign["meeting"]
    EventReport.objects.create(event=event, attendance=40, media_links=["https://a.kz/1"])
    client.force_login(users["coordinator"])
    response = client.get(reverse("campaign:event_report", args=[event.pk]) + "?media_link=https://b.kz/2&attendance=300")
    assert response.context["form"].initial["media_links"] == "https://a.kz/1\nhttps://b.kz/2"
    assert response.context["form"].initial["attendance"] == 300
    assert EventReport.objects.get().attendance == 40


def test_prefill_does_not_open_the_report_to_others(client: Client, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator_other"])
    response = client.get(reverse("campaign:event_report", args=[campaign["meeting"].pk]) + "?attendance=300")
    assert response.status_code == 403


def test_event_page_lists_confirmed_coverage_only(client: Client, users: dict[str, Any], article: NewsArticle,
                                                  campaign: dict[str, Any]) -> None:
    event = campaign["meeting"]
    url = reverse("campaign:event", args=[event.pk])
    store_event_suggestions(days=2)
    assert 'data-testid="news-coverage"' not in client.get(url).content.decode()
    link_event(user=users["coordinator"], article=article, event=event)
    html = client.get(url).content.decode()
    assert 'data-testid="news-coverage"' in html
    assert reverse("media:detail", args=[article.pk]) in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)</script>" not in html
    unlink_event(user=users["coordinator"], article=article, event=event)
    assert 'data-testid="news-coverage"' not in client.get(url).content.decode()

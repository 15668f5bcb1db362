"""The public campaign API: coalitions, events with filters and cursor pages, a held event's report and its
news coverage; nothing private (volunteers, members, internal fields, unpublished reports, unconfirmed links)
in any answer of the campaign and news endpoints, whoever asks."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kenes.campaign import actions as campaign_actions
from kenes.campaign.models import ChangeRecord, Event, EventReport, EventStatus
from kenes.media.actions import ingest_document, link_event, unlink_event
from kenes.media.models import EventCoverage
from kenes.nlp.news_io import RawDocument
from kenes.proposals.actions import hide_proposal
from tests.campaign.conftest import campaign  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SECRETS = {
    "volunteer_name": "Жасырынов Ерікті",
    "volunteer_phone": "+7 701 555 44 33",
    "task": "SECRET-TASK-at-the-door",
    "member": "Мүшесі Жасырын Адам",
    "import_key": "IMPORT-KEY-SECRET-1",
    "summary_email": "organiser.secret@example.kz",
    "summary_phone": "8 777 123 45 67",
    "question_email": "asker.secret@example.kz",
    "description_phone": "+7 702 987 65 43",
    "unpublished": "UNPUBLISHED-REPORT-OF-A-PLANNED-EVENT",
    "author": "Жасырын Автор Ұсыныс",
    "plan": "Ақпан–наурыз",
    "skills": "SECRET-SKILLS",
    "change": "SECRET-CHANGE-RECORD",
}


@pytest.fixture
def world(campaign: dict[str, Any], users: dict[str, Any], draft: Any) -> dict[str, Any]:  # noqa: F811
    """The campaign fixture plus a held event with a report, volunteers, members, hidden proposals,
    news with confirmed, suggested and dismissed links, all carrying private values."""
    coordinator = users["coordinator"]
    a1, a2, k1 = campaign["a1"], campaign["a2"], campaign["k1"]
    Event.objects.filter(pk=a1.pk).update(
        import_key=SECRETS["import_key"], created_by=coordinator,
        description=f"Тіркелу: {SECRETS['description_phone']}", organisers="Атырау коалициясы",
    )
    a1.refresh_from_db()
    volunteer = campaign_actions.create_volunteer(
        user=coordinator, full_name=SECRETS["volunteer_name"], phone=SECRETS["volunteer_phone"], region="atyrau",
        skills=SECRETS["skills"], coalition=campaign["atyrau"],
    )
    campaign_actions.assign_volunteer(user=coordinator, event=a1, volunteer=volunteer, task=SECRETS["task"])
    campaign_actions.add_member(user=coordinator, coalition=campaign["atyrau"], role="member",
                                person_name=SECRETS["member"])
    report = campaign_actions.report_event(
        user=coordinator, event=a1, attendance=230, audiences=["workers", "youth"], themes=["labour"],
        questions=f"Жалақы туралы?\nЖауап жазыңыз: {SECRETS['question_email']}",
        summary=f"Кездесу өтті. Байланыс: {SECRETS['summary_email']}, {SECRETS['summary_phone']}",
        media_links=["https://news.example.kz/a/1"], version=draft,
        proposals=[
            campaign_actions.CollectedProposal(text="8-бапқа ұсыныс: еңбек құқығы", author_name=SECRETS["author"]),
            campaign_actions.CollectedProposal(text="Спам мәтін", author_name=SECRETS["author"]),
        ],
    )
    collected = list(report.event.collected_proposals.select_related("proposal").order_by("pk"))
    hide_proposal(proposal=collected[1].proposal, moderator=users["moderator"], reason="spam")
    # A report on an event that is not held (status set back): never published.
    EventReport.objects.create(event=a2, attendance=999, summary=SECRETS["unpublished"], questions=SECRETS["unpublished"])
    ChangeRecord.objects.create(action="update", object_type="Event", object_id=a1.pk, region="atyrau",
                                after={"note": SECRETS["change"]})
    confirmed = ingest_document(raw=RawDocument(
        "n1.txt", "Құлсарыда мұнайшылармен кездесу", "Атырау облысы Жылыой ауданында кездесу өтті, 230 адам қатысты.",
        "2026-03-03", url="https://news.example.kz/a/1", outlet="Atyrau News")).article
    suggested = ingest_document(raw=RawDocument(
        "n2.txt", "Ұсынылған сілтеме SUGGESTED-ONLY", "Атырау облысында жастармен кездесу болды.", "2026-03-04",
        outlet="Atyrau News")).article
    dismissed = ingest_document(raw=RawDocument(
        "n3.txt", "Жойылған сілтеме DISMISSED-ONLY", "Атырау облысында тағы бір кездесу болды.", "2026-03-05",
        outlet="Atyrau News")).article
    link_event(user=coordinator, article=confirmed, event=a1)
    EventCoverage.objects.create(article=suggested, event=a1, source=EventCoverage.Source.SUGGESTED, score=3)
    link_event(user=coordinator, article=dismissed, event=a1)
    unlink_event(user=coordinator, article=dismissed, event=a1)
    a1.refresh_from_db()
    return {**campaign, "report": report, "collected": collected, "confirmed": confirmed, "suggested": suggested,
            "dismissed": dismissed, "volunteer": volunteer, "a1": a1, "k1": k1}


def get(client: Client, url: str, **extra: Any) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json", **extra)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_coalitions_with_level_region_and_parent(client: Client, campaign: dict[str, Any]) -> None:  # noqa: F811
    body = get(client, "/api/v1/campaign/coalitions")
    by_id = {c["id"]: c for c in body["results"]}
    assert body["next_cursor"] is None
    assert set(by_id) == {campaign[k].pk for k in ("national", "atyrau", "kyzylorda", "zhylyoi")}
    national, zhylyoi = by_id[campaign["national"].pk], by_id[campaign["zhylyoi"].pk]
    assert national["level"] == "national" and national["parent"] is None and national["region"] == ""
    assert national["name_ru"] == "Общенациональная коалиция"
    assert zhylyoi == {**zhylyoi, "level": "territorial", "region": "atyrau", "district": "KZ233600",
                       "parent": campaign["atyrau"].pk}
    assert set(zhylyoi) == {"id", "level", "name_kk", "name_ru", "name_en", "region", "district", "parent",
                            "founded_on"}
    regional = get(client, "/api/v1/campaign/coalitions?level=regional")["results"]
    assert {c["region"] for c in regional} == {"atyrau", "kyzylorda"}
    assert [c["id"] for c in get(client, "/api/v1/campaign/coalitions?region=atyrau&level=territorial")["results"]] \
        == [campaign["zhylyoi"].pk]
    children = get(client, f"/api/v1/campaign/coalitions?parent={campaign['national'].pk}")["results"]
    assert {c["id"] for c in children} == {campaign["atyrau"].pk, campaign["kyzylorda"].pk}


def test_coalition_pages_follow_the_cursor(client: Client, campaign: dict[str, Any]) -> None:  # noqa: F811
    seen: list[int] = []
    url = "/api/v1/campaign/coalitions?limit=1"
    for _n in range(10):
        body = get(client, url)
        assert len(body["results"]) <= 1
        seen += [c["id"] for c in body["results"]]
        if body["next_cursor"] is None:
            break
        url = f"/api/v1/campaign/coalitions?limit=1&cursor={body['next_cursor']}"
    assert seen == sorted(campaign[k].pk for k in ("national", "atyrau", "kyzylorda", "zhylyoi"))


def ids(body: dict[str, Any]) -> list[int]:
    return [e["id"] for e in body["results"]]


def test_event_filters(client: Client, world: dict[str, Any]) -> None:
    a1, a2, k1 = world["a1"], world["a2"], world["k1"]
    assert ids(get(client, "/api/v1/campaign/events")) == [e.pk for e in Event.objects.order_by("starts_at", "pk")]
    assert set(ids(get(client, "/api/v1/campaign/events?region=atyrau"))) == {a1.pk, a2.pk}
    assert ids(get(client, "/api/v1/campaign/events?region=kyzylorda")) == [k1.pk]
    # a coalition's events include those of the coalitions under it
    assert set(ids(get(client, f"/api/v1/campaign/events?coalition={world['atyrau'].pk}"))) == {a1.pk, a2.pk}
    assert ids(get(client, f"/api/v1/campaign/events?coalition={world['zhylyoi'].pk}")) == [a2.pk]
    assert len(ids(get(client, f"/api/v1/campaign/events?coalition={world['national'].pk}"))) == 3
    assert ids(get(client, "/api/v1/campaign/events?event_type=round_table")) == [a2.pk]
    assert ids(get(client, "/api/v1/campaign/events?status=held")) == [a1.pk]
    assert set(ids(get(client, "/api/v1/campaign/events?status=planned"))) == {a2.pk, k1.pk}
    assert ids(get(client, "/api/v1/campaign/events?format=online")) == []
    a2_day = timezone.localtime(a2.starts_at).date()
    assert ids(get(client, f"/api/v1/campaign/events?date_from={a2_day.isoformat()}")) == [a2.pk]
    before = (a2_day - timedelta(days=1)).isoformat()
    assert set(ids(get(client, f"/api/v1/campaign/events?date_to={before}"))) == {a1.pk, k1.pk}
    assert ids(get(client, f"/api/v1/campaign/events?date_from={a2_day}&date_to={before}")) == []
    assert len(ids(get(client, "/api/v1/campaign/events?date_from=0001-01-01&date_to=9999-12-31"))) == 3
    assert ids(get(client, "/api/v1/campaign/events?date_from=9999-12-31")) == []
    assert ids(get(client, "/api/v1/campaign/events?date_to=0001-01-01")) == []


def test_cancelled_events_are_listed_with_their_status(client: Client, world: dict[str, Any]) -> None:
    campaign_actions.cancel_event(user=None, event=world["k1"])
    assert Event.objects.get(pk=world["k1"].pk).status == EventStatus.CANCELLED
    body = get(client, "/api/v1/campaign/events?status=cancelled")
    assert ids(body) == [world["k1"].pk] and body["results"][0]["status"] == "cancelled"


def test_event_pages_follow_the_cursor(client: Client, world: dict[str, Any]) -> None:
    # Two events starting at the same moment: the id breaks the tie, nothing is skipped or repeated.
    Event.objects.filter(pk=world["a2"].pk).update(starts_at=world["a1"].starts_at)
    seen: list[int] = []
    url = "/api/v1/campaign/events?limit=1"
    for _n in range(10):
        body = get(client, url)
        seen += ids(body)
        if body["next_cursor"] is None:
            break
        url = f"/api/v1/campaign/events?limit=1&cursor={body['next_cursor']}"
    assert seen == [e.pk for e in Event.objects.order_by("starts_at", "pk")]
    assert len(seen) == 3


@pytest.mark.parametrize("query", [
    "region=mars", "event_type=party", "format=paper", "status=secret", "cursor=not-a-cursor", "cursor=%E2%9C%93",
    "cursor=MjAyNi0wMy0wM3w5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "limit=0", "limit=101", "date_from=2026-13-01", "date_from=0.0", "date_to=1772000000",
    f"coalition={2**63}",
])
def test_bad_event_filters_are_422(client: Client, world: dict[str, Any], query: str) -> None:
    response = client.get(f"/api/v1/campaign/events?{query}", HTTP_ACCEPT="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_bad_coalition_filters_are_422(client: Client, campaign: dict[str, Any]) -> None:  # noqa: F811
    for query in ("level=galactic", "region=mars", "cursor=abc", "parent=0"):
        response = client.get(f"/api/v1/campaign/coalitions?{query}", HTTP_ACCEPT="application/json")
        assert response.status_code == 422, query


def test_held_event_with_report_and_coverage(client: Client, world: dict[str, Any]) -> None:
    a1 = world["a1"]
    body = get(client, f"/api/v1/campaign/events/{a1.pk}")
    assert body["status"] == "held" and body["attendance"] == 230
    assert body["coalition"] == {"id": world["atyrau"].pk, "level": "regional", "name_kk": "Атырау өңірлік коалициясы",
                                 "name_ru": "", "name_en": ""}
    assert body["url"].endswith(f"/events/{a1.pk}/")
    report = body["report"]
    assert report["attendance"] == 230
    assert report["audiences"] == ["workers", "youth"] and report["themes"] == ["labour"]
    assert report["media_links"] == ["https://news.example.kz/a/1"]
    public, hidden = world["collected"]
    assert report["proposals"] == [public.proposal.receipt_code]
    assert hidden.proposal.is_hidden
    assert report["questions"][0] == "Жалақы туралы?" and len(report["questions"]) == 2
    assert "Кездесу өтті." in report["summary"]
    assert [n["id"] for n in body["news"]] == [world["confirmed"].pk]
    assert body["news"][0]["title"] == "Құлсарыда мұнайшылармен кездесу"
    assert body["news"][0]["url"].endswith(f"/{world['confirmed'].pk}/")
    listed = get(client, "/api/v1/campaign/events?status=held")["results"][0]
    assert listed["attendance"] == 230 and "report" not in listed and "news" not in listed


def test_report_of_an_event_not_held_is_not_published(client: Client, world: dict[str, Any]) -> None:
    body = get(client, f"/api/v1/campaign/events/{world['a2'].pk}")
    assert body["status"] == "planned" and body["report"] is None and body["attendance"] is None
    assert body["news"] == []


def test_unknown_event_is_404(client: Client, world: dict[str, Any]) -> None:
    response = client.get("/api/v1/campaign/events/987654", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/api/v1/campaign/events/0").status_code == 422
    assert client.get("/api/v1/campaign/events/x").status_code == 422


def test_error_messages_follow_accept_language(client: Client, world: dict[str, Any]) -> None:
    kk = client.get("/api/v1/campaign/events/987654", HTTP_ACCEPT_LANGUAGE="kk").json()["detail"]
    ru = client.get("/api/v1/campaign/events/987654", HTTP_ACCEPT_LANGUAGE="ru").json()["detail"]
    en = client.get("/api/v1/campaign/events/987654", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert en == "No such event."
    assert len({kk, ru, en}) == 3


def all_public_answers(client: Client, world: dict[str, Any], **extra: Any) -> list[str]:
    """Every campaign and news endpoint, for every object there is."""
    urls = [
        "/api/v1/campaign/coalitions", "/api/v1/campaign/events", "/api/v1/news", "/api/v1/news?limit=1",
        *(f"/api/v1/campaign/events/{pk}" for pk in Event.objects.values_list("pk", flat=True)),
        *(f"/api/v1/news/{world[k].pk}" for k in ("confirmed", "suggested", "dismissed")),
        *(f"/api/v1/campaign/events?status={s}" for s in ("planned", "held", "cancelled")),
    ]
    answers = []
    for url in urls:
        response = client.get(url, **extra)
        assert response.status_code == 200, url
        answers.append(response.content.decode())
    return answers


@pytest.mark.parametrize("who", [None, "citizen", "coordinator", "analyst", "admin"])
def test_nothing_private_in_any_answer(client: Client, world: dict[str, Any], users: dict[str, Any],
                                       token_for: Any, who: str | None) -> None:
    """Whoever asks (anonymous or with a token of any role), the public API answers the same public fields."""
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token_for(users[who])}"} if who else {}
    answers = all_public_answers(client, world, **extra)
    text = "\n".join(json.dumps(json.loads(a), ensure_ascii=False) for a in answers)
    for name, secret in SECRETS.items():
        assert secret not in text, name
    hidden = world["collected"][1].proposal
    assert hidden.receipt_code not in text
    for user in users.values():
        assert f'"{user.username}"' not in text
        if user.email:
            assert user.email not in text
    for private_key in ("volunteers", "assignments", "memberships", "import_key", "created_by", "reported_by",
                        "linked_by", "plan", "score", "reasons", "author_name", "phone", "email"):
        assert f'"{private_key}"' not in text, private_key
    event = json.loads(client.get(f"/api/v1/campaign/events/{world['a1'].pk}", **extra).content)
    assert [n["id"] for n in event["news"]] == [world["confirmed"].pk]
    for key in ("suggested", "dismissed"):
        article = json.loads(client.get(f"/api/v1/news/{world[key].pk}", **extra).content)
        assert article["events"] == []
    # personal data in coordinators' free text is masked, the rest of the text stays
    assert "Тіркелу:" in event["description"]
    assert "Байланыс:" in event["report"]["summary"]


def test_answers_are_the_same_for_anonymous_and_for_an_admin_token(
    client: Client, world: dict[str, Any], users: dict[str, Any], token_for: Any,
) -> None:
    anonymous = all_public_answers(client, world)
    admin = all_public_answers(client, world, HTTP_AUTHORIZATION=f"Bearer {token_for(users['admin'])}")
    assert anonymous == admin


def test_writes_are_not_allowed(client: Client, world: dict[str, Any]) -> None:
    for url in ("/api/v1/campaign/coalitions", "/api/v1/campaign/events", f"/api/v1/campaign/events/{world['a1'].pk}"):
        assert client.post(url, "{}", content_type="application/json").status_code == 405
        assert client.delete(url).status_code == 405

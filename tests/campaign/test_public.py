"""Public side: upcoming events near me, the event page, iCalendar export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kenes.campaign.ical import unfold_and_parse
from kenes.campaign.models import Event

pytestmark = pytest.mark.django_db


def test_upcoming_near_me_defaults_to_the_users_region(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    Event.objects.create(coalition=campaign["atyrau"], title="Өткен кездесу", region="atyrau",
                         starts_at=timezone.now() - timedelta(days=1))
    Event.objects.create(coalition=campaign["atyrau"], title="Болмайтын кездесу", region="atyrau",
                         starts_at=timezone.now() + timedelta(days=1), status="cancelled")
    client.force_login(users["citizen"])  # lives in Atyrau
    page = client.get(reverse("campaign:events"))
    titles = [e.title for e in page.context["page"]]
    assert titles == ["Мұнайшылармен кездесу", "Жастармен дөңгелек үстел"]
    by_district = client.get(reverse("campaign:events") + "?region=atyrau&district=KZ233600")
    assert [e.title for e in by_district.context["page"]] == ["Мұнайшылармен кездесу"]
    everywhere = client.get(reverse("campaign:events") + "?region=")
    assert len(everywhere.context["page"]) == 3
    other = client.get(reverse("campaign:events") + "?region=kyzylorda&district=KZ233600")  # district of another region
    assert [e.title for e in other.context["page"]] == ["Ардагерлермен кездесу"]
    users["citizen"].district = "Жылыой"
    users["citizen"].save()
    mine = client.get(reverse("campaign:events"))
    assert (mine.context["district"], [e.title for e in mine.context["page"]]) == ("KZ233600", ["Мұнайшылармен кездесу"])
    hostile = client.get(reverse("campaign:events") + "?region=<script>&district=' OR 1=1")
    assert hostile.status_code == 200 and len(hostile.context["page"]) == 3


def test_htmx_filter_renders_the_results_partial(client: Any, campaign: dict[str, Any]) -> None:
    response = client.get(reverse("campaign:events") + "?region=kyzylorda", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and 'id="results"' in page and "Ардагерлермен кездесу" in page


def test_event_page_escapes_text(client: Any, campaign: dict[str, Any]) -> None:
    event = campaign["a1"]
    Event.objects.filter(pk=event.pk).update(title="<script>alert(1)</script>", place="<b>x</b>",
                                             online_url="https://meet.example.kz/?a=1&b=<2>")
    page = client.get(reverse("campaign:event", args=[event.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "<b>x</b>" not in page
    assert reverse("campaign:event_report", args=[event.pk]) not in page  # anonymous: no coordinator actions


def test_ics_export_parses_back(client: Any, campaign: dict[str, Any]) -> None:
    event = campaign["a1"]
    Event.objects.filter(pk=event.pk).update(title="Кездесу; «Жаңа Конституция», 2-бөлім")
    response = client.get(reverse("campaign:event_ics", args=[event.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [parsed] = unfold_and_parse(response.content.decode("utf-8"))
    assert parsed["SUMMARY"] == "Кездесу; «Жаңа Конституция», 2-бөлім"
    assert parsed["LOCATION"].startswith("Құлсары")
    assert parsed["URL"].endswith(f"/campaign/events/{event.pk}/")
    feed = client.get(reverse("campaign:events_ics") + "?region=atyrau").content.decode("utf-8")
    assert [e["SUMMARY"] for e in unfold_and_parse(feed)] == ["Кездесу; «Жаңа Конституция», 2-бөлім",
                                                             "Жастармен дөңгелек үстел"]


def test_cancelled_event_page_says_so(client: Any, campaign: dict[str, Any]) -> None:
    event = campaign["k1"]
    event.status = "cancelled"
    event.save()
    response = client.get(reverse("campaign:event", args=[event.pk]))
    assert response.status_code == 200 and 'data-testid="event-status"' in response.content.decode()
    [parsed] = unfold_and_parse(client.get(reverse("campaign:event_ics", args=[event.pk])).content.decode())
    assert parsed["STATUS"] == "CANCELLED"


def test_personal_data_in_an_event_is_masked_for_the_public(client: Any, users: dict[str, Any],
                                                             campaign: dict[str, Any]) -> None:
    event = campaign["a1"]
    Event.objects.filter(pk=event.pk).update(
        organisers="Айгүл, тел. +7 701 234 56 78", description="Тіркелу: aigul.organiser@example.kz, +7 701 234 56 78"
    )
    for path in (reverse("campaign:event", args=[event.pk]), reverse("campaign:event_ics", args=[event.pk]),
                 reverse("campaign:events_ics") + "?region=atyrau"):
        text = client.get(path).content.decode("utf-8")
        assert "aigul.organiser@example.kz" not in text and "234 56 78" not in text, path
        assert "Тіркелу" in text.replace("\r\n ", ""), path
    client.force_login(users["moderator"])  # staff who may see personal data see the originals
    page = client.get(reverse("campaign:event", args=[event.pk])).content.decode()
    assert "aigul.organiser@example.kz" in page

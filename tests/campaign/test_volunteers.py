"""Volunteers: added by region, assigned to events of their region, hours logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kenes.campaign.models import Assignment, ChangeRecord, Volunteer

pytestmark = pytest.mark.django_db


def test_coordinator_adds_assigns_and_logs_hours(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator"])
    response = client.post(reverse("campaign:volunteers"), {
        "full_name": "Айгүл Сәрсенова", "phone": "+7 701 000 00 00", "district": "KZ233600", "skills": "жүргізуші",
        "languages": ["kk", "ru"], "availability": "weekends",
    })
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert (volunteer.region, volunteer.district, volunteer.languages) == ("atyrau", "KZ233600", ["kk", "ru"])
    assert volunteer.coalition == campaign["atyrau"]
    event = campaign["a1"]
    url = reverse("campaign:event_volunteers", args=[event.pk])
    assert client.post(url, {"volunteer": volunteer.pk, "task": "тіркеу"}).status_code == 302
    assignment = Assignment.objects.get()
    assert client.post(url, {"assignment": assignment.pk, "hours": "4.5"}).status_code == 302
    assignment.refresh_from_db()
    assert str(assignment.hours) == "4.5"
    for bad in ("-1", "25", "many"):
        client.post(url, {"assignment": assignment.pk, "hours": bad})
        assignment.refresh_from_db()
        assert str(assignment.hours) == "4.5"
    listing = client.get(reverse("campaign:volunteers"))
    row = listing.context["page"][0]
    assert (row.event_count, str(row.hours)) == (1, "4.5")
    assert ChangeRecord.objects.filter(action="log_hours", user=users["coordinator"]).count() == 1


def test_volunteers_stay_in_their_region(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    kyzylorda_volunteer = Volunteer.objects.create(full_name="Қызылордалық ерікті", region="kyzylorda")
    atyrau_volunteer = Volunteer.objects.create(full_name="Атыраулық ерікті", region="atyrau")
    client.force_login(users["coordinator"])
    url = reverse("campaign:event_volunteers", args=[campaign["a1"].pk])
    client.post(url, {"volunteer": kyzylorda_volunteer.pk})
    assert not Assignment.objects.exists()
    page = client.get(reverse("campaign:volunteers") + "?region=kyzylorda").content.decode()
    assert "Қызылордалық ерікті" not in page and "Атыраулық ерікті" in page
    client.force_login(users["coordinator_other"])
    assert client.post(url, {"volunteer": atyrau_volunteer.pk}).status_code == 403
    response = client.post(reverse("campaign:volunteers") + "?region=atyrau", {"full_name": "x", "availability": "any"})
    assert Volunteer.objects.filter(full_name="x", region="atyrau").count() == 0
    assert response.status_code in (302, 403)
    other_assignment = Assignment.objects.create(volunteer=atyrau_volunteer, event=campaign["a1"])
    client.force_login(users["coordinator"])
    k_url = reverse("campaign:event_volunteers", args=[campaign["k1"].pk])
    assert client.post(k_url, {"assignment": other_assignment.pk, "hours": "3"}).status_code == 403


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("citizen", 403), ("analyst", 403), ("commission", 200)])
def test_who_sees_the_volunteer_list(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str, status: int) -> None:
    Volunteer.objects.create(full_name="Атыраулық ерікті", region="atyrau", phone="+7 701 111 22 33")
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(reverse("campaign:volunteers") + "?region=atyrau")
    assert response.status_code == status
    if status == 200:
        assert "Атыраулық ерікті" in response.content.decode()
        assert client.post(reverse("campaign:volunteers") + "?region=atyrau",
                           {"full_name": "y", "availability": "any"}).status_code == 403

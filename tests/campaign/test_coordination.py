"""Coordinators' forms: events (create, edit, bad input), plan upload in the browser form,
targets, members and territorial coalitions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kenes.campaign.models import ChangeRecord, Coalition, Event, Membership, Organisation, PlanTarget

pytestmark = pytest.mark.django_db

GOOD_EVENT = {"title": "Педагогтермен кездесу", "event_type": "meeting", "format": "offline",
              "starts_at": "2026-04-02T15:00", "ends_at": "2026-04-02T17:00", "district": "KZ234000",
              "place": "Индер, мектеп", "audiences": ["teachers"], "themes": ["education_science_youth"],
              "expected_attendance": "80"}


def test_create_event(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator"])
    response = client.post(reverse("campaign:event_create", args=[campaign["zhylyoi"].pk]), GOOD_EVENT)
    assert response.status_code == 302
    event = Event.objects.get(title="Педагогтермен кездесу")
    assert (event.region, event.district, event.audiences, event.coalition) == (
        "atyrau", "KZ234000", ["teachers"], campaign["zhylyoi"])
    assert ChangeRecord.objects.filter(action="create", object_type="Event", object_id=event.pk).exists()


@pytest.mark.parametrize("change, field", [
    ({"format": "online"}, "online_url"),
    ({"format": "hybrid", "online_url": "javascript:alert(1)"}, "online_url"),
    ({"online_url": "ftp://files.example.kz/x"}, "online_url"),
    ({"ends_at": "2026-04-02T14:00"}, "ends_at"),
    ({"district": "KZ433200"}, "district"),  # a district of Kyzylorda
    ({"title": "Ұ" * 301}, "title"),
    ({"title": ""}, "title"),
    ({"starts_at": "tomorrow"}, "starts_at"),
    ({"event_type": "party"}, "event_type"),
    ({"audiences": ["aliens"]}, "audiences"),
    ({"expected_attendance": "-5"}, "expected_attendance"),
])
def test_bad_event_input_is_refused(client: Any, users: dict[str, Any], campaign: dict[str, Any], change: dict[str, Any],
                                    field: str) -> None:
    client.force_login(users["coordinator"])
    response = client.post(reverse("campaign:event_create", args=[campaign["atyrau"].pk]), {**GOOD_EVENT, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Event.objects.filter(title__startswith="Педагогтермен").exists()


def test_upload_plan_in_the_browser_form(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator"])
    url = reverse("campaign:plan_import", args=[campaign["atyrau"].pk])
    content = ("date;type;title;district\n2026-04-01;встреча;Встреча с жителями;Махамбетский\n"
               "2026-04-02;встреча;Ошибка;<b>Аральский</b>\n").encode("cp1251")
    response = client.post(url, {"plan_title": "Сәуір жоспары", "starts_on": "2026-04-01", "ends_on": "2026-04-30",
                                 "file": SimpleUploadedFile("plan.csv", content, "text/csv")})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.created == 1 and [e.line for e in result.errors] == [3]
    page = response.content.decode()
    assert "<b>Аральский</b>" not in page and "&lt;b&gt;Аральский&lt;/b&gt;" in page
    plan = campaign["atyrau"].plans.get(title="Сәуір жоспары")
    assert str(plan.starts_on) == "2026-04-01"
    client.post(url, {"plan_title": "Мамыр", "file": SimpleUploadedFile(
        "p.csv", b"date,type,title\n2026-05-03,meeting,a\n2026-05-20,meeting,b\n")})
    may = campaign["atyrau"].plans.get(title="Мамыр")
    assert (str(may.starts_on), str(may.ends_on)) == ("2026-05-03", "2026-05-20")
    broken = client.post(url, {"plan_title": "x", "file": SimpleUploadedFile("p.xlsx", b"PK\x03\x04junk")})
    assert broken.context["file_error"] and broken.context["result"] is None
    empty = client.post(url, {"plan_title": "x", "file": SimpleUploadedFile("p.csv", b"")})
    assert empty.status_code == 200 and "file" in empty.context["form"].errors
    backwards = client.post(url, {"plan_title": "x", "starts_on": "2026-05-01", "ends_on": "2026-04-01",
                                  "file": SimpleUploadedFile("p.csv", content)})
    assert "ends_on" in backwards.context["form"].errors


def test_targets(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    plan = campaign["plan"]
    url = reverse("campaign:plan", args=[plan.pk])
    client.force_login(users["coordinator"])
    assert client.post(url, {"event_type": "round_table", "audience": "youth", "count": "12"}).status_code == 302
    assert client.post(url, {"event_type": "meeting", "audience": "", "count": "0"}).status_code == 302
    assert list(PlanTarget.objects.filter(plan=plan).values_list("event_type", "audience", "count")) == [
        ("round_table", "youth", 12)]
    assert client.post(url, {"event_type": "round_table", "count": "-1"}).status_code == 200
    client.force_login(users["commission"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"event_type": "visit", "count": "3"}).status_code == 403


def test_members_and_territorial_coalitions(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    atyrau = campaign["atyrau"]
    url = reverse("campaign:coalition", args=[atyrau.pk])
    local = Organisation.objects.create(name="«Болашақ» жастар қозғалысы", kind="ngo", region="atyrau")
    foreign = Organisation.objects.create(name="Қызылорда ҮЕҰ", kind="ngo", region="kyzylorda")
    client.force_login(users["coordinator"])
    assert client.post(url, {"form": "member", "organisation": local.pk, "role": "member"}).status_code == 302
    assert client.post(url, {"form": "member", "organisation": local.pk, "role": "member"}).status_code == 302
    assert client.post(url, {"form": "member", "person_name": "Сәрсенова Айгүл", "role": "chair"}).status_code == 302
    assert client.post(url, {"form": "member", "organisation": foreign.pk, "role": "member"}).status_code == 200
    assert client.post(url, {"form": "member", "role": "member"}).status_code == 200
    assert client.post(url, {"form": "member", "new_organisation": "Жаңа ұйым", "role": "member"}).status_code == 200
    assert client.post(url, {"form": "nonsense"}).status_code == 400
    assert {str(m) for m in Membership.objects.filter(coalition=atyrau)} == {"Сәрсенова Айгүл", "«Болашақ» жастар қозғалысы"}
    response = client.post(url, {"form": "territorial", "name_kk": "Индер аумақтық коалициясы", "district": "KZ234000"})
    child = Coalition.objects.get(name_kk="Индер аумақтық коалициясы")
    assert response.status_code == 302 and (child.parent, child.level, child.region) == (atyrau, "territorial", "atyrau")
    client.post(url, {"form": "territorial", "name_kk": "Арал", "district": "KZ433200"})
    assert not Coalition.objects.filter(name_kk="Арал").exists()

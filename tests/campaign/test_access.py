"""Who may see and change what: every campaign view against Atyrau's data, for every role.

A coordinator of Atyrau, the national coordinator and an admin may change Atyrau's campaign;
commission members read it; a coordinator of Kyzylorda, citizens and analysts get 403 (the
anonymous are sent to log in). The public pages are open to everyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "analyst", "coordinator", "coordinator_other", "coordinator_national", "commission", "admin"]
CAN_VIEW = {"coordinator", "coordinator_national", "commission", "admin"}
CAN_CHANGE = {"coordinator", "coordinator_national", "admin"}


def client_for(client: Any, users: dict[str, Any], role: str) -> Any:
    if role != "anonymous":
        client.force_login(users[role])
    return client


def expected(role: str, allowed: set[str], ok: int = 200) -> int:
    if role in allowed:
        return ok
    return 302 if role == "anonymous" else 403


VIEW_URLS = {
    "coalition": lambda c: reverse("campaign:coalition", args=[c["atyrau"].pk]),
    "territorial": lambda c: reverse("campaign:coalition", args=[c["zhylyoi"].pk]),
    "plan": lambda c: reverse("campaign:plan", args=[c["plan"].pk]),
    "dashboard_region": lambda c: reverse("campaign:dashboard") + "?region=atyrau",
    "dashboard_coalition": lambda c: reverse("campaign:dashboard") + f"?coalition={c['atyrau'].pk}",
    "export_csv": lambda c: reverse("campaign:dashboard_csv") + "?region=atyrau",
    "export_xlsx": lambda c: reverse("campaign:dashboard_xlsx") + f"?coalition={c['atyrau'].pk}",
}
CHANGE_URLS = {
    "plan_import": lambda c: reverse("campaign:plan_import", args=[c["atyrau"].pk]),
    "event_create": lambda c: reverse("campaign:event_create", args=[c["atyrau"].pk]),
    "event_edit": lambda c: reverse("campaign:event_edit", args=[c["a1"].pk]),
    "event_report": lambda c: reverse("campaign:event_report", args=[c["a1"].pk]),
}
PUBLIC_URLS = {
    "events": lambda c: reverse("campaign:events"),
    "events_region": lambda c: reverse("campaign:events") + "?region=atyrau&district=KZ233600",
    "event": lambda c: reverse("campaign:event", args=[c["a1"].pk]),
    "event_ics": lambda c: reverse("campaign:event_ics", args=[c["a1"].pk]),
    "events_ics": lambda c: reverse("campaign:events_ics") + "?region=atyrau",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(VIEW_URLS))
def test_reading_atyrau(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str, name: str) -> None:
    response = client_for(client, users, role).get(VIEW_URLS[name](campaign))
    assert response.status_code == expected(role, CAN_VIEW), (role, name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CHANGE_URLS))
def test_change_pages_of_atyrau(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str, name: str) -> None:
    response = client_for(client, users, role).get(CHANGE_URLS[name](campaign))
    assert response.status_code == expected(role, CAN_CHANGE), (role, name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PUBLIC_URLS))
def test_public_pages(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str, name: str) -> None:
    assert client_for(client, users, role).get(PUBLIC_URLS[name](campaign)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_cancelling_an_atyrau_event(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str) -> None:
    event = campaign["a1"]
    response = client_for(client, users, role).post(reverse("campaign:event_cancel", args=[event.pk]))
    event.refresh_from_db()
    if role in CAN_CHANGE:
        assert response.status_code == 302 and event.status == "cancelled"
    else:
        assert response.status_code == expected(role, set()) and event.status == "planned"


@pytest.mark.parametrize("role", ROLES)
def test_editing_an_atyrau_event(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str) -> None:
    event = campaign["a1"]
    data = {"title": "Өзгертілген", "event_type": "meeting", "format": "offline", "starts_at": "2026-05-01T10:00",
            "district": "KZ233600", "expected_attendance": "10"}
    response = client_for(client, users, role).post(reverse("campaign:event_edit", args=[event.pk]), data)
    event.refresh_from_db()
    if role in CAN_CHANGE:
        assert response.status_code == 302 and event.title == "Өзгертілген"
    else:
        assert response.status_code == expected(role, set()) and event.title == "Мұнайшылармен кездесу"


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_member_to_atyrau(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str) -> None:
    coalition = campaign["atyrau"]
    response = client_for(client, users, role).post(
        reverse("campaign:coalition", args=[coalition.pk]),
        {"form": "member", "new_organisation": "«Аманат» партиясының Атырау облыстық филиалы", "kind": "party_branch",
         "role": "member"},
    )
    count = coalition.memberships.count()
    if role in CAN_CHANGE:
        assert response.status_code == 302 and count == 1
    else:
        assert response.status_code == expected(role, set())
        assert count == 0


def test_lists_show_only_the_users_region(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator_other"])
    page = client.get(reverse("campaign:coalitions")).content.decode()
    assert "Қызылорда өңірлік коалициясы" in page
    assert "Атырау өңірлік коалициясы" not in page and "Жалпыұлттық коалиция" not in page
    client.force_login(users["coordinator_national"])
    page = client.get(reverse("campaign:coalitions")).content.decode()
    assert "Қызылорда өңірлік коалициясы" in page and "Атырау өңірлік коалициясы" in page


def test_regional_dashboard_defaults_to_own_region(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator_other"])
    response = client.get(reverse("campaign:dashboard"))
    assert response.status_code == 200
    assert response.context["region"] == "kyzylorda"
    assert response.context["board"].totals.scheduled == 1
    assert client.get(reverse("campaign:dashboard") + f"?coalition={campaign['national'].pk}").status_code == 403
    assert client.get(reverse("campaign:dashboard") + "?coalition=abc").status_code == 403


def test_unknown_objects_are_404(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["admin"])
    assert client.get(reverse("campaign:coalition", args=[999999])).status_code == 404
    assert client.get(reverse("campaign:event", args=[999999])).status_code == 404
    assert client.get(reverse("campaign:event_report", args=[999999])).status_code == 404


def test_national_coalition_is_changed_only_nationally(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    url = reverse("campaign:event_create", args=[campaign["national"].pk])
    client.force_login(users["coordinator"])
    assert client.get(url).status_code == 403
    client.force_login(users["coordinator_national"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Коалиция сапары", "event_type": "visit", "format": "offline",
                                 "starts_at": "2026-03-03T11:00", "region": "atyrau", "district": "KZ231000",
                                 "expected_attendance": "300"})
    assert response.status_code == 302
    event = campaign["national"].events.get()
    assert (event.region, event.district) == ("atyrau", "KZ231000")
    # The Atyrau coordinator sees it in their region but cannot change the national coalition's event.
    client.force_login(users["coordinator"])
    assert client.get(reverse("campaign:event_edit", args=[event.pk])).status_code == 403
    assert client.get(reverse("campaign:dashboard") + "?region=atyrau").context["board"].totals.scheduled == 3


@pytest.mark.parametrize("role", ROLES)
def test_assigning_a_volunteer_in_atyrau(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str) -> None:
    from kenes.campaign.models import Assignment, Volunteer

    volunteer = Volunteer.objects.create(full_name="Атыраулық ерікті", region="atyrau")
    response = client_for(client, users, role).post(reverse("campaign:event_volunteers", args=[campaign["a1"].pk]),
                                                    {"volunteer": volunteer.pk, "task": "тіркеу"})
    if role in CAN_CHANGE:
        assert response.status_code == 302 and Assignment.objects.count() == 1
    else:
        assert response.status_code == expected(role, set()) and Assignment.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_importing_into_atyrau(client: Any, users: dict[str, Any], campaign: dict[str, Any], role: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kenes.campaign.models import Event

    before = Event.objects.count()
    response = client_for(client, users, role).post(
        reverse("campaign:plan_import", args=[campaign["atyrau"].pk]),
        {"plan_title": "Жоспар", "file": SimpleUploadedFile("p.csv", "date,type,title\n2026-04-01,meeting,Кездесу\n".encode())},
    )
    if role in CAN_CHANGE:
        assert response.status_code == 200 and Event.objects.count() == before + 1
    else:
        assert response.status_code == expected(role, set()) and Event.objects.count() == before

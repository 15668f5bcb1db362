from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kenes.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_register_creates_a_citizen_and_logs_in(client: Client) -> None:
    response = client.post(
        "/accounts/register/",
        {
            "username": "aigerim",
            "email": "a@example.kz",
            "region": "atyrau",
            "password1": "Qazaq-Eli-2026!",
            "password2": "Qazaq-Eli-2026!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="aigerim")
    assert user.role == Role.CITIZEN
    assert user.region == "atyrau"
    assert client.get("/accounts/profile/").status_code == 200


def test_register_cannot_choose_a_role(client: Client) -> None:
    client.post(
        "/accounts/register/",
        {
            "username": "sneaky",
            "region": "almaty",
            "role": "admin",
            "password1": "Qazaq-Eli-2026!",
            "password2": "Qazaq-Eli-2026!",
        },
    )
    assert User.objects.get(username="sneaky").role == Role.CITIZEN


@pytest.mark.parametrize(
    "data, field",
    [
        (
            {"username": "x", "region": "atlantis", "password1": "Qazaq-Eli-2026!", "password2": "Qazaq-Eli-2026!"},
            "region",
        ),
        (
            {"username": "y", "region": "almaty", "password1": "Qazaq-Eli-2026!", "password2": "other-Pass-2026"},
            "password2",
        ),
        (
            {
                "username": "<script>",
                "region": "almaty",
                "password1": "Qazaq-Eli-2026!",
                "password2": "Qazaq-Eli-2026!",
            },
            "username",
        ),
        (
            {"username": "z" * 500, "region": "almaty", "password1": "Qazaq-Eli-2026!", "password2": "Qazaq-Eli-2026!"},
            "username",
        ),
    ],
)
def test_register_rejects_bad_input(client: Client, data: dict[str, str], field: str) -> None:
    response = client.post("/accounts/register/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(username=data["username"]).exists()
    assert b"<script>" not in response.content.replace(b"<script src=", b"")


def test_register_ignores_an_offsite_next(client: Client) -> None:
    response = client.post(
        "/accounts/register/",
        {
            "username": "bolat",
            "region": "almaty",
            "password1": "Qazaq-Eli-2026!",
            "password2": "Qazaq-Eli-2026!",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_login_and_logout(client: Client, users: dict[str, Any]) -> None:
    response = client.post("/accounts/login/", {"username": "citizen1", "password": "pw-kenes-123"})
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/profile/").status_code == 302


def test_login_with_a_wrong_password_fails(client: Client, users: dict[str, Any]) -> None:
    response = client.post("/accounts/login/", {"username": "citizen1", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["citizen", "moderator", "analyst", "coordinator", "admin"])
def test_profile_is_for_the_logged_in_user_only(client: Client, users: dict[str, Any], role: str) -> None:
    assert client.get("/accounts/profile/").status_code == 302  # anonymous: to the login page
    client.force_login(users[role])
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert users[role].username in response.content.decode()


def test_logged_in_user_is_sent_away_from_register(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["citizen"])
    assert client.get("/accounts/register/").status_code == 302


def test_coordinator_scope(users: dict[str, Any]) -> None:
    assert users["coordinator"].covers_region("atyrau")
    assert not users["coordinator"].covers_region("kyzylorda")
    assert users["coordinator_national"].covers_region("kyzylorda")
    assert users["admin"].covers_region("kyzylorda")
    assert users["analyst"].can_see_personal_data and users["moderator"].can_see_personal_data
    assert not users["citizen"].can_see_personal_data and not users["coordinator"].can_see_personal_data

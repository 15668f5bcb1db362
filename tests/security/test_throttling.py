"""Login throttling: attempts counted per IP and per attempted username (KENES_LOGIN_RATE); a
POST over the limit gets 429 before the password is even checked."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits_on(settings: Any) -> Any:
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_LOGIN_RATE = "3/h"
    cache.clear()
    yield
    cache.clear()


def attempt(client: Client, username: str, password: str, ip: str) -> int:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    ).status_code


def test_guessing_one_password_from_one_address_is_stopped(users: dict[str, Any]) -> None:
    client = Client()
    assert [attempt(client, "citizen1", f"guess{n}", "198.51.100.1") for n in range(3)] == [200, 200, 200]
    # Over the limit: refused even with the right password, and the session stays anonymous.
    response = client.post(
        reverse("accounts:login"), {"username": "citizen1", "password": "pw-kenes-123"}, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_many_addresses_against_one_account_are_stopped(users: dict[str, Any]) -> None:
    client = Client()
    statuses = [attempt(client, "Citizen1", "wrong", f"203.0.113.{n}") for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]  # the username counts, whatever its case


def test_one_address_against_many_accounts_is_stopped(users: dict[str, Any]) -> None:
    client = Client()
    statuses = [attempt(client, name, "wrong", "192.0.2.50") for name in ("a1", "a2", "a3", "a4", "citizen1")]
    assert statuses == [200, 200, 200, 429, 429]


def test_others_still_log_in_and_the_form_is_never_limited(users: dict[str, Any]) -> None:
    client = Client()
    for n in range(4):
        attempt(client, "citizen1", "wrong", f"198.51.100.{n}")
    other = Client()
    response = other.post(
        reverse("accounts:login"), {"username": "citizen2", "password": "pw-kenes-123"}, REMOTE_ADDR="198.51.100.200"
    )
    assert response.status_code == 302
    assert other.get(reverse("accounts:profile")).status_code == 200
    for _ in range(10):
        assert client.get(reverse("accounts:login"), REMOTE_ADDR="198.51.100.1").status_code == 200


def test_hostile_usernames_are_counted_not_fatal(users: dict[str, Any]) -> None:
    client = Client()
    for username in ("x" * 100_000, "<script>alert(1)</script>", "\u202eadmin", "a\x00b", ""):
        assert attempt(client, username, "pw", "192.0.2.99") in (200, 429)


def test_limit_off_means_no_429(users: dict[str, Any], settings: Any) -> None:
    settings.KENES_RATELIMIT_ENABLED = False
    client = Client()
    assert {attempt(client, "citizen1", "wrong", "192.0.2.7") for _ in range(10)} == {200}

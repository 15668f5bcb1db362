"""The session store (kenes.accounts.sessions): Django's database sessions read with one plain
query, answering exactly as Django's own store does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kenes.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_is_the_configured_engine() -> None:
    assert settings.SESSION_ENGINE == "kenes.accounts.sessions"


def stored(data: dict[str, Any], expires_in: timedelta) -> str:
    store = DjangoStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return str(store.session_key)


@pytest.mark.parametrize("key", [
    "live",
    "expired",
    "unknown0123456789abcdefghijklmn",
    "' OR '1'='1",
    "x" * 5000,
    "ключ-сессии",
    "",
])
def test_reads_as_django_reads(key: str) -> None:
    keys = {"live": stored({"a": 1, "name": "Айгүл"}, timedelta(hours=1)),
            "expired": stored({"a": 2}, timedelta(seconds=-1))}
    key = keys.get(key, key)
    ours, theirs = SessionStore(key), DjangoStore(key)
    assert ours.load() == theirs.load()
    assert ours.session_key == theirs.session_key  # an unusable key is dropped by both


def test_live_session_data_and_dropped_expired_key() -> None:
    live = stored({"kind": "live"}, timedelta(hours=1))
    assert SessionStore(live)["kind"] == "live"
    expired = stored({"kind": "old"}, timedelta(seconds=-5))
    store = SessionStore(expired)
    assert store.load() == {} and store.session_key is None
    store["kind"] = "new"
    store.save()
    assert store.session_key != expired and SessionStore(store.session_key)["kind"] == "new"


def test_sign_in_read_and_sign_out_through_the_site(client: Any, users: dict[str, Any]) -> None:
    user = users["citizen"]
    user.set_password("a-long-test-password-1")
    user.save()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "a-long-test-password-1"})
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert f">{user.username}<" in client.get(reverse("proposals:list")).content.decode()
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    assert f">{user.username}<" not in client.get(reverse("proposals:list")).content.decode()


# ---------------------------------------------------------------- the signed-in user's backend


def test_backend_is_configured_and_loads_the_same_user(users: dict[str, Any]) -> None:
    from django.contrib.auth.backends import ModelBackend as DjangoBackend

    from kenes.accounts.backends import ModelBackend

    assert settings.AUTHENTICATION_BACKENDS == ["kenes.accounts.backends.ModelBackend"]
    ours, theirs = ModelBackend(), DjangoBackend()
    for user in users.values():
        mine, django = ours.get_user(str(user.pk)), theirs.get_user(user.pk)
        assert mine is not None and django is not None and mine.pk == django.pk == user.pk
        fields = [field.attname for field in type(user)._meta.concrete_fields]
        assert {f: getattr(mine, f) for f in fields} == {f: getattr(django, f) for f in fields}
    inactive = users["citizen"]
    inactive.is_active = False
    inactive.save()
    assert ours.get_user(inactive.pk) is None and theirs.get_user(inactive.pk) is None
    assert ours.get_user(10**9) is None and ours.get_user("not-a-number") is None and ours.get_user(None) is None


def test_a_deactivated_account_is_signed_out_on_its_next_request(client: Any, users: dict[str, Any]) -> None:
    user = users["citizen2"]
    client.force_login(user)
    assert f">{user.username}<" in client.get(reverse("proposals:list")).content.decode()
    user.is_active = False
    user.save()
    assert f">{user.username}<" not in client.get(reverse("proposals:list")).content.decode()

"""The session engine (kenes.accounts.sessions): reads the same rows as Django's database engine,
ignores expired and unknown ones, and a logged-out session is gone at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as StockStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kenes.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_engine_is_in_use() -> None:
    assert settings.SESSION_ENGINE == "kenes.accounts.sessions"


def test_reads_what_the_stock_engine_wrote_and_the_other_way_round() -> None:
    stock = StockStore()
    stock["answer"] = 42
    stock.create()
    assert SessionStore(stock.session_key).load() == {"answer": 42}
    ours = SessionStore()
    ours["word"] = "сәлем"
    ours.create()
    assert StockStore(ours.session_key).load() == {"word": "сәлем"}
    assert SessionStore(ours.session_key)["word"] == "сәлем"


def test_expired_and_unknown_sessions_are_empty_and_get_a_new_key() -> None:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("a" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    assert SessionStore("a" * 32).get("x") is None
    tampered = SessionStore()
    tampered.create()
    Session.objects.filter(session_key=tampered.session_key).update(session_data="not-signed")
    assert SessionStore(tampered.session_key).load() == {}


def test_logging_out_ends_the_session_at_once(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["citizen"])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("accounts:profile")).status_code == 200
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = stolen  # replaying the old cookie
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

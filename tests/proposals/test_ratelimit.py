"""kenes.ratelimit: per key, per user and per IP; off when KENES_RATELIMIT_ENABLED is false."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from kenes.ratelimit import check_rate, parse_rate


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_parse_rate(settings: Any) -> None:
    assert parse_rate("10/h") == (10, 3600)
    assert parse_rate("5/m") == (5, 60)
    assert parse_rate("2/15m") == (2, 900)
    settings.KENES_SUBMIT_RATE = "3/d"
    assert parse_rate("KENES_SUBMIT_RATE") == (3, 86400)
    for bad in ("ten/h", "10/x", "10/"):
        with pytest.raises(ValueError):
            parse_rate(bad)


def test_check_rate(settings: Any) -> None:
    settings.KENES_RATELIMIT_ENABLED = True
    assert [check_rate("k1", "3/h") for _ in range(5)] == [True, True, True, False, False]
    assert check_rate("k2", "3/h")  # another key has its own count
    settings.KENES_RATELIMIT_ENABLED = False
    assert all(check_rate("k1", "3/h") for _ in range(10))


@pytest.mark.django_db
def test_submission_limited_per_user(client: Any, users: dict[str, Any], draft: Any, settings: Any) -> None:
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_SUBMIT_RATE = "2/h"
    url = reverse("proposals:submit")
    data = {"kind": "comment", "text": "Менің ұсынысым", "region": "", "article": ""}
    client.force_login(users["citizen"])
    codes = [client.post(url, data, REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(3)]
    assert codes == [302, 302, 429]
    response = client.post(url, data, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode() or response.status_code == 429
    # Another user from yet another address is not affected.
    client.force_login(users["citizen2"])
    assert client.post(url, data, REMOTE_ADDR="10.0.1.1").status_code == 302


@pytest.mark.django_db
def test_submission_limited_per_ip(client: Any, make_user: Any, draft: Any, settings: Any) -> None:
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_SUBMIT_RATE = "2/h"
    url = reverse("proposals:submit")
    data = {"kind": "comment", "text": "Менің ұсынысым", "region": ""}
    statuses = []
    for i in range(3):
        client.force_login(make_user(f"sock{i}"))
        statuses.append(client.post(url, data, REMOTE_ADDR="192.0.2.7").status_code)
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
def test_support_limited(client: Any, users: dict[str, Any], submit: Any, settings: Any) -> None:
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_SUPPORT_RATE = "1/h"
    one, two = submit(), submit("Басқа ұсыныс")
    client.force_login(users["citizen2"])
    assert client.post(reverse("proposals:support", args=[one.receipt_code])).status_code == 302
    assert client.post(reverse("proposals:support", args=[two.receipt_code])).status_code == 429


@pytest.mark.django_db
def test_get_of_form_not_limited(client: Any, users: dict[str, Any], draft: Any, settings: Any) -> None:
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_SUBMIT_RATE = "1/h"
    client.force_login(users["citizen"])
    assert all(client.get(reverse("proposals:submit")).status_code == 200 for _ in range(3))


@pytest.mark.django_db
def test_429_is_translated(client: Any, users: dict[str, Any], draft: Any, settings: Any) -> None:
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_SUBMIT_RATE = "0/h"
    client.force_login(users["citizen"])
    response = client.post("/ru/proposals/new/", {"text": "x", "kind": "comment"})
    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()

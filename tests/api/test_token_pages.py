"""API tokens on the profile page: the owner lists, creates (secret shown once) and revokes; nobody
else sees or revokes them; hostile names are escaped; at most ten active tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kenes.api.models import ApiToken, hash_token
from kenes.api.views import MAX_ACTIVE_TOKENS

pytestmark = pytest.mark.django_db

CREATE = "/api-tokens/"


def revoke_url(token: ApiToken) -> str:
    return f"/api-tokens/{token.pk}/revoke/"


def test_urls() -> None:
    assert reverse("proposals:apitoken_create") == CREATE
    assert reverse("proposals:apitoken_revoke", args=[7]) == "/api-tokens/7/revoke/"


def test_anonymous_is_sent_to_login_and_nothing_changes(client: Any, users: dict[str, Any]) -> None:
    token, _plain = ApiToken.generate(user=users["citizen"])
    for url in (CREATE, revoke_url(token)):
        response = client.post(url, {"name": "x"})
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.is_active


def test_owner_creates_sees_the_secret_once_and_uses_it(client: Any, users: dict[str, Any]) -> None:
    citizen = users["citizen"]
    client.force_login(citizen)
    response = client.post(CREATE, {"name": "  My   script  "})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    plain = response.context["plain"]
    token = ApiToken.objects.get(user=citizen)
    assert token.name == "My script" and token.token_hash == hash_token(plain) and plain.startswith(token.prefix)
    assert plain in response.content.decode()
    # the profile lists it by its prefix, never the secret
    profile = client.get("/accounts/profile/").content.decode()
    assert token.prefix in profile and plain not in profile and "My script" in profile
    assert ApiToken.user_for(plain) == citizen
    api = client.get("/api/v1/proposals?limit=1", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.status_code == 200


def test_get_is_refused(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["citizen"])
    token, _plain = ApiToken.generate(user=users["citizen"])
    assert client.get(CREATE).status_code == 405
    assert client.get(revoke_url(token)).status_code == 405
    assert ApiToken.objects.count() == 1


def test_owner_revokes_and_the_token_stops_working(client: Any, users: dict[str, Any]) -> None:
    token, plain = ApiToken.generate(user=users["citizen"], name="old")
    client.force_login(users["citizen"])
    response = client.post(revoke_url(token), follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert not token.is_active and ApiToken.user_for(plain) is None
    page = response.content.decode()
    assert f"{token.prefix}…" in page and f'data-testid="revoke-token-{token.pk}"' not in page
    assert client.post(revoke_url(token)).status_code == 302  # revoking again changes nothing
    assert client.get("/api/v1/proposals?limit=1", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200  # public
    post = client.post(
        "/api/v1/proposals", {"text": "x"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert post.status_code == 401


@pytest.mark.parametrize("role", ["citizen2", "coordinator_other", "analyst", "moderator", "admin"])
def test_nobody_else_sees_or_revokes(client: Any, users: dict[str, Any], role: str) -> None:
    token, plain = ApiToken.generate(user=users["citizen"], name="Citizen's own")
    client.force_login(users[role])
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.is_active
    profile = client.get("/accounts/profile/").content.decode()
    assert token.prefix not in profile and "Citizen&#x27;s own" not in profile and plain not in profile


def test_unknown_or_bad_token_ids(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["citizen"])
    assert client.post("/api-tokens/999999/revoke/").status_code == 404
    assert client.post("/api-tokens/abc/revoke/").status_code == 404
    assert client.post("/api-tokens/99999999999999999999999/revoke/").status_code == 404


def test_hostile_and_oversized_names(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["citizen"])
    for name in ("<script>alert(1)</script>", "a\x00b\u202ec\n\td", "я" * 10_000, ""):
        assert client.post(CREATE, {"name": name}).status_code == 200
    names = list(ApiToken.objects.order_by("id").values_list("name", flat=True))
    assert names == ["<script>alert(1)</script>", "a b c d", "я" * 100, ""]
    profile = client.get("/accounts/profile/").content.decode()
    assert "<script>alert(1)</script>" not in profile and "&lt;script&gt;alert(1)&lt;/script&gt;" in profile


def test_at_most_ten_active_tokens(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["citizen"])
    for _ in range(MAX_ACTIVE_TOKENS):
        assert client.post(CREATE).status_code == 200
    response = client.post("/en" + CREATE, follow=True)
    assert ApiToken.objects.filter(user=users["citizen"]).count() == MAX_ACTIVE_TOKENS
    assert "You already have 10 active API tokens: revoke one first." in response.content.decode()
    first = ApiToken.objects.filter(user=users["citizen"]).last()
    assert first is not None
    client.post(revoke_url(first))
    assert client.post(CREATE).status_code == 200  # a revoked one frees a place


def test_csrf_is_required(users: dict[str, Any]) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["citizen"])
    token, _plain = ApiToken.generate(user=users["citizen"])
    assert strict.post(CREATE, {"name": "x"}).status_code == 403
    assert strict.post(revoke_url(token)).status_code == 403
    token.refresh_from_db()
    assert token.is_active and ApiToken.objects.count() == 1

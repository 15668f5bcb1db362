"""Fixtures for the API tests: a JSON client, API tokens, and proposals submitted through the action."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def api() -> Client:
    return Client(HTTP_ACCEPT="application/json")


@pytest.fixture
def token_for(db: Any) -> Any:
    from kenes.api.models import ApiToken

    def make(user: Any) -> str:
        return ApiToken.generate(user=user, name="test")[1]

    return make


@pytest.fixture
def submit(draft: Any) -> Any:
    """Submit a proposal on the `draft` fixture through `submit_proposal` (web channel)."""
    from kenes.proposals.actions import submit_proposal

    def make(text: str = "Предлагаю изменить статью.", *, article: int | None = 1, **extra: Any) -> Any:
        options: dict[str, Any] = {"kind": "amend", "region": "atyrau", "channel": "web"}
        options.update(extra)
        target = draft.articles.get(number=article) if article is not None else None
        return submit_proposal(version=draft, article=target, text=text, **options)

    return make

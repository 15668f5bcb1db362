"""Helpers for proposals tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def submit(draft: Any) -> Any:
    """Submit a proposal on the open `draft` version with sensible defaults."""
    from kenes.proposals.actions import submit_proposal

    def make(text: str = "8-бапқа өзгерту енгізу керек: азаматтардың құқықтары қорғалсын.", **extra: Any) -> Any:
        values: dict[str, Any] = {
            "version": draft, "article": draft.articles.order_by("number").first(), "kind": "amend",
            "region": "atyrau", "channel": "web",
        }
        values.update(extra)
        return submit_proposal(text=text, **values)

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The `users` fixture creates ten accounts per test: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

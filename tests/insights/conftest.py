"""Fixtures: a small demo consultation (users, the demo law, proposals with form-letter campaigns)
and an analysis run published over it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def demo(db: Any, users: dict[str, Any]) -> Any:
    from kenes.demo.load import load_demo

    return load_demo(proposals=240, constitution=False, seed=7)


@pytest.fixture
def run(demo: Any, users: dict[str, Any]) -> Any:
    from kenes.insights.actions import start_analysis

    started = start_analysis(user=users["analyst"], kind="full")
    started.refresh_from_db()
    assert started.status == "done", started.error
    return started


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Cached figures of an earlier test (same run ids after a rollback) must not leak into this one."""
    from django.core.cache import cache

    cache.clear()

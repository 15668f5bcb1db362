"""The header's links, reversed once per process and language (kenes.context_processors)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from kenes.context_processors import NAV, nav_urls

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_links_are_the_reversed_urls_of_each_language(client: Any, users: dict[str, Any], language: str) -> None:
    with translation.override(language):
        expected = {name: reverse(view) for name, view in NAV.items()}
    with translation.override(language):
        assert nav_urls(language, "/") == expected
    prefix = "" if language == "kk" else f"/{language}"
    html = client.get(f"{prefix}/proposals/").content.decode()
    for name in ("drafts", "proposals", "receipt_lookup", "events", "news", "referendum", "login", "register"):
        assert f'href="{expected[name]}"' in html, name
    client.force_login(users["citizen"])
    html = client.get(f"{prefix}/proposals/").content.decode()
    assert f'href="{expected["profile"]}"' in html and f'action="{expected["logout"]}"' in html
    if language != "kk":
        assert expected["proposals"].startswith(f"/{language}/")


def test_a_changed_urlconf_is_not_served_from_the_cache(settings: Any) -> None:
    with translation.override("kk"):
        before = nav_urls("kk", "/")
        settings.ROOT_URLCONF = "kenes.urls"  # the same conf, but a change of the setting clears the cache
        assert nav_urls.cache_info().currsize == 0
        assert nav_urls("kk", "/") == before

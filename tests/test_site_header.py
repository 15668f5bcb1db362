"""The page header kept in memory per language, page and kind of user (kenes.context_processors):
what a page shows must be what rendering the header for that very request shows, and nothing of
one request (user name, path, CSRF token) may reach another."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.template.loader import render_to_string
from django.test import Client
from django.urls import resolve
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import get_language_info

from kenes.context_processors import CSRF_SLOT, PATH_SLOT, USERNAME_SLOT, header_html, nav_urls

pytestmark = pytest.mark.django_db

HEADER = re.compile(r"<body .*?</header>", re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGES = [
    "/proposals/",
    "/proposals/?q=жер&page=2",
    "/receipts/",
    "/campaign/",
    "/campaign/dashboard/",
    "/proposals/moderation/",
    "/accounts/profile/",
    "/news/",
    "/referendum/",
    "/",
]


def header_of(html: str) -> str:
    match = HEADER.search(html)
    assert match, "the page has no header"
    return match.group(0)


def rendered_directly(user: Any, path: str, language: str, current_path: str) -> str:
    """The header rendered by the template engine for this request, without the kept copy."""
    prefix = "" if language == "kk" else f"/{language}"
    match = resolve(prefix + path.split("?")[0])
    with translation.override(language):
        context = {
            "nav": nav_urls(language, "/"),
            "ns": match.namespace,
            "url_name": match.url_name,
            "user": user,
            "csrf_token": "TOKEN",
            "current_path": current_path,
            "LANGUAGE_CODE": language,
            "languages": [get_language_info(code) for code, _name in settings.LANGUAGES],
        }
        return render_to_string("chrome/header.html", context)


def without_tokens(html: str) -> str:
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": "TOKEN"', html)
    return TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "role", ["anonymous", "citizen", "moderator", "analyst", "coordinator", "commission", "operator", "admin"]
)
def test_the_kept_header_is_the_rendered_one(client: Any, users: dict[str, Any], role: str, language: str) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if role == "anonymous" else users[role]
    if role != "anonymous":
        client.force_login(user)
    prefix = "" if language == "kk" else f"/{language}"
    for path in PAGES:
        response = client.get(prefix + path, follow=False)
        if response.status_code != 200:
            continue  # pages this role may not see redirect or refuse: no header to compare
        shown = without_tokens(header_of(response.content.decode()))
        assert shown == without_tokens(
            header_of(rendered_directly(user, path, language, response.wsgi_request.get_full_path()))
        ), (role, language, path)
        assert "\ue000" not in response.content.decode()


def test_the_user_name_and_path_are_this_requests_and_escaped(make_user: Any) -> None:
    first, second = Client(), Client()
    first.force_login(make_user("first_user"))
    second.force_login(make_user("second_user"))
    hostile = '/proposals/?q="><script>alert(1)</script>'
    response = first.get(hostile)
    one = header_of(response.content.decode())
    two = header_of(second.get("/proposals/?page=2").content.decode())
    assert ">first_user</a>" in one and "second_user" not in one
    assert ">second_user</a>" in two and "first_user" not in two
    assert "<script>" not in one and f'value="{escape(response.wsgi_request.get_full_path())}"' in one
    assert 'value="/proposals/?page=2"' in two and "script" not in two


def test_a_user_name_with_markup_is_escaped(make_user: Any) -> None:
    user = make_user("plain")
    type(user).objects.filter(pk=user.pk).update(username='<b onmouseover="x">me</b>')  # e.g. an imported account
    client = Client()
    client.force_login(type(user).objects.get(pk=user.pk))
    html = header_of(client.get("/proposals/").content.decode())
    assert "<b onmouseover" not in html and "&lt;b onmouseover=&quot;x&quot;&gt;me&lt;/b&gt;" in html


def test_each_form_carries_a_valid_token_of_this_browser(make_user: Any) -> None:
    """The tokens filled into the kept header belong to this browser's CSRF cookie: the language
    switch posted with one is accepted; another browser's token is refused."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(make_user("lang_first"))
    second.force_login(make_user("lang_second"))
    first_html = first.get("/proposals/").content.decode()
    second_html = second.get("/proposals/").content.decode()
    first_tokens = TOKEN.findall(header_of(first_html))
    second_tokens = TOKEN.findall(header_of(second_html))
    assert len(first_tokens) == 2 and len(second_tokens) == 2
    # htmx sends the same token with every request it makes (one masked token per page)
    assert f'hx-headers=\'{{"X-CSRFToken": "{first_tokens[0]}"}}\'' in first_html
    assert first_tokens[0] == first_tokens[1]
    secret = first.cookies[settings.CSRF_COOKIE_NAME].value
    assert all(_unmask_cipher_token(token) == secret for token in first_tokens)
    assert (
        first.post(
            "/i18n/setlang/", {"language": "ru", "next": "/proposals/", "csrfmiddlewaretoken": first_tokens[1]}
        ).status_code
        == 302
    )
    assert (
        second.post(
            "/i18n/setlang/", {"language": "ru", "next": "/proposals/", "csrfmiddlewaretoken": first_tokens[1]}
        ).status_code
        == 403
    )


def test_the_header_is_rendered_once_per_language_page_and_kind_of_user(client: Any, users: dict[str, Any]) -> None:
    header_html.cache_clear()
    client.force_login(users["citizen"])
    for page in ("/proposals/", "/proposals/?page=2", "/proposals/?q=a"):
        client.get(page)
    client.force_login(users["citizen2"])
    client.get("/proposals/")
    assert header_html.cache_info().misses == 1 and header_html.cache_info().hits == 3
    client.get("/ru/proposals/")
    client.force_login(users["moderator"])
    client.get("/proposals/")
    assert header_html.cache_info().misses == 3


def test_the_stand_ins_cannot_come_from_a_translation() -> None:
    """The stand-ins are private-use characters: no catalogue of the project holds them."""
    from pathlib import Path

    for catalogue in Path(settings.BASE_DIR, "kenes", "locale").rglob("*.po"):
        text = catalogue.read_text(encoding="utf-8")
        assert not any(slot in text for slot in (CSRF_SLOT, USERNAME_SLOT, PATH_SLOT)), catalogue

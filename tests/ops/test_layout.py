"""The page header's shared fragments (kenes.ops.templatetags.kenes_layout): rendered once per
language and section, never shared across languages, sections or users, and nothing
per-request (CSRF token, account links, current path) is ever taken from the cache."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import translation

from kenes.ops.templatetags import kenes_layout

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_fragments() -> Any:
    kenes_layout.clear()
    yield
    kenes_layout.clear()


def current_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', html)


def test_the_current_section_follows_the_page_not_the_first_render(client: Any) -> None:
    lookup = reverse("proposals:receipt_lookup")
    listing = reverse("proposals:list")
    for _ in range(2):  # the second round is served from the fragments of the first
        assert current_links(client.get(listing).content.decode()) == [listing]
        assert current_links(client.get(lookup).content.decode()) == [lookup]
        assert current_links(client.get(reverse("drafts:list")).content.decode()) == [reverse("drafts:list")]


def test_each_language_gets_its_own_header(client: Any) -> None:
    kk = client.get("/proposals/").content.decode()
    ru = client.get("/ru/proposals/").content.decode()
    en = client.get("/en/proposals/").content.decode()
    assert 'href="/ru/proposals/" aria-current="page">Предложения<' in ru
    assert 'href="/en/proposals/" aria-current="page">Proposals<' in en
    assert 'href="/proposals/" aria-current="page">Proposals<' not in kk
    for html, code in ((kk, "kk"), (ru, "ru"), (en, "en")):
        assert f'value="{code}" lang="{code}"' in html
        assert re.search(rf'class="contrast"\s+aria-current="true"\s+data-testid="lang-{code}"', html)
    assert client.get("/ru/proposals/").content.decode().count("Предложения") == ru.count("Предложения")


def test_per_request_parts_are_not_shared(client: Any, users: dict[str, Any]) -> None:
    anonymous = client.get("/proposals/").content.decode()
    assert reverse("accounts:login") in anonymous
    client.force_login(users["moderator"])
    signed_in = client.get("/proposals/").content.decode()
    assert "moder</a>" in signed_in and reverse("accounts:logout") in signed_in
    assert reverse("proposals:moderation") in signed_in
    assert 'href="/accounts/login/"' not in signed_in
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in)
    again = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/proposals/?page=2").content.decode())
    assert tokens and again and set(tokens).isdisjoint(again)  # masked anew for every response
    assert 'name="next" type="hidden" value="/proposals/?page=2"' in client.get("/proposals/?page=2").content.decode()


def test_the_listed_values_are_part_of_the_key() -> None:
    template = Template('{% load kenes_layout %}{% shared_fragment "t" a %}{{ a }}/{{ b }}{% endshared_fragment %}')
    with translation.override("kk"):
        assert template.render(Context({"a": 1, "b": 1})) == "1/1"
        assert template.render(Context({"a": 2, "b": 2})) == "2/2"
        assert template.render(Context({"a": 1, "b": 3})) == "1/1"  # b is not listed: shared
    with translation.override("ru"):
        assert template.render(Context({"a": 1, "b": 4})) == "1/4"


def test_a_fragment_needs_a_quoted_name() -> None:
    with pytest.raises(TemplateSyntaxError, match="quoted fragment name"):
        Template("{% load kenes_layout %}{% shared_fragment name %}x{% endshared_fragment %}")

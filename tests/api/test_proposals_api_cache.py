"""The public proposal list in the API under the page cache (kenes.pagecache): the cached answer is
byte for byte the uncached one, a hidden proposal leaves it at once, errors are never cached."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kenes.proposals.actions import answer_proposal, hide_proposal

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals"
PARAMS: list[dict[str, Any]] = [
    {},
    {"limit": 2},
    {"region": "atyrau", "limit": 5},
    {"q": "тілі"},
    {"status": "accepted"},
]


def proposal_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if 'FROM "proposals_proposal"' in q["sql"]]


def test_cached_answer_is_the_uncached_one(api: Any, submit: Any, users: dict[str, Any], settings: Any) -> None:
    submit("Мемлекеттік тілі туралы бапты нақтылау керек. Телефон: +7 701 234 56 78.")
    submit("Жер туралы ұсыныс.", region="almaty")
    answered = submit("Сайлау туралы ұсыныс.", article=2)
    answer_proposal(proposal=answered, user=users["analyst"], status="accepted", text="Ескерілді, рахмет.")
    params_list = [*PARAMS, {"article": answered.article_id}]
    settings.KENES_PAGE_CACHE_SECONDS = 0
    plain = [api.get(URL, params) for params in params_list]
    assert answered.receipt_code in plain[-1].content.decode()
    cursor = api.get(URL, {"limit": 1}).json()["next_cursor"]
    plain_next = api.get(URL, {"limit": 1, "cursor": cursor})
    settings.KENES_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    try:
        for _round in range(2):  # rendered, then from the cache
            for params, expected in zip(params_list, plain, strict=True):
                response = api.get(URL, params)
                assert response.status_code == 200
                assert response.content == expected.content, params
                assert response["Content-Type"] == expected["Content-Type"]
            assert api.get(URL, {"limit": 1, "cursor": cursor}).content == plain_next.content
    finally:
        caches["pages"].clear()
    assert "+7 701" not in plain[0].content.decode()


def test_a_new_proposal_shows_within_the_period(api: Any, submit: Any, page_cache: Any) -> None:
    first = submit("Бірінші ұсыныс.")
    assert [p["receipt_code"] for p in api.get(URL).json()["results"]] == [first.receipt_code]
    later = submit("Кейінгі ұсыныс.")
    with CaptureQueriesContext(connection) as queries:
        cached = api.get(URL).json()
    assert [p["receipt_code"] for p in cached["results"]] == [first.receipt_code]
    assert proposal_queries(queries) == []  # only the moderation mark was read
    page_cache.clear()  # the period is over
    assert [p["receipt_code"] for p in api.get(URL).json()["results"]] == [later.receipt_code, first.receipt_code]


def test_a_hidden_proposal_leaves_at_once(api: Any, submit: Any, users: dict[str, Any], page_cache: Any) -> None:
    spam = submit("Спам спам спам, сатып алыңыз.")
    kept = submit("Нормал ұсыныс.")
    variants: list[dict[str, Any]] = [{}, {"q": "спам"}, {"article": spam.article_id}]
    for params in variants:
        assert spam.receipt_code in api.get(URL, params).content.decode()
    hide_proposal(proposal=spam, moderator=users["moderator"], reason="Spam from a bot")
    for params in variants:
        body = api.get(URL, params).content.decode()
        assert spam.receipt_code not in body
    assert kept.receipt_code in api.get(URL).content.decode()


def test_an_answer_shows_at_once(api: Any, submit: Any, users: dict[str, Any], page_cache: Any) -> None:
    proposal = submit("Жауап күтетін ұсыныс.")
    assert api.get(URL).json()["results"][0]["status"] == "new"
    answer_proposal(proposal=proposal, user=users["analyst"], status="rejected", text="Ескерілмеді.")
    item = api.get(URL).json()["results"][0]
    assert item["status"] == "rejected" and item["answer_text"] == "Ескерілмеді."


def test_errors_are_not_cached_and_languages_apart(api: Any, submit: Any, page_cache: Any) -> None:
    submit("Ұсыныс.")
    for _round in range(2):
        response = api.get(URL, {"region": "atlantis"})
        assert response.status_code == 422 and response.json()["code"] == "invalid"
        bad_cursor = api.get(URL, {"cursor": "not-a-cursor"})
        assert bad_cursor.status_code == 422
    russian = api.get(URL, {"region": "nowhere"}, HTTP_ACCEPT_LANGUAGE="ru").json()["detail"]
    kazakh = api.get(URL, {"region": "nowhere"}, HTTP_ACCEPT_LANGUAGE="kk").json()["detail"]
    assert russian != kazakh
    for language in ("ru", "kk", "en"):
        response = api.get(URL, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200 and response["Content-Language"] == language

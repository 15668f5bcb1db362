"""Documents, versions and articles in the API: public reads, published versions only."""

from __future__ import annotations

from typing import Any

import pytest

from kenes.drafts.models import Article, Document, Version

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(draft: Any) -> Version:
    document = Document.objects.create(slug="secret-law", title_ru="Секретный закон")
    version = Version.objects.create(document=document, name="v1", is_published=False)
    Article.objects.create(version=version, number=1, text_ru="Не для публики")
    # An unpublished second version of the public document too.
    Version.objects.create(document=draft.document, name="draft-2-unpublished", is_published=False)
    return version


def test_documents_list_shows_published_versions_only(api: Any, draft: Any, unpublished: Version) -> None:
    response = api.get("/api/v1/documents")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    documents = response.json()
    assert [d["slug"] for d in documents] == ["test-law"]
    (document,) = documents
    assert document["title_kk"] == "Сынақ заңы" and document["title_ru"] == "Тестовый закон"
    assert [v["name"] for v in document["versions"]] == ["draft-1"]
    version = document["versions"][0]
    assert version["is_open"] is True
    assert version["url"] == "/api/v1/documents/test-law/versions/draft-1"


def test_document_detail_and_404(api: Any, draft: Any, unpublished: Version) -> None:
    assert api.get("/api/v1/documents/test-law").json()["slug"] == "test-law"
    for slug in ("secret-law", "no-such-law", "<script>"):
        response = api.get(f"/api/v1/documents/{slug}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert response.json()["detail"]


def test_version_detail_lists_articles_with_public_counts(api: Any, draft: Any, submit: Any, users: Any) -> None:
    from kenes.proposals.actions import hide_proposal

    submit("Бірінші баптағы ұсыныс.", article=1)
    submit("Ещё одно предложение по статье 1.", article=1)
    hidden = submit("Спам по статье 2.", article=2)
    hide_proposal(proposal=hidden, moderator=users["moderator"], reason="spam")
    body = api.get("/api/v1/documents/test-law/versions/draft-1").json()
    assert body["preamble_kk"] == "Кіріспе" and body["preamble_ru"] == "Преамбула"
    assert body["document"] == "test-law" and body["is_open"] is True
    counts = {a["number"]: a["proposal_count"] for a in body["articles"]}
    assert counts == {1: 2, 2: 0, 3: 0}
    assert body["articles"][0]["title_kk"] == "1-бап тақырыбы"


def test_version_404_for_unpublished_and_unknown(api: Any, draft: Any, unpublished: Version) -> None:
    for path in (
        "/api/v1/documents/secret-law/versions/v1",
        "/api/v1/documents/test-law/versions/draft-2-unpublished",
        "/api/v1/documents/test-law/versions/nope",
        "/api/v1/documents/secret-law/versions/v1/articles",
        "/api/v1/documents/secret-law/versions/v1/articles/1",
        f"/api/v1/articles/{unpublished.articles.get().pk}",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert "Не для публики" not in response.content.decode()


def test_articles_in_both_languages(api: Any, draft: Any) -> None:
    articles = api.get("/api/v1/documents/test-law/versions/draft-1/articles").json()
    assert [a["number"] for a in articles] == [1, 2, 3]
    first = articles[0]
    assert first["text_kk"].startswith("1-баптың мәтіні") and first["text_ru"].startswith("Текст статьи 1")
    assert first["version"] == "draft-1" and first["document"] == "test-law"
    one = api.get("/api/v1/documents/test-law/versions/draft-1/articles/2").json()
    assert one["text_ru"] == "Текст статьи 2. Права граждан защищаются."
    by_id = api.get(f"/api/v1/articles/{one['id']}").json()
    assert by_id == one


def test_article_labels_with_sub_numbers(api: Any, draft: Any) -> None:
    Article.objects.create(version=draft, number=2, sub_number=1, text_ru="Вставленная статья 2-1")
    body = api.get("/api/v1/documents/test-law/versions/draft-1/articles/2-1").json()
    assert body["label"] == "2-1" and body["text_ru"] == "Вставленная статья 2-1"
    for label in ("2-x", "x", "-1", "2-1-1", "9" * 30, "4", "%00", "2--1"):
        assert api.get(f"/api/v1/documents/test-law/versions/draft-1/articles/{label}").status_code == 404, label


def test_article_by_id_rejects_garbage(api: Any, draft: Any) -> None:
    assert api.get("/api/v1/articles/999999").status_code == 404
    response = api.get("/api/v1/articles/abc")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_reads_need_no_login_and_ignore_sessions(api: Any, draft: Any, users: Any) -> None:
    """Anonymous and logged-in people get the same public data (unpublished stays hidden even to admins)."""
    Version.objects.create(document=draft.document, name="hidden", is_published=False)
    anonymous = api.get("/api/v1/documents").json()
    for role in ("citizen", "coordinator_other", "analyst", "admin"):
        api.force_login(users[role])
        assert api.get("/api/v1/documents").json() == anonymous, role
        assert api.get("/api/v1/documents/test-law/versions/hidden").status_code == 404


@pytest.mark.parametrize(
    ("language", "expected"), [("kk", "Мұндай құжат жоқ."), ("ru", "Такого документа нет."), ("en", "No such document.")],
)
def test_error_messages_follow_accept_language(api: Any, draft: Any, language: str, expected: str) -> None:
    response = api.get("/api/v1/documents/nope", HTTP_ACCEPT_LANGUAGE=language)
    assert response.json() == {"detail": expected, "code": "not_found"}


def test_article_links_point_to_the_site_in_the_default_language(api: Any, draft: Any) -> None:
    for language in ("kk", "ru", "en"):
        body = api.get("/api/v1/documents/test-law/versions/draft-1/articles/1", HTTP_ACCEPT_LANGUAGE=language).json()
        assert body["url"] == "/draft/test-law/draft-1/1/"
        assert api.get(body["url"]).status_code == 200


def test_no_query_per_article_or_proposal(api: Any, draft: Any, submit: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured.captured_queries)

    urls = ["/api/v1/documents/test-law/versions/draft-1", "/api/v1/documents/test-law/versions/draft-1/articles",
            "/api/v1/proposals"]
    before = [queries(url) for url in urls]
    for number in range(4, 14):
        Article.objects.create(version=draft, number=number, text_ru=f"Статья {number}")
    for number in (1, 2, 3, 4, 5):
        submit(f"Предложение к статье {number}.", article=number)
    assert [queries(url) for url in urls] == before

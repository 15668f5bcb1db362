"""Draft pages: who may see what, both languages, counts, comparison, escaping, query counts."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kenes.drafts.models import Article, Document, Version
from kenes.drafts.views import compare_versions
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)


def day(version: Version) -> date:
    assert version.date is not None
    return version.date


def add_proposal(version: Version, article: Article | None, *, hidden: bool = False) -> Proposal:
    return Proposal.objects.create(
        version=version, article=article, text="Ұсыныс мәтіні", language="kk", region="atyrau",
        receipt_code=f"T{next(_codes):07d}", is_hidden=hidden, created_at=timezone.now(),
    )


def kk_reverse(name: str, args: list[Any] | None = None) -> str:
    """URLs without a language prefix (requests activate other languages in the thread)."""
    with translation.override("kk"):
        return reverse(name, args=args)


def url_of(obj: Any) -> str:
    with translation.override("kk"):
        return str(obj.get_absolute_url())


def client_for(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def earlier(draft: Version) -> Version:
    """An earlier version of the same document: article 2 differs, 3 is new, 4 was removed, 5 → 3 moved."""
    version = Version.objects.create(document=draft.document, name="draft-0", kind="in_force",
                                     date=day(draft) - timedelta(days=365))
    Article.objects.create(version=version, number=1, text_kk=draft.articles.get(number=1).text_kk,
                           text_ru=draft.articles.get(number=1).text_ru)
    Article.objects.create(version=version, number=2, text_kk="2-баптың ескі мәтіні. Құқықтар қорғалады.",
                           text_ru="Старый текст статьи 2. Права защищаются законом.")
    Article.objects.create(version=version, number=4, text_kk="Алынып тасталған бап.", text_ru="Исключённая статья.")
    return version


@pytest.fixture
def unpublished(draft: Version) -> Version:
    version = Version.objects.create(document=draft.document, name="secret", kind="draft", is_published=False,
                                     date=day(draft) + timedelta(days=1))
    Article.objects.create(version=version, number=1, text_kk="Жарияланбаған мәтін", text_ru="Неопубликованный текст")
    return version


def urls(version: Version) -> dict[str, str]:
    slug = version.document.slug
    return {
        "version": kk_reverse("drafts:version", args=[slug, version.name]),
        "article": kk_reverse("drafts:article", args=[slug, version.name, 1]),
        "compare": kk_reverse("drafts:compare", args=[slug]) + f"?from=draft-1&to={version.name}",
    }


# --- public pages ------------------------------------------------------------------------------


def test_public_pages_for_anonymous(draft: Version, earlier: Version) -> None:
    client = client_for()
    for url in [
        kk_reverse("drafts:list"),
        kk_reverse("drafts:document", args=["test-law"]),
        kk_reverse("drafts:version", args=["test-law", "draft-1"]),
        kk_reverse("drafts:article", args=["test-law", "draft-1", 2]),
        kk_reverse("drafts:compare", args=["test-law"]),
    ]:
        assert client.get(url).status_code == 200, url
    assert kk_reverse("drafts:list") == "/draft/"


def test_unknown_things_are_404(draft: Version) -> None:
    client = client_for()
    assert client.get("/draft/nope/").status_code == 404
    assert client.get("/draft/test-law/nope/").status_code == 404
    assert client.get("/draft/test-law/draft-1/99/").status_code == 404
    assert client.get("/draft/test-law/draft-1/1-5/").status_code == 404
    assert client.get("/draft/test-law/compare/?from=draft-1&to=nope").status_code == 404


def test_document_list_shows_versions(draft: Version, earlier: Version) -> None:
    page = client_for().get("/draft/").content.decode()
    assert "Сынақ заңы" in page
    assert kk_reverse("drafts:version", args=["test-law", "draft-1"]) in page
    assert kk_reverse("drafts:version", args=["test-law", "draft-0"]) in page
    ru = client_for().get("/ru/draft/").content.decode()
    assert "Тестовый закон" in ru


def test_article_page_shows_both_languages_current_first_class(draft: Version) -> None:
    article = draft.articles.get(number=2)
    kk_page = client_for().get(url_of(article)).content.decode()
    assert "2-баптың мәтіні" in kk_page and "Текст статьи 2" in kk_page
    assert 'class="lang-column current" lang="kk"' in kk_page
    assert 'class="lang-column" lang="ru"' in kk_page
    ru_page = client_for().get(f"/ru{url_of(article)}").content.decode()
    assert 'class="lang-column current" lang="ru"' in ru_page
    assert 'data-testid="text-en"' not in ru_page  # English only when present
    article.text_en = "Text of article 2."
    article.save()
    en_page = client_for().get(f"/en{url_of(article)}").content.decode()
    assert 'class="lang-column current" lang="en"' in en_page and "Text of article 2." in en_page


def test_article_page_links_prev_next_and_proposals(draft: Version) -> None:
    article = draft.articles.get(number=2)
    add_proposal(draft, article)
    add_proposal(draft, article)
    add_proposal(draft, article, hidden=True)
    page = client_for().get(url_of(article)).content.decode()
    assert f'href="{kk_reverse("drafts:article", args=["test-law", "draft-1", 1])}" rel="prev"' in page
    assert f'href="{kk_reverse("drafts:article", args=["test-law", "draft-1", 3])}" rel="next"' in page
    assert f'{kk_reverse("proposals:list")}?article={article.pk}' in page
    assert f'{kk_reverse("proposals:submit")}?article={article.pk}' in page
    assert "2 proposals on this article" in client_for().get(f"/en{url_of(article)}").content.decode()
    first = client_for().get(kk_reverse("drafts:article", args=["test-law", "draft-1", 1])).content.decode()
    assert 'rel="prev"' not in first


def test_article_page_outside_the_window_has_no_submit_link(draft: Version) -> None:
    draft.consultation_closes = timezone.now() - timedelta(hours=1)
    draft.save()
    article = draft.articles.get(number=1)
    page = client_for().get(f"/en{url_of(article)}").content.decode()
    assert kk_reverse("proposals:submit") not in page
    assert "Consultation closed" in page


def test_inserted_article_has_its_own_url(draft: Version) -> None:
    inserted = Article.objects.create(version=draft, number=2, sub_number=1, text_kk="Енгізілген бап", text_ru="Вставка")
    assert url_of(inserted).endswith("/draft/test-law/draft-1/2-1/")
    page = client_for().get(url_of(inserted)).content.decode()
    assert "Енгізілген бап" in page
    assert 'href="/draft/test-law/draft-1/2-1/" rel="next"' in client_for().get(
        kk_reverse("drafts:article", args=["test-law", "draft-1", 2])).content.decode()


def test_version_page_counts_public_proposals_per_article(draft: Version) -> None:
    one, two, _three = draft.articles.order_by("number")
    for _ in range(3):
        add_proposal(draft, one)
    add_proposal(draft, one, hidden=True)
    add_proposal(draft, two)
    add_proposal(draft, None)
    response = client_for().get("/en" + kk_reverse("drafts:version", args=["test-law", "draft-1"]))
    page = response.content.decode()
    assert 'data-testid="count-1" title="Proposals on this article">3<' in page
    assert 'data-testid="count-2" title="Proposals on this article">1<' in page
    assert 'data-testid="count-3" title="Proposals on this article">0<' in page
    assert 'data-testid="proposal-total">5<' in page
    assert response.context["whole_draft_count"] == 1
    counts = {a.number: a.proposal_count for s in response.context["toc"] for a in s.articles}
    assert counts == {1: 3, 2: 1, 3: 0}
    assert "Кіріспе" in client_for().get("/draft/test-law/draft-1/").content.decode()  # preamble in Kazakh
    assert "Преамбула" in client_for().get("/ru/draft/test-law/draft-1/").content.decode()


def test_version_page_shows_consultation_window(draft: Version) -> None:
    page = client_for().get("/en" + kk_reverse("drafts:version", args=["test-law", "draft-1"])).content.decode()
    assert "Open for proposals" in page and "left" in page
    draft.consultation_opens = timezone.now() + timedelta(days=2)
    draft.save()
    assert "Consultation not yet open" in client_for().get("/en/draft/test-law/draft-1/").content.decode()


def test_version_page_table_of_contents_by_section(draft: Version) -> None:
    Article.objects.filter(version=draft, number__lte=2).update(section_kk="1-бөлім Жалпы", section_ru="Раздел 1 Общие")
    Article.objects.filter(version=draft, number=3).update(section_kk="2-бөлім Қорытынды", section_ru="Раздел 2 Заключительные")
    response = client_for().get("/ru/draft/test-law/draft-1/")
    toc = response.context["toc"]
    assert [(s.title, [a.number for a in s.articles]) for s in toc] == [("Раздел 1 Общие", [1, 2]), ("Раздел 2 Заключительные", [3])]


def test_version_page_query_count_does_not_grow_with_articles(
    draft: Version, django_assert_num_queries: Any
) -> None:
    for article in draft.articles.all():
        add_proposal(draft, article)
    url = kk_reverse("drafts:version", args=["test-law", "draft-1"])
    client = client_for()
    # the version (with its document), its articles, ONE grouped count over the articles and one
    # count of proposals on the draft as a whole (ProposalQuerySet.counts_by_article)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    for number in range(4, 60):
        article = Article.objects.create(version=draft, number=number, text_kk=f"Мәтін {number}", text_ru=f"Текст {number}")
        add_proposal(draft, article)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert sum(a.proposal_count for s in response.context["toc"] for a in s.articles) == 59


# --- who may see unpublished versions ----------------------------------------------------------


ROLES = {"citizen": ("citizen", "atyrau"), "coordinator_other": ("coordinator", "kyzylorda"),
         "analyst": ("analyst", ""), "moderator": ("moderator", ""), "commission": ("commission", "")}


@pytest.mark.parametrize("who", [None, *ROLES])
def test_unpublished_version_is_404_for_the_public(make_user: Any, unpublished: Version, who: str | None) -> None:
    client = client_for(make_user(who, *ROLES[who]) if who else None)
    for name, url in urls(unpublished).items():
        assert client.get(url).status_code == 404, (who, name)
    assert "secret" not in client.get(kk_reverse("drafts:document", args=["test-law"])).content.decode()
    assert kk_reverse("drafts:version", args=["test-law", "secret"]) not in client.get("/draft/").content.decode()


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_unpublished_version_is_visible_to_admins_and_staff(make_user: Any, unpublished: Version, who: str) -> None:
    user = make_user("boss", "admin") if who == "admin" else make_user("staffer", "citizen", is_staff=True)
    client = client_for(user)
    for name, url in urls(unpublished).items():
        assert client.get(url).status_code == 200, (who, name)
    assert "Жарияланбаған мәтін" in client.get(urls(unpublished)["article"]).content.decode()


def test_document_with_only_unpublished_versions_is_hidden(make_user: Any) -> None:
    users = {"citizen": make_user("reader", "citizen"), "admin": make_user("root", "admin", is_superuser=True)}
    document = Document.objects.create(slug="hidden-law", title_kk="Жасырын")
    Version.objects.create(document=document, name="v1", is_published=False)
    assert client_for().get("/draft/hidden-law/").status_code == 404
    assert "Жасырын" not in client_for().get("/draft/").content.decode()
    assert client_for(users["citizen"]).get("/draft/hidden-law/").status_code == 404
    assert client_for(users["admin"]).get("/draft/hidden-law/").status_code == 200


# --- escaping ----------------------------------------------------------------------------------


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def test_hostile_article_text_is_escaped_everywhere(draft: Version, earlier: Version) -> None:
    Article.objects.filter(version=draft, number=2).update(text_kk=HOSTILE, title_kk=HOSTILE, section_kk=HOSTILE)
    Version.objects.filter(pk=draft.pk).update(preamble_kk=HOSTILE)
    Document.objects.filter(pk=draft.document_id).update(title_kk=HOSTILE)
    client = client_for()
    for url in [
        "/draft/",
        "/draft/test-law/",
        "/draft/test-law/draft-1/",
        "/draft/test-law/draft-1/2/",
        "/draft/test-law/compare/?from=draft-0&to=draft-1",
    ]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
    compare = client.get("/draft/test-law/compare/?from=draft-0&to=draft-1").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in compare


def test_hostile_query_parameters(draft: Version, earlier: Version) -> None:
    client = client_for()
    assert client.get("/draft/test-law/compare/?from=<script>&to=draft-1").status_code == 404
    response = client.get("/draft/test-law/compare/?from=draft-0&to=draft-1&lang=<script>")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


# --- comparison --------------------------------------------------------------------------------


def test_compare_versions_added_removed_changed(draft: Version, earlier: Version) -> None:
    result = compare_versions(earlier, draft, "ru")
    assert [c.label for c in result.added] == ["3"]
    assert [c.label for c in result.removed] == ["4"]
    assert [c.label for c in result.changed] == ["2"]
    assert result.unchanged == 1
    diff = result.changed[0].diff
    assert ("delete", "Старый текст ") in diff
    assert ("insert", "Текст ") in diff
    old = "".join(t for op, t in diff if op != "insert")
    new = "".join(t for op, t in diff if op != "delete")
    assert (old, new) == (earlier.articles.get(number=2).text_ru, draft.articles.get(number=2).text_ru)


def test_compare_detects_renumbered_articles(draft: Version) -> None:
    text = "Әрбір азаматтың өз пікірін еркін білдіруге және ұсыныс енгізуге құқығы бар, бұл құқық заңмен қорғалады."
    old = Version.objects.create(document=draft.document, name="old", date=day(draft) - timedelta(days=10))
    Article.objects.create(version=old, number=1, text_kk=draft.articles.get(number=1).text_kk)
    Article.objects.create(version=old, number=2, text_kk=draft.articles.get(number=2).text_kk)
    Article.objects.create(version=old, number=7, text_kk=text)
    Article.objects.filter(version=draft, number=3).update(text_kk=text + " Өзгеріс.")
    result = compare_versions(old, draft, "kk")
    added = {c.label: c for c in result.added}
    assert added["3"].moved_from == "7"
    assert [c.label for c in result.removed] == ["7"]
    page = client_for().get("/en/draft/test-law/compare/?from=old&to=draft-1").content.decode()
    assert "text close to former Article 7" in page


def test_compare_page_renders_ins_and_del(draft: Version, earlier: Version) -> None:
    response = client_for().get("/ru/draft/test-law/compare/?from=draft-0&to=draft-1")
    page = response.content.decode()
    assert "<del>Старый текст </del>" in page
    assert 'data-testid="count-added">1<' in page
    assert 'data-testid="count-removed">1<' in page
    assert 'data-testid="count-changed">1<' in page
    assert response.context["comparison"].language == "ru"
    # the default pair is the two latest versions
    default = client_for().get("/draft/test-law/compare/")
    assert (default.context["old"].name, default.context["new"].name) == ("draft-0", "draft-1")


def test_compare_uses_a_language_both_versions_have(draft: Version) -> None:
    kk_only = Version.objects.create(document=draft.document, name="kk-only", date=day(draft) - timedelta(days=3))
    Article.objects.create(version=kk_only, number=1, text_kk="Басқа мәтін")
    response = client_for().get("/ru/draft/test-law/compare/?from=kk-only&to=draft-1")
    assert response.context["comparison"].language == "kk"
    assert response.context["common_languages"] == ["kk"]


def test_compare_htmx_request_renders_the_partial(draft: Version, earlier: Version) -> None:
    response = client_for().get("/draft/test-law/compare/?from=draft-0&to=draft-1", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<del>" in page


def test_compare_with_a_single_version(draft: Version) -> None:
    response = client_for().get("/en/draft/test-law/compare/")
    assert response.status_code == 200
    assert "nothing to compare" in response.content.decode()


def test_constitution_comparison_page() -> None:
    """The real texts: 1995 (kk) against 2026 (kk+ru), compared in Kazakh."""
    from kenes.drafts.actions import import_document
    from tests.conftest import shared_path

    base = shared_path("data", "constitution")
    import_document(path=base / "constitution_1995_kk_as_amended_2022.txt", language="kk", document_slug="kz",
                    version_name="1995", kind="in_force")
    import_document(path=base / "constitution_2026_kk.md", language="kk", document_slug="kz", version_name="2026")
    import_document(path=base / "constitution_2026_ru.md", language="ru", document_slug="kz", version_name="2026")
    response = client_for().get("/ru/draft/kz/compare/?from=1995&to=2026")
    comparison = response.context["comparison"]
    assert comparison.language == "kk"
    assert len(comparison.removed) == 6  # 83-1, 94-1, 94-2, 97, 98, 99
    assert {c.label for c in comparison.removed} == {"83-1", "94-1", "94-2", "97", "98", "99"}
    assert len(comparison.changed) + comparison.unchanged == 96
    assert "<del>" in response.content.decode() and "<ins>" in response.content.decode()
    article = client_for().get("/ru/draft/kz/2026/8/")
    columns = {c["lang"]: c for c in article.context["columns"]}
    assert columns["ru"]["current"] and not columns["kk"]["current"]
    assert columns["kk"]["text"] and columns["ru"]["text"]
    assert "<h1>Статья 8</h1>" in article.content.decode()

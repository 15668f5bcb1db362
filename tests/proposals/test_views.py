"""Proposal pages: who may and who may not, personal data, escaping, htmx partials, query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kenes.proposals.models import Proposal, ProposalChange, ReceiptEntry

pytestmark = pytest.mark.django_db

ALL_ROLES = ["citizen", "citizen2", "moderator", "analyst", "coordinator", "coordinator_other",
             "coordinator_national", "commission", "operator", "admin"]
IIN = "900101300017"
PII_TEXT = f"Менің ЖСН {IIN}, телефон +7 701 123 45 67, пошта aigul.b@mail.kz. 8-бапты өзгерту керек."


def login(client: Any, users: dict[str, Any], role: str | None) -> None:
    client.logout()
    if role is not None:
        client.force_login(users[role])


@pytest.fixture
def mine(submit: Any, users: dict[str, Any]) -> Any:
    """A proposal by `citizen` that contains personal data."""
    return submit(PII_TEXT, author=users["citizen"], author_name="Айгүл Серікқызы Бекова")


@pytest.fixture
def hidden(submit: Any, users: dict[str, Any]) -> Any:
    from kenes.proposals.actions import hide_proposal

    proposal = submit("Жасырылатын ұсыныс мәтіні", author=users["citizen"])
    return hide_proposal(proposal=proposal, moderator=users["moderator"], reason="Spam from a bot")


# ---------------------------------------------------------------- list


@pytest.mark.parametrize("role", [None, *ALL_ROLES])
def test_list_everyone_may_read(client: Any, users: dict[str, Any], mine: Any, role: str | None) -> None:
    login(client, users, role)
    response = client.get(reverse("proposals:list"))
    assert response.status_code == 200
    assert mine.receipt_code in response.content.decode()


@pytest.mark.parametrize(("role", "sees_original"), [
    (None, False), ("citizen", False), ("citizen2", False), ("coordinator", False), ("commission", False),
    ("operator", False), ("moderator", True), ("analyst", True), ("admin", True),
])
def test_personal_data_masked_for_public(client: Any, users: dict[str, Any], mine: Any, role: str | None,
                                         sees_original: bool) -> None:
    login(client, users, role)
    for url in (reverse("proposals:list"), mine.get_absolute_url()):
        html = client.get(url).content.decode()
        assert (IIN in html) is sees_original, (url, role)
        assert ("aigul.b@mail.kz" in html) is sees_original
        assert ("701 123 45 67" in html) is sees_original
        if not sees_original:
            assert "[IIN]" in html and "a***@mail.kz" in html and "+7 *** *** ** 67" in html
    detail = client.get(mine.get_absolute_url()).content.decode()
    assert ("Серікқызы Бекова" in detail) is sees_original
    assert "Айгүл" in detail


@pytest.mark.parametrize(("role", "sees"), [
    (None, False), ("citizen", True), ("citizen2", False), ("coordinator", False), ("commission", False),
    ("moderator", True), ("analyst", True), ("admin", True),
])
def test_hidden_in_list_only_for_author_and_staff(client: Any, users: dict[str, Any], hidden: Any,
                                                  role: str | None, sees: bool) -> None:
    login(client, users, role)
    assert (hidden.receipt_code in client.get(reverse("proposals:list")).content.decode()) is sees


def test_filters_and_htmx_partial(client: Any, submit: Any, draft: Any) -> None:
    a2 = draft.articles.get(number=2)
    one = submit("Бірінші ұсыныс", region="abai", kind="add")
    two = submit("Второе предложение о статье", article=a2, region="almaty", kind="comment")
    url = reverse("proposals:list")
    html = client.get(url, {"article": a2.pk}).content.decode()
    assert two.receipt_code in html and one.receipt_code not in html
    html = client.get(url, {"region": "abai"}).content.decode()
    assert one.receipt_code in html and two.receipt_code not in html
    html = client.get(url, {"kind": "comment", "language": "ru"}).content.decode()
    assert two.receipt_code in html and one.receipt_code not in html
    html = client.get(url, {"status": "accepted"}).content.decode()
    assert one.receipt_code not in html and two.receipt_code not in html
    html = client.get(url, {"channel": "web", "version": draft.pk}).content.decode()
    assert one.receipt_code in html and two.receipt_code in html
    partial = client.get(url, {"region": "abai"}, HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "proposals/proposal_list_results.html"
    assert "<html" not in partial.content.decode() and one.receipt_code in partial.content.decode()


def test_hostile_filters_do_not_break(client: Any, mine: Any) -> None:
    url = reverse("proposals:list")
    for params in ({"article": "1; DROP TABLE x"}, {"region": "<script>"}, {"page": "-5"}, {"page": "99999999999"},
                   {"q": "\"'*:&|!()<>" * 30}, {"q": "x" * 5000}, {"version": "abc"}, {"status": "nope"}):
        response = client.get(url, params)
        assert response.status_code == 200, params
        assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_pagination_without_count(client: Any, submit: Any) -> None:
    for i in range(23):
        submit(f"Ұсыныс {i}")
    url = reverse("proposals:list")
    first = client.get(url)
    assert len(first.context["proposals"]) == 20 and first.context["has_next"]
    second = client.get(url, {"page": 2})
    assert len(second.context["proposals"]) == 3 and not second.context["has_next"]
    codes = {p.receipt_code for p in first.context["proposals"]} | {p.receipt_code for p in second.context["proposals"]}
    assert len(codes) == 23
    capped = client.get(url, {"page": 10_000})
    assert capped.context["page"] == 500


def test_list_query_count_does_not_grow_with_rows(client: Any, submit: Any, draft: Any, users: dict[str, Any]) -> None:
    a2 = draft.articles.get(number=2)
    url = reverse("proposals:list")
    submit("Бір")
    client.force_login(users["citizen"])
    client.get(url)  # warm up the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        submit(f"Ұсыныс {i}", article=a2 if i % 2 else None)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["proposals"]) == 16
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert not any("COUNT(" in q["sql"].upper() for q in many.captured_queries)


# ---------------------------------------------------------------- detail


@pytest.mark.parametrize(("role", "status"), [
    (None, 404), ("citizen", 200), ("citizen2", 404), ("coordinator", 404), ("coordinator_other", 404),
    ("commission", 404), ("operator", 404), ("moderator", 200), ("analyst", 200), ("admin", 200),
])
def test_hidden_detail(client: Any, users: dict[str, Any], hidden: Any, role: str | None, status: int) -> None:
    login(client, users, role)
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Spam from a bot" in html and 'data-testid="hidden-notice"' in html


def test_detail_of_unknown_and_malformed_codes(client: Any, mine: Any) -> None:
    assert client.get(reverse("proposals:detail", args=["AAAA-BBBB-CC"])).status_code == 404
    assert client.get(reverse("proposals:detail", args=["<script>"])).status_code == 404
    response = client.get(reverse("proposals:detail", args=[mine.receipt_code.lower()]))
    assert response.status_code == 302 and response["Location"].endswith(mine.get_absolute_url())


def test_hostile_text_is_escaped(client: Any, submit: Any, users: dict[str, Any]) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> {{ 7|add:1 }} {% now "Y" %}'
    proposal = submit(evil, author_name='<b onmouseover="x">Evil</b>')
    for role in (None, "moderator"):
        login(client, users, role)
        for url in (reverse("proposals:list"), proposal.get_absolute_url(), reverse("proposals:moderation")):
            response = client.get(url)
            if response.status_code != 200:
                continue
            html = response.content.decode()
            assert "<script>alert" not in html and "<img src=x" not in html and '<b onmouseover' not in html
            assert "&lt;script&gt;" in html
            assert "{{ 7|add:1 }}" in html or "{{ 7|add:1 }}".replace('"', "&quot;") in html


def test_detail_shows_answer_and_history_to_staff_only(client: Any, mine: Any, users: dict[str, Any]) -> None:
    from kenes.proposals.actions import answer_proposal

    answer_proposal(proposal=mine, user=users["commission"], status="accepted",
                    text="Ұсыныс қабылданды. Сұрақтар: info@gov.kz")
    login(client, users, None)
    html = client.get(mine.get_absolute_url()).content.decode()
    assert "Ұсыныс қабылданды." in html and "answer_text" not in html
    assert "i***@gov.kz" in html and "info@gov.kz" not in html
    login(client, users, "analyst")
    html = client.get(mine.get_absolute_url()).content.decode()
    assert "answer_text" in html and "commission" in html


def test_detail_reads_the_article_link_with_the_proposal(client: Any, submit: Any, draft: Any) -> None:
    """The link to the proposal's article needs its version and document: fetched with the
    proposal, not by two more queries while the template renders."""
    on_article = submit("Бапқа ұсыныс", article=draft.articles.get(number=2))
    whole = submit("Жалпы ұсыныс", article=None)
    counts = []
    for proposal in (whole, on_article):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(proposal.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert f'href="{draft.articles.get(number=2).get_absolute_url()}"' in response.content.decode()
    assert counts[0] == counts[1], counts
    # The article's version is the proposal's: joined once, and no long text is read.
    read = next(q["sql"] for q in queries.captured_queries if 'FROM "proposals_proposal"' in q["sql"])
    assert read.count('JOIN "drafts_version"') == 1 and read.count('JOIN "drafts_document"') == 1
    assert '"search_text"' not in read and "preamble" not in read and '"text_kk"' not in read


def test_receipt_page_reads_only_what_it_shows(client: Any, submit: Any, draft: Any) -> None:
    proposal = submit("Бапқа ұсыныс", article=draft.articles.get(number=2))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("proposals:receipt", args=[proposal.receipt_code]))
    assert response.status_code == 200 and 'data-testid="receipt-counted"' in response.content.decode()
    assert len(queries) == 2, [q["sql"] for q in queries.captured_queries]  # the entry, the proposal
    read = queries.captured_queries[1]["sql"]
    assert '"drafts_version"' not in read and '"search_text"' not in read and '"text_kk"' not in read


# ---------------------------------------------------------------- submission


def test_submit_requires_login(client: Any, draft: Any) -> None:
    url = reverse("proposals:submit")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url, {"text": "x", "kind": "amend"})
    assert response.status_code == 302 and Proposal.objects.count() == 0


@pytest.mark.parametrize("role", ALL_ROLES)
def test_any_logged_in_person_may_submit(client: Any, users: dict[str, Any], draft: Any, role: str) -> None:
    login(client, users, role)
    article = draft.articles.get(number=2)
    response = client.get(reverse("proposals:submit"), {"article": article.pk})
    assert response.status_code == 200
    assert response.context["form"].initial["article"] == article
    response = client.post(reverse("proposals:submit") + f"?article={article.pk}",
                           {"article": article.pk, "kind": "amend", "text": "2-бапқа түзету енгізу ұсынылады.",
                            "region": "abai"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("proposals:receipt", args=[proposal.receipt_code])
    assert proposal.author == users[role] and proposal.channel == "web" and proposal.article == article
    assert ReceiptEntry.objects.filter(proposal_id=proposal.pk).exists()


def test_submit_form_defaults_to_users_region(client: Any, users: dict[str, Any], draft: Any) -> None:
    login(client, users, "citizen")
    assert client.get(reverse("proposals:submit")).context["form"].initial["region"] == "atyrau"


def test_submit_bad_input_keeps_text(client: Any, users: dict[str, Any], draft: Any, settings: Any) -> None:
    login(client, users, "citizen")
    settings.KENES_PROPOSAL_MAX_CHARS = 20
    long_text = "Өте ұзын ұсыныс мәтіні, шектен асады"
    response = client.post(reverse("proposals:submit"), {"kind": "amend", "text": long_text, "region": ""})
    assert response.status_code == 400
    assert long_text in response.content.decode() and Proposal.objects.count() == 0
    response = client.post(reverse("proposals:submit"), {"kind": "nonsense", "text": "x", "region": "mars"})
    assert response.status_code == 400 and Proposal.objects.count() == 0
    response = client.post(reverse("proposals:submit"), {"kind": "amend", "text": "\u200b\u200b", "region": ""})
    assert response.status_code == 400 and Proposal.objects.count() == 0


def test_submit_refused_when_closed(client: Any, users: dict[str, Any], draft: Any) -> None:
    draft.consultation_opens = timezone.now() - timedelta(days=9)
    draft.consultation_closes = timezone.now() - timedelta(days=1)
    draft.save()
    login(client, users, "citizen")
    article = draft.articles.first()
    response = client.get(reverse("proposals:submit"), {"article": article.pk})
    assert 'data-testid="closed"' in response.content.decode()
    response = client.post(reverse("proposals:submit") + f"?article={article.pk}",
                           {"kind": "amend", "text": "Кеш қалған ұсыныс", "region": ""})
    assert response.status_code == 400 and Proposal.objects.count() == 0
    assert 'data-testid="submit-error"' in response.content.decode()
    # Without an article and with nothing under consultation: a clear message.
    response = client.get(reverse("proposals:submit"))
    assert 'data-testid="no-consultation"' in response.content.decode()


# ---------------------------------------------------------------- receipts


def test_receipt_page_for_everyone(client: Any, users: dict[str, Any], mine: Any) -> None:
    for role in (None, "citizen2", "coordinator_other", "admin"):
        login(client, users, role)
        response = client.get(reverse("proposals:receipt", args=[mine.receipt_code]))
        html = response.content.decode()
        assert response.status_code == 200 and 'data-testid="receipt-counted"' in html
        entry = ReceiptEntry.objects.get(proposal_id=mine.pk)
        assert entry.entry_hash in html and entry.prev_hash in html
        assert IIN not in html  # the receipt page never shows the text


def test_receipt_page_reports_tampering_and_unknown(client: Any, mine: Any, hidden: Any) -> None:
    Proposal.objects.filter(pk=mine.pk).update(text="changed")
    html = client.get(reverse("proposals:receipt", args=[mine.receipt_code])).content.decode()
    assert 'data-testid="receipt-problem"' in html
    response = client.get(reverse("proposals:receipt", args=["ZZZZ-ZZZZ-ZZ"]))
    assert response.status_code == 404 and 'data-testid="receipt-unknown"' in response.content.decode()
    assert client.get("/receipts/..%2F..%2Fetc/").status_code == 404
    html = client.get(reverse("proposals:receipt", args=[hidden.receipt_code])).content.decode()
    assert 'data-testid="open-proposal"' not in html


def test_receipt_lookup(client: Any, mine: Any) -> None:
    url = reverse("proposals:receipt_lookup")
    assert client.get(url).status_code == 200
    response = client.get(url, {"code": mine.receipt_code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"] == reverse("proposals:receipt", args=[mine.receipt_code])
    response = client.get(url, {"code": "<script>x</script>"})
    assert response.status_code == 400 and "<script>x" not in response.content.decode()
    assert client.get(url, {"code": "A" * 500}).status_code == 200  # too long for the form: shown again


# ---------------------------------------------------------------- support


def test_support(client: Any, users: dict[str, Any], mine: Any, hidden: Any) -> None:
    url = reverse("proposals:support", args=[mine.receipt_code])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "next=" in response["Location"] and mine.receipt_code in response["Location"]
    assert "support" not in response["Location"]
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 403
    login(client, users, "citizen2")
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="support-count"' in response.content.decode()
    client.post(url)
    mine.refresh_from_db()
    assert mine.support_count == 1
    # Hidden proposals: 404 for others, refused for the author.
    assert client.post(reverse("proposals:support", args=[hidden.receipt_code])).status_code == 404
    login(client, users, "citizen")
    client.post(reverse("proposals:support", args=[hidden.receipt_code]))
    hidden.refresh_from_db()
    assert hidden.support_count == 0


def test_support_reads_only_what_it_answers_with(client: Any, users: dict[str, Any], submit: Any, draft: Any) -> None:
    proposal = submit("Бапқа ұсыныс", article=draft.articles.get(number=2))
    login(client, users, "citizen2")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("proposals:support", args=[proposal.receipt_code]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ">1 " in response.content.decode()
    loaded = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"drafts_article"' not in loaded and '"search_text"' not in loaded and "preamble" not in loaded


# ---------------------------------------------------------------- moderation and answers


@pytest.mark.parametrize(("role", "allowed"), [
    (None, False), ("citizen", False), ("citizen2", False), ("analyst", False), ("coordinator", False),
    ("commission", False), ("operator", False), ("moderator", True), ("admin", True),
])
def test_hide_and_unhide_permissions(client: Any, users: dict[str, Any], mine: Any, role: str | None,
                                     allowed: bool) -> None:
    login(client, users, role)
    response = client.post(reverse("proposals:hide", args=[mine.receipt_code]), {"reason": "Personal data"})
    mine.refresh_from_db()
    assert mine.is_hidden is allowed
    if not allowed:
        assert response.status_code == 403
        assert not ProposalChange.objects.exists()
        return
    assert response.status_code == 302
    assert client.get(reverse("proposals:hide", args=[mine.receipt_code])).status_code == 405
    client.logout()
    assert mine.receipt_code not in client.get(reverse("proposals:list")).content.decode()
    login(client, users, role)
    client.post(reverse("proposals:unhide", args=[mine.receipt_code]), {"reason": "ok"})
    mine.refresh_from_db()
    assert not mine.is_hidden and ProposalChange.objects.count() == 4


def test_unhide_forbidden_for_non_moderators(client: Any, users: dict[str, Any], hidden: Any) -> None:
    for role in (None, "citizen", "analyst", "commission"):
        login(client, users, role)
        assert client.post(reverse("proposals:unhide", args=[hidden.receipt_code])).status_code == 403
    hidden.refresh_from_db()
    assert hidden.is_hidden


def test_hide_needs_reason_and_safe_next(client: Any, users: dict[str, Any], mine: Any) -> None:
    login(client, users, "moderator")
    url = reverse("proposals:hide", args=[mine.receipt_code])
    client.post(url, {"reason": ""})
    mine.refresh_from_db()
    assert not mine.is_hidden
    response = client.post(url, {"reason": "spam", "next": "https://evil.example/"})
    assert response["Location"] == mine.get_absolute_url()
    response = client.post(reverse("proposals:unhide", args=[mine.receipt_code]),
                           {"next": reverse("proposals:moderation") + "?show=hidden"})
    assert response["Location"] == reverse("proposals:moderation") + "?show=hidden"


@pytest.mark.parametrize(("role", "allowed"), [
    (None, False), ("citizen", False), ("citizen2", False), ("moderator", False), ("coordinator", False),
    ("operator", False), ("analyst", True), ("commission", True), ("admin", True),
])
def test_answer_permissions(client: Any, users: dict[str, Any], mine: Any, role: str | None, allowed: bool) -> None:
    login(client, users, role)
    response = client.post(reverse("proposals:answer", args=[mine.receipt_code]),
                           {"status": "rejected", "text": "Қабылданбады: негіздеме жоқ."})
    mine.refresh_from_db()
    assert (mine.status == "rejected") is allowed
    assert response.status_code == (302 if allowed else 403)
    if allowed:
        assert role is not None
        assert ProposalChange.objects.filter(proposal=mine, field="status", user=users[role]).exists()


def test_answer_bad_input(client: Any, users: dict[str, Any], mine: Any) -> None:
    login(client, users, "analyst")
    url = reverse("proposals:answer", args=[mine.receipt_code])
    client.post(url, {"status": "accepted", "text": ""})
    client.post(url, {"status": "<script>", "text": "x"})
    mine.refresh_from_db()
    assert mine.status == "new" and not ProposalChange.objects.exists()


@pytest.mark.parametrize(("role", "status"), [
    (None, 403), ("citizen", 403), ("citizen2", 403), ("analyst", 403), ("coordinator", 403),
    ("commission", 403), ("operator", 403), ("moderator", 200), ("admin", 200),
])
def test_moderation_queue(client: Any, users: dict[str, Any], mine: Any, hidden: Any, role: str | None,
                          status: int) -> None:
    login(client, users, role)
    response = client.get(reverse("proposals:moderation"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert mine.receipt_code in html and hidden.receipt_code not in html
        assert IIN in html  # moderators see originals, flagged
        assert response.context["items"][0]["personal_data"] == ["email", "iin", "phone"]
        html = client.get(reverse("proposals:moderation"), {"show": "hidden"}).content.decode()
        assert hidden.receipt_code in html and "Spam from a bot" in html


# ---------------------------------------------------------------- home


def test_home(client: Any, submit: Any, users: dict[str, Any]) -> None:
    from django.core.cache import cache

    from kenes.proposals.actions import answer_proposal

    cache.clear()
    one = submit(region="abai")
    submit(region="almaty")
    answer_proposal(proposal=one, user=users["analyst"], status="noted", text="Ескерілді.")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["proposal_count"] == 2 and response.context["answered_count"] == 1
    assert response.context["region_count"] == 2
    assert 'data-testid="time-left"' in html and "Сынақ заңы" in html
    assert client.get("/ru/").context["document_title"] == "Тестовый закон"


def test_home_without_consultation(client: Any, db: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    response = client.get("/en/")
    assert response.status_code == 200 and response.context["current"] is None


def test_time_left_in_words() -> None:
    from django.utils import translation

    from kenes.views import time_left_in_words

    now = timezone.now()
    with translation.override("en"):
        assert time_left_in_words(now + timedelta(days=12, hours=5), now) == "12 days left"
        assert time_left_in_words(now + timedelta(days=1, hours=5, minutes=3), now) == "1 day 5 hours left"
        assert time_left_in_words(now + timedelta(hours=3, minutes=20), now) == "3 hours 20 minutes left"
        assert time_left_in_words(now + timedelta(seconds=20), now) == "less than a minute left"
        assert time_left_in_words(now - timedelta(seconds=20), now) == ""


def test_pages_in_three_languages(client: Any, mine: Any) -> None:
    for prefix, word in (("", "Қазақша немесе орысша сөздер"), ("/ru", "Слова на казахском или русском"),
                         ("/en", "Words in Kazakh or Russian")):
        assert word in client.get(f"{prefix}/proposals/").content.decode()
    assert "Түбіртекті тексеру" in client.get("/receipts/").content.decode()
    html = client.get(f"/ru/receipts/{mine.receipt_code}/").content.decode()
    assert "Ваше предложение учтено" in html

"""Proposals and receipts in the API: public fields only, personal data masked, hidden ones never
listed; submission with a Bearer token, its errors and its rate limit."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kenes.drafts.models import Document, Version
from kenes.proposals.models import Proposal, ReceiptEntry

pytestmark = pytest.mark.django_db

PHONE_TEXT = "Позвоните мне: +7 701 234 56 78, почта aigul.s@mail.kz. Статью 1 нужно изменить."


def post(api: Any, payload: Any, token: str | None = None, **extra: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return api.post("/api/v1/proposals", body, content_type="application/json", **headers, **extra)


# ---------------------------------------------------------------- reading


def test_list_shows_public_fields_only_and_masks_personal_data(api: Any, submit: Any, users: Any) -> None:
    submit(PHONE_TEXT, author=users["citizen"], author_name="Айгүл Серікқызы Бекова")
    response = api.get("/api/v1/proposals")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert "+7 701 234 56 78" not in item["text"] and "aigul.s@mail.kz" not in item["text"]
    assert "+7 *** *** ** 78" in item["text"] and "a***@mail.kz" in item["text"]
    assert set(item) == {
        "receipt_code", "document", "version", "version_id", "article", "article_id", "kind", "text", "language",
        "region", "channel", "status", "answer_text", "answered_at", "support_count", "created_at", "url",
    }
    raw = response.content.decode()
    for private in ("Бекова", "citizen1", "author", "hidden_reason", "source_id"):
        assert private not in raw
    assert item["article"] == "1" and item["document"] == "test-law" and item["region"] == "atyrau"
    assert item["url"] == reverse("proposals:detail", args=[item["receipt_code"]])
    assert api.get(f"/api/v1/proposals/{item['receipt_code']}").json()["url"] == item["url"]


def test_masked_for_everyone_even_moderators(api: Any, submit: Any, users: Any) -> None:
    """The API is public open data: no role gets the original text through it."""
    proposal = submit(PHONE_TEXT)
    for role in ("moderator", "analyst", "admin"):
        api.force_login(users[role])
        assert "+7 701 234 56 78" not in api.get(f"/api/v1/proposals/{proposal.receipt_code}").content.decode()


def test_hidden_never_listed_and_404(api: Any, submit: Any, users: Any, token_for: Any) -> None:
    from kenes.proposals.actions import hide_proposal

    visible = submit("Видимое предложение.")
    hidden = submit("Скрытое предложение со спамом.", author=users["citizen"])
    hide_proposal(proposal=hidden, moderator=users["moderator"], reason="spam")
    codes = [p["receipt_code"] for p in api.get("/api/v1/proposals").json()["results"]]
    assert codes == [visible.receipt_code]
    assert api.get("/api/v1/proposals", {"q": "спам"}).json()["results"] == []
    for who in (None, "citizen", "moderator", "admin"):  # the author and moderators too: the API is public
        if who:
            api.force_login(users[who])
        response = api.get(f"/api/v1/proposals/{hidden.receipt_code}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_detail_accepts_typed_codes(api: Any, submit: Any) -> None:
    proposal = submit("Предложение по статье 1.")
    typed = proposal.receipt_code.replace("-", " ").lower()
    assert api.get(f"/api/v1/proposals/{typed}").json()["receipt_code"] == proposal.receipt_code
    for bad in ("nope", "0000-0000-00", "x" * 300, "<script>alert(1)</script>"):
        assert api.get(f"/api/v1/proposals/{bad}").status_code == 404


def test_filters(api: Any, submit: Any, users: Any, draft: Any) -> None:
    from kenes.proposals.actions import answer_proposal

    a = submit("Статью 1 изменить в части сроков.", article=1, region="atyrau", kind="amend")
    b = submit("Бапқа жаңа тармақ қосу керек, азаматтардың құқықтары туралы.", article=2, region="almaty", kind="add")
    c = submit("Общий комментарий к проекту в целом.", article=None, region="", kind="comment", channel="meeting")
    answer_proposal(proposal=b, user=users["commission"], status="accepted", text="Қабылданды. Сұрақтар: info@gov.kz")

    def codes(**params: Any) -> set[str]:
        response = api.get("/api/v1/proposals", params)
        assert response.status_code == 200, response.content
        return {p["receipt_code"] for p in response.json()["results"]}

    assert codes() == {a.receipt_code, b.receipt_code, c.receipt_code}
    assert codes(region="atyrau") == {a.receipt_code}
    assert codes(kind="add") == {b.receipt_code}
    assert codes(article=draft.articles.get(number=2).pk) == {b.receipt_code}
    assert codes(status="accepted") == {b.receipt_code}
    assert codes(channel="meeting") == {c.receipt_code}
    assert codes(version=draft.pk) == {a.receipt_code, b.receipt_code, c.receipt_code}
    assert codes(version=draft.pk + 1000) == set()
    assert codes(language=b.language) >= {b.receipt_code}
    assert codes(q="сроки") == {a.receipt_code}  # "сроков" found by another form of the word
    answered = api.get(f"/api/v1/proposals/{b.receipt_code}").json()
    assert answered["status"] == "accepted" and answered["answer_text"] == "Қабылданды. Сұрақтар: i***@gov.kz"


@pytest.mark.parametrize(
    "params",
    [
        {"region": "atlantis"}, {"status": "done"}, {"kind": "rewrite"}, {"channel": "pigeon"}, {"language": "xx"},
        {"limit": 0}, {"limit": 101}, {"limit": "many"}, {"article": "one"}, {"cursor": "!!!"},
        {"cursor": "bm90LWEtY3Vyc29y"}, {"q": "x" * 501},
    ],
)
def test_bad_filters_are_clear_422(api: Any, submit: Any, params: dict[str, Any]) -> None:
    response = api.get("/api/v1/proposals", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and isinstance(body["detail"], str) and body["detail"]


def test_cursor_pagination_walks_every_proposal_once(api: Any, submit: Any) -> None:
    created_at = timezone.now() - timedelta(hours=1)
    stored = [submit(f"Предложение номер {i}.", created_at=created_at + timedelta(minutes=i // 2)) for i in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        body = api.get("/api/v1/proposals", params).json()
        seen.extend(p["receipt_code"] for p in body["results"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(p.receipt_code for p in stored) and len(seen) == len(set(seen))
    newest_first = [p.receipt_code for p in sorted(stored, key=lambda p: (p.created_at, p.pk), reverse=True)]
    assert seen == newest_first


def test_unpublished_versions_are_not_listed(api: Any, submit: Any, draft: Any) -> None:
    submit("Предложение по статье 1.")
    Version.objects.filter(pk=draft.pk).update(is_published=False)
    assert api.get("/api/v1/proposals").json()["results"] == []


# ---------------------------------------------------------------- receipts


def test_receipt_for_public_and_hidden_proposals(api: Any, submit: Any, users: Any) -> None:
    from kenes.proposals.actions import hide_proposal

    proposal = submit("Предложение с квитанцией.")
    body = api.get(f"/api/v1/receipts/{proposal.receipt_code.lower()}").json()
    entry = ReceiptEntry.objects.get(receipt_code=proposal.receipt_code)
    assert body["counted"] is True and body["seq"] == entry.seq and body["entry_hash"] == entry.entry_hash
    assert body["entry_verified"] is True and body["content_verified"] is True
    assert body["status"] == "new" and body["hidden"] is False and body["proposal_url"]
    assert "text" not in body
    hide_proposal(proposal=proposal, moderator=users["moderator"], reason="личные данные третьих лиц")
    body = api.get(f"/api/v1/receipts/{proposal.receipt_code}").json()
    assert body["counted"] is True and body["hidden"] is True and body["proposal_url"] is None
    assert "личные" not in json.dumps(body, ensure_ascii=False)


def test_receipt_detects_an_edited_proposal(api: Any, submit: Any) -> None:
    proposal = submit("Исходный текст.")
    Proposal.objects.filter(pk=proposal.pk).update(text="Подменённый текст.")
    body = api.get(f"/api/v1/receipts/{proposal.receipt_code}").json()
    assert body["counted"] is True and body["content_verified"] is False


def test_unknown_receipt_is_404(api: Any, draft: Any) -> None:
    for code in ("ABCD-EFGH-JK", "nonsense", "%20"):
        response = api.get(f"/api/v1/receipts/{code}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


# ---------------------------------------------------------------- submission


def test_submission_needs_a_token(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    payload = {"text": "Предложение без токена.", "article": draft.articles.get(number=1).pk}
    for token in (None, "wrong", "kns_" + "x" * 43, "Basic abc"):
        response = post(api, payload, token)
        assert response.status_code == 401, token
        assert response.json()["code"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")
    # A session is not enough: the API takes tokens only (and so needs no CSRF token).
    api.force_login(users["citizen"])
    assert post(api, payload).status_code == 401
    assert Proposal.objects.count() == 0


def test_revoked_token_and_inactive_user_are_refused(api: Any, draft: Any, users: Any) -> None:
    from kenes.api.models import ApiToken

    token, plain = ApiToken.generate(user=users["citizen"])
    token.revoke()
    assert post(api, {"text": "Текст."}, plain).status_code == 401
    _other, plain2 = ApiToken.generate(user=users["citizen2"])
    users["citizen2"].is_active = False
    users["citizen2"].save()
    assert post(api, {"text": "Текст."}, plain2).status_code == 401
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("role", ["citizen", "coordinator_other", "analyst", "moderator", "admin"])
def test_any_account_with_a_token_may_submit(api: Any, draft: Any, users: Any, token_for: Any, role: str) -> None:
    article = draft.articles.get(number=2)
    response = post(api, {"text": "Статью 2 дополнить.", "kind": "add", "region": "kyzylorda", "article": article.pk},
                    token_for(users[role]))
    assert response.status_code == 201, response.content
    body = response.json()
    proposal = Proposal.objects.get(receipt_code=body["receipt_code"])
    assert proposal.channel == "api" and proposal.author == users[role] and proposal.article == article
    assert proposal.version == draft and proposal.kind == "add" and proposal.region == "kyzylorda"
    assert ReceiptEntry.objects.filter(receipt_code=proposal.receipt_code, proposal_id=proposal.pk).exists()
    assert body["created"] is True and body["proposal"]["channel"] == "api"
    assert body["receipt_url"].endswith(f"{proposal.receipt_code}/")


def test_submission_defaults_to_the_open_version(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    response = post(api, {"text": "Жоба туралы жалпы пікір."}, token_for(users["citizen"]))
    assert response.status_code == 201
    proposal = Proposal.objects.get()
    assert proposal.version == draft and proposal.article is None and proposal.kind == "amend"


def test_personal_data_is_kept_but_masked_in_the_answer(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    response = post(api, {"text": PHONE_TEXT}, token_for(users["citizen"]))
    assert "+7 701 234 56 78" not in response.content.decode()
    assert Proposal.objects.get().text == PHONE_TEXT


def test_client_id_makes_retries_idempotent(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    token = token_for(users["citizen"])
    payload = {"text": "Повторная отправка.", "client_id": "my-42"}
    first = post(api, payload, token)
    second = post(api, payload, token)
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["created"] is False
    assert first.json()["receipt_code"] == second.json()["receipt_code"]
    # Another user's client id is another proposal.
    assert post(api, payload, token_for(users["citizen2"])).status_code == 201
    assert Proposal.objects.count() == 2


def test_closed_window_is_409(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    now = timezone.now()
    Version.objects.filter(pk=draft.pk).update(consultation_opens=now - timedelta(days=60),
                                               consultation_closes=now - timedelta(days=1))
    token = token_for(users["citizen"])
    response = post(api, {"text": "Поздно.", "version": draft.pk}, token)
    assert response.status_code == 409 and response.json()["code"] == "closed" and response.json()["detail"]
    response = post(api, {"text": "Поздно."}, token)  # no open version at all
    assert response.status_code == 409
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"text": "Текст.", "region": "atlantis"}, 422),
        ({"text": "x" * 5001}, 422),
        ({"text": "x" * 100_001}, 422),
        ({"text": "   \u200b  "}, 422),
        ({"text": ""}, 422),
        ({"text": "Текст.", "kind": "rewrite"}, 422),
        ({"text": "Текст.", "article": 999_999}, 404),
        ({"text": "Текст.", "version": 999_999}, 404),
        ({"kind": "amend"}, 422),
        ({"text": ["a", "list"]}, 422),
        ({"text": "Текст.", "article": "one"}, 422),
        ({"text": "Текст.", "client_id": "c" * 201}, 422),
        ("{not json", 400),
        ("[]", 422),
        ("", 422),
    ],
)
def test_bad_submissions_are_clear_4xx(
    api: Any, draft: Any, users: Any, token_for: Any, payload: Any, status: int,
) -> None:
    response = post(api, payload, token_for(users["citizen"]))
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"] and body["code"]
    assert Proposal.objects.count() == 0


def test_article_of_another_version_is_refused(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    other = Version.objects.create(document=Document.objects.get(), name="other", consultation_opens=draft.consultation_opens,
                                   consultation_closes=draft.consultation_closes)
    response = post(api, {"text": "Текст.", "version": other.pk, "article": draft.articles.get(number=1).pk},
                    token_for(users["citizen"]))
    assert response.status_code == 422
    assert Proposal.objects.count() == 0


def test_a_batch_of_good_and_bad_submissions(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    """Bad requests lose nothing: the good ones around them all go in."""
    token = token_for(users["citizen"])
    statuses = [post(api, {"text": text}, token).status_code for text in ("Один.", "", "Два.", "x" * 6000, "Три.")]
    assert statuses == [201, 422, 201, 422, 201]
    assert sorted(Proposal.objects.values_list("text", flat=True)) == ["Два.", "Один.", "Три."]


def test_hostile_text_is_stored_verbatim_and_served_as_json(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    text = '<script>alert("x")</script> "); DROP TABLE proposals_proposal; --'
    response = post(api, {"text": text}, token_for(users["citizen"]))
    assert response.status_code == 201
    code = response.json()["receipt_code"]
    detail = api.get(f"/api/v1/proposals/{code}")
    assert detail["Content-Type"].startswith("application/json")
    assert detail.json()["text"] == text
    assert Proposal.objects.count() == 1


def test_rate_limit_per_user_and_per_ip(api: Any, draft: Any, users: Any, token_for: Any, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_SUBMIT_RATE = "2/h"
    token = token_for(users["citizen"])
    results = [post(api, {"text": f"Предложение {i}."}, token, REMOTE_ADDR=f"10.0.0.{i}").status_code
               for i in range(3)]
    assert results == [201, 201, 429]  # per user, whatever the address
    other = token_for(users["citizen2"])
    third = token_for(users["analyst"])
    results = [post(api, {"text": f"С одного адреса {i}."}, t, REMOTE_ADDR="10.9.9.9").status_code
               for i, t in enumerate((other, third, third))]
    assert results == [201, 201, 429]  # per address, whoever the user
    limited = post(api, {"text": "Ещё."}, other, REMOTE_ADDR="10.9.9.9")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert Proposal.objects.count() == 4
    cache.clear()


def test_token_submission_needs_no_csrf_token(draft: Any, users: Any, token_for: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post(strict, {"text": "Через скрипт."}, token_for(users["citizen"]))
    assert response.status_code == 201, response.content
    strict.force_login(users["citizen"])  # a session cookie does not turn CSRF checks on for token requests
    assert post(strict, {"text": "Ещё через скрипт."}, token_for(users["citizen"])).status_code == 201

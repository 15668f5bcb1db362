"""Submission through the API stays cheap and answers as before: the answer is byte for byte the
one built from a fresh read of the stored proposal (what the endpoint used to send), and the
queries a submission runs are counted, so a cut cannot silently come back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kenes.api.api import api as ninja_api
from kenes.api.proposals import ProposalCreated, proposal_out, web_url
from kenes.drafts.models import Article
from kenes.proposals.actions import BY_SOURCE, answer_proposal, support_proposal
from kenes.proposals.models import Proposal, ReceiptEntry
from tests.queries import statements

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals"
PHONE_TEXT = "Позвоните мне: +7 701 234 56 78, почта aigul.s@mail.kz. Статью 1 нужно изменить."


def post(api: Any, payload: dict[str, Any], token: str, **extra: Any) -> Any:
    return api.post(URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                    **extra)


def fresh_answer(receipt_code: str, *, created: bool) -> bytes:
    """The answer as the endpoint built it before: from the stored proposal read afresh."""
    stored = Proposal.objects.select_related("version__document", "article").get(receipt_code=receipt_code)
    body = {
        "created": created,
        "receipt_code": stored.receipt_code,
        "receipt_url": web_url("proposals:receipt", stored.receipt_code),
        "proposal": proposal_out(stored),
    }
    rendered = ninja_api.renderer.render(None, ProposalCreated.model_validate(body).model_dump(),  # type: ignore[arg-type]
                                         response_status=201 if created else 200)
    return rendered.encode() if isinstance(rendered, str) else bytes(rendered)


@pytest.mark.parametrize("target", ["article", "sub_article", "version", "open_version"])
def test_answer_is_the_stored_proposal(api: Any, draft: Any, users: Any, token_for: Any, target: str) -> None:
    inserted = Article.objects.create(version=draft, number=2, sub_number=1, text_kk="Кірістірілген бап.")
    payload: dict[str, Any] = {"text": PHONE_TEXT, "kind": "add", "region": "kyzylorda", "client_id": "c-1"}
    if target == "article":
        payload["article"] = draft.articles.get(number=3).pk
    elif target == "sub_article":
        payload["article"] = inserted.pk
    elif target == "version":
        payload["version"] = draft.pk
    token = token_for(users["citizen"])
    with CaptureQueriesContext(connection) as queries:
        response = post(api, payload, token)
    assert response.status_code == 201, response.content
    # One read of the target; none later for a field it was loaded without.
    assert sum('FROM "drafts_' in q["sql"] for q in queries.captured_queries) == 1
    code = response.json()["receipt_code"]
    assert response.content == fresh_answer(code, created=True)
    if target == "sub_article":
        assert response.json()["proposal"]["article"] == "2-1"


def test_a_repeated_client_id_answers_with_the_stored_proposal_as_it_is_now(
    api: Any, draft: Any, users: Any, token_for: Any
) -> None:
    token = token_for(users["citizen"])
    payload = {"text": "Повторная отправка.", "article": draft.articles.get(number=1).pk, "client_id": "my-42"}
    first = post(api, payload, token)
    code = first.json()["receipt_code"]
    stored = Proposal.objects.get(receipt_code=code)
    answer_proposal(proposal=stored, user=users["analyst"], status="accepted", text="Ескерілді. Тел. +7 701 234 56 78")
    support_proposal(proposal=stored, user=users["citizen2"])
    again = post(api, {**payload, "text": "Другой текст."}, token)
    assert again.status_code == 200
    assert again.content == fresh_answer(code, created=False)
    assert again.json()["proposal"]["status"] == "accepted" and again.json()["proposal"]["support_count"] == 1


def test_the_source_race_answers_with_the_stored_proposal(
    api: Any, draft: Any, users: Any, token_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request stores the same client id between the check and the insert: the unique
    constraint refuses the second insert, which then answers with the stored proposal."""
    token = token_for(users["citizen"])
    payload = {"text": "Гонка запросов.", "client_id": "race-1"}
    first = post(api, payload, token)
    real = BY_SOURCE.first
    calls: list[str] = []

    def missed_once(source: str, source_id: str) -> Proposal | None:
        calls.append(source_id)
        return None if len(calls) == 1 else real(source, source_id)

    monkeypatch.setattr(BY_SOURCE, "first", missed_once)
    again = post(api, payload, token)
    assert calls == ["race-1", "race-1"]
    assert again.status_code == 200 and again.content == fresh_answer(first.json()["receipt_code"], created=False)
    assert Proposal.objects.count() == 1 and ReceiptEntry.objects.count() == 1


def test_queries_of_a_new_submission(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    token = token_for(users["citizen"])
    post(api, {"text": "Первое: токен уже использован.", "client_id": "q-0"}, token)  # last_used_at is set
    article = draft.articles.get(number=2)
    with CaptureQueriesContext(connection) as queries:
        response = post(api, {"text": "Статью 2 дополнить.", "article": article.pk, "client_id": "q-1"}, token)
    assert response.status_code == 201
    run = statements(queries)
    expected = [
        ('FROM "api_apitoken"', 'JOIN "accounts_user"'),  # token and user, one plain query
        ('FROM "drafts_article"', 'JOIN "drafts_version"', 'JOIN "drafts_document"'),  # target
        ('FROM "proposals_proposal"', '"source_id" IN'),  # the client id is new
        ('FROM "proposals_proposal"', "UNION ALL", 'FROM "proposals_receiptentry"'),  # the code is free
        ('INSERT INTO "proposals_proposal"',),
        ('SELECT "seq", "entry_hash" FROM "proposals_receiptentry"',),  # the log's last link
        ('INSERT INTO "proposals_receiptentry"',),
    ]
    assert len(run) == len(expected), run
    for sql, parts in zip(run, expected, strict=True):
        assert all(part in sql for part in parts), (parts, sql)
    # The article's query is by id: no ORDER BY (no sort, no join for the version's ordering), and
    # without the long texts a submission never reads.
    assert "ORDER BY" not in run[1] and "text_kk" not in run[1] and "preamble" not in run[1]


def test_queries_of_a_repeated_client_id(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    token = token_for(users["citizen"])
    payload = {"text": "Повтор.", "client_id": "r-1"}
    post(api, payload, token)
    with CaptureQueriesContext(connection) as queries:
        assert post(api, payload, token).status_code == 200
    run = statements(queries)
    assert len(run) == 3, run  # token and user, the open version, the stored proposal by its client id
    assert '"source_id" IN' in run[2]
    assert 'JOIN "drafts_document"' in run[2] and 'JOIN "drafts_article"' in run[2]  # all the answer shows
    assert not any(sql.startswith(("INSERT", "UPDATE")) for sql in run)


def test_unpublished_targets_are_not_found(api: Any, draft: Any, users: Any, token_for: Any) -> None:
    token = token_for(users["citizen"])
    article = draft.articles.get(number=1)
    draft.is_published = False
    draft.save(update_fields=["is_published"])
    for payload, detail in (({"article": article.pk}, "No such article."), ({"version": draft.pk}, "No such published version.")):
        response = post(api, {"text": "Текст.", **payload}, token, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404 and response.json()["detail"] == detail, response.content
    assert Proposal.objects.count() == 0

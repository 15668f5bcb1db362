"""Hostile input through the web and the API: stored XSS in every text a person can enter,
invisible and direction-override characters, oversized bodies, invalid UTF-8, deeply nested
JSON. Each gets a clear 4xx or is neutralised; nothing half-stored; no 500."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kenes.api.models import ApiToken
from kenes.proposals.actions import InvalidProposal, submit_proposal
from kenes.proposals.models import Proposal, ReceiptEntry
from tests.security.hostile import BIDI, INVISIBLE, SCRIPT_PAYLOADS

pytestmark = pytest.mark.django_db

RAW_MARKERS = ["<script>alert(", "<img src=x onerror", "<svg/onload", "<b>kenes-xss-5</b>"]


def assert_escaped(content: bytes, where: str) -> None:
    text = content.decode()
    for marker in RAW_MARKERS:
        assert marker not in text, f"unescaped {marker!r} on {where}"


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_script_in_proposal_text_and_author_name_is_escaped_everywhere(
    client: Client, draft: Any, users: dict[str, Any], make_user: Any
) -> None:
    author = make_user("xss_author", "citizen", "atyrau", first_name=SCRIPT_PAYLOADS[1], last_name=SCRIPT_PAYLOADS[0])
    login(client, author)
    article = draft.articles.get(number=1)
    codes = []
    for payload in SCRIPT_PAYLOADS:
        response = client.post(
            reverse("proposals:submit"),
            {"article": article.pk, "kind": "amend", "text": f"Ұсыныс {payload} мәтіні", "region": "atyrau"},
        )
        assert response.status_code == 302, response.content[:500]
        codes.append(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    stored = list(Proposal.objects.order_by("id"))
    assert len(stored) == len(SCRIPT_PAYLOADS)
    assert SCRIPT_PAYLOADS[0] in stored[0].text  # kept as typed (it is a proposal), escaped on output
    pages = [reverse("proposals:list"), reverse("proposals:list") + "?q=alert", reverse("home")]
    pages += [reverse("proposals:detail", args=[code]) for code in codes]
    pages += [reverse("proposals:receipt", args=[code]) for code in codes]
    pages += [reverse("drafts:article", args=[draft.document.slug, draft.name, 1])]
    for user in (None, author, users["moderator"], users["analyst"], users["admin"]):
        viewer = Client()
        if user is not None:
            viewer.force_login(user)
        for page in [*pages, reverse("proposals:moderation")]:
            response = viewer.get(page)
            assert response.status_code in (200, 302, 403, 404), (page, response.status_code)
            assert_escaped(response.content, f"{page} as {user}")
    assert html.escape(SCRIPT_PAYLOADS[0]) in client.get(pages[3]).content.decode()
    api = Client().get("/api/v1/proposals")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")
    assert SCRIPT_PAYLOADS[0] in json.dumps(api.json(), ensure_ascii=False)  # JSON carries data, not markup


def test_script_in_search_and_filters_is_escaped(client: Client, draft: Any) -> None:
    for payload in SCRIPT_PAYLOADS:
        for params in ({"q": payload}, {"region": payload}, {"status": payload}, {"page": payload}):
            response = client.get(reverse("proposals:list"), params)
            assert response.status_code in (200, 400), (params, response.status_code)
            assert_escaped(response.content, f"list {params}")
        response = client.get(reverse("proposals:receipt_lookup"), {"code": payload})
        assert response.status_code in (200, 400, 404)
        assert_escaped(response.content, "receipt lookup")


def test_invisible_and_direction_override_characters_are_removed(draft: Any) -> None:
    text = f"Мен{INVISIBLE}ің ұсыныс{BIDI}ым: 8-бап\u202eтxt.exe"
    proposal = submit_proposal(version=draft, article=None, text=text, kind="comment", region="", channel="web")
    assert not any(ch in proposal.text for ch in INVISIBLE + BIDI)
    assert proposal.text.startswith("Менің ұсынысым")
    with pytest.raises(InvalidProposal):
        submit_proposal(
            version=draft, article=None, text=INVISIBLE + BIDI + " \n\t", kind="comment", region="", channel="web"
        )


def test_oversized_texts_and_bodies_get_a_clear_error(
    client: Client, draft: Any, users: dict[str, Any], settings: Any
) -> None:
    login(client, users["citizen"])
    too_long = "ұ" * (settings.KENES_PROPOSAL_MAX_CHARS + 1)
    response = client.post(reverse("proposals:submit"), {"kind": "amend", "text": too_long})
    assert response.status_code == 400
    assert str(settings.KENES_PROPOSAL_MAX_CHARS) in response.content.decode()
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post(reverse("proposals:submit"), {"kind": "amend", "text": huge})
    assert response.status_code == 400
    many_fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 5)}
    response = client.post(reverse("proposals:submit"), {"kind": "amend", "text": "ok", **many_fields})
    assert response.status_code == 400
    assert Proposal.objects.count() == 0 and ReceiptEntry.objects.count() == 0


def test_invalid_utf8_in_urls_forms_and_bodies(client: Client, draft: Any, users: dict[str, Any]) -> None:
    for path in (
        "/proposals/?q=%FF%FE%C0",
        "/receipts/?code=%C3%28",
        "/proposals/%FF%FE/",
        "/api/v1/proposals?region=%FF",
    ):
        response = client.get(path)
        assert response.status_code in (200, 400, 404, 422), (path, response.status_code)
    login(client, users["citizen"])
    response = client.post(
        reverse("proposals:submit"),
        b"kind=amend&text=%FF%FE%ED%A0%80bad",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400)
    for stored in Proposal.objects.all():
        stored.text.encode("utf-8")  # whatever went in is valid text


@pytest.fixture
def token(users: dict[str, Any]) -> str:
    return ApiToken.generate(user=users["citizen"], name="hostile")[1]


def api_post(body: bytes | str, token: str, content_type: str = "application/json") -> Any:
    return Client().post("/api/v1/proposals", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"text": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
        b'{"text": "\xff\xfe\xed\xa0\x80"}',
        b"\xef\xbb\xbf\x00\x00\x00{",
        '{"text": "ok", "text": ' + '"x", ' * 10 + "}",
        '{"text": "' + "a" * 200_000 + '"}',
        '{"text": "\\ud800 lone surrogate"}',
        '{"text": 1e999999}',
        '{"text": null, "article": 99999999999999999999999}',
        "",
        "null",
    ],
    ids=[
        "deep-array",
        "deep-object",
        "invalid-utf8",
        "nul",
        "trailing-comma",
        "oversized",
        "surrogate",
        "huge-number",
        "huge-id",
        "empty",
        "null",
    ],
)
def test_hostile_json_bodies_get_a_clear_4xx(draft: Any, token: str, body: bytes | str) -> None:
    response = api_post(body, token)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert Proposal.objects.count() == 0


def test_script_in_api_client_id_and_text_is_data(draft: Any, token: str) -> None:
    response = api_post(
        json.dumps({"text": SCRIPT_PAYLOADS[0], "kind": "comment", "client_id": SCRIPT_PAYLOADS[1]}), token
    )
    assert response.status_code in (200, 201), response.content[:300]
    code = response.json()["receipt_code"]
    page = Client().get(reverse("proposals:detail", args=[code]))
    assert page.status_code == 200
    assert_escaped(page.content, "detail of an API proposal")

"""Arbitrary input to the API's own parsers (cursors, article labels, receipt codes, filters) and
to its JSON body never makes a 500: the answer is a result or a clear 4xx."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kenes.api.common import ApiError
from kenes.api.drafts import parse_label
from kenes.api.proposals import decode_cursor, encode_cursor

pytestmark = pytest.mark.django_db

TEXT = st.text(max_size=300)
FIXTURES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(TEXT)
def test_parse_label_never_raises(label: str) -> None:
    parsed = parse_label(label)
    assert parsed is None or (parsed[0] >= 0 and parsed[1] >= 0)


@given(TEXT)
def test_decode_cursor_gives_a_position_or_a_clear_error(cursor: str) -> None:
    try:
        created_at, pk = decode_cursor(cursor)
    except ApiError as error:
        assert error.status == 422
    else:
        assert pk >= 0 and created_at is not None


def test_cursor_round_trip(submit: Any) -> None:
    proposal = submit("Предложение.")
    assert decode_cursor(encode_cursor(proposal)) == (proposal.created_at, proposal.pk)


@FIXTURES
@given(st.dictionaries(st.sampled_from(["q", "region", "status", "kind", "channel", "language", "cursor", "limit",
                                        "article", "version"]), TEXT, max_size=4))
def test_list_filters_never_fail(client: Any, draft: Any, params: dict[str, str]) -> None:
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
    response = client.get(f"/api/v1/proposals?{query}")
    assert response.status_code in (200, 422), response.content[:300]
    assert response.json()


@FIXTURES
@given(TEXT)
def test_path_parameters_never_fail(client: Any, draft: Any, value: str) -> None:
    piece = quote(value, safe="") or "x"
    for url in (f"/api/v1/proposals/{piece}", f"/api/v1/receipts/{piece}", f"/api/v1/documents/{piece}",
                f"/api/v1/documents/test-law/versions/draft-1/articles/{piece}"):
        response = client.get(url)
        assert response.status_code in (200, 404, 422), (url, response.status_code)


@FIXTURES
@given(st.one_of(
    st.text(max_size=500),
    st.dictionaries(st.sampled_from(["text", "kind", "region", "article", "version", "client_id"]),
                    st.one_of(st.text(max_size=200), st.integers(), st.none(), st.booleans(), st.lists(st.integers())),
                    max_size=6).map(json.dumps),
))
def test_submission_bodies_never_fail(client: Any, draft: Any, users: Any, body: str) -> None:
    from kenes.api.models import ApiToken

    token = ApiToken.generate(user=users["citizen"])[1]
    response = client.post("/api/v1/proposals", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in (200, 201, 400, 404, 409, 422), (response.status_code, response.content[:300])
    payload = response.json()
    assert ("receipt_code" in payload) if response.status_code in (200, 201) else payload["detail"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/proposals?article={10**20}",
        f"/api/v1/proposals?version={10**20}",
        f"/api/v1/proposals?article={-(10**20)}",
        f"/api/v1/articles/{10**20}",
        f"/api/v1/articles/{-(10**20)}",
    ],
)
def test_huge_numbers_are_a_clear_answer(client: Any, draft: Any, url: str) -> None:
    assert client.get(url).status_code in (404, 422)


def test_huge_numbers_in_a_cursor_and_a_submission(client: Any, draft: Any, users: Any, submit: Any) -> None:
    import base64

    from kenes.api.models import ApiToken

    submit("Предложение.")
    cursor = base64.urlsafe_b64encode(f"2026-01-01T00:00:00+00:00|{10**30}".encode()).decode().rstrip("=")
    assert client.get(f"/api/v1/proposals?cursor={cursor}").status_code == 422
    token = ApiToken.generate(user=users["citizen"])[1]
    for field in ("article", "version"):
        response = client.post("/api/v1/proposals", json.dumps({"text": "x", field: 10**20}),
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code in (404, 422)

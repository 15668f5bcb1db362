"""The read-only referendum API router (kenes/api/referendum.py), exercised through ninja's
test client: public, no personal data, clear 404s."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ninja.testing import TestClient

from kenes.api.common import ApiError
from kenes.api.referendum import router
from kenes.referendum import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(router)


def test_list_and_national_results(client: TestClient, tree: dict[str, Any], question: Any,
                                   good: dict[str, int]) -> None:
    actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=good)
    actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question, figures=good)
    listed = client.get("/referendums").json()
    assert listed[0]["slug"] == "ref-2026" and listed[0]["territorial_share"] == "2/3"
    national = client.get("/referendums/ref-2026/results").json()
    assert national["unit"]["votes_for"] == 600 and national["unit"]["protocols"] == 1
    assert national["outcome"]["decided_by"] == "territorial" and not national["outcome"]["adopted"]
    assert len(national["children"]) == 20
    region = client.get("/referendums/ref-2026/results", query_params={"unit": "atyrau"}).json()
    assert region["unit"]["level"] == "regional" and region["outcome"]["adopted"]
    precinct = client.get("/referendums/ref-2026/results", query_params={"unit": "101"}).json()
    assert precinct["unit"]["found"] == 715 and precinct["children"] == []
    assert "operator" not in json.dumps(national)


@pytest.mark.parametrize("path", ["/referendums/nope/results", "/referendums/ref-2026/results?unit=zzz",
                                  "/referendums/ref-2026/results?question=5"])
def test_not_found(client: TestClient, tree: dict[str, Any], path: str) -> None:
    """The router raises the API's ApiError; kenes/api/api.py turns it into a JSON 404."""
    with pytest.raises(ApiError) as error:
        client.get(path)
    assert error.value.status == 404 and error.value.code == "not_found"

"""The insights API router (kenes/api/insights.py). Until it is mounted in kenes/api/api.py, the tests
mount it on an API of their own with the same error handlers."""

from __future__ import annotations

from typing import Any

import pytest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.testing import TestClient

from kenes.api import api as main
from kenes.api.common import ApiError
from kenes.api.insights import router
from kenes.api.models import ApiToken
from kenes.insights.models import ProposalGroup


def make_client() -> TestClient:
    if getattr(router, "api", None) is main.api:
        return TestClient(main.api)
    api = NinjaAPI(urls_namespace="insights-api-test")
    api.add_router("/", router)
    api.add_exception_handler(ApiError, main.api_error)
    api.add_exception_handler(AuthenticationError, main.authentication_error)
    return TestClient(api)


CLIENT: TestClient | None = None


@pytest.fixture
def api_client() -> TestClient:
    global CLIENT
    if CLIENT is None:
        CLIENT = make_client()
    return CLIENT


def auth(user: Any) -> dict[str, str]:
    _token, plain = ApiToken.generate(user=user)
    return {"Authorization": f"Bearer {plain}"}


def test_analyst_reads_groups_and_runs(api_client: TestClient, users: dict[str, Any], run: Any) -> None:
    headers = auth(users["analyst"])
    runs = api_client.get("/insights/runs", headers=headers)
    assert runs.status_code == 200 and runs.json()[0]["current"]
    groups = api_client.get("/insights/groups?kind=form_letter&limit=5", headers=headers)
    assert groups.status_code == 200
    data = groups.json()
    assert 0 < len(data) <= 5 and all(g["kind"] == "form_letter" for g in data)
    detail = api_client.get(f"/insights/groups/{data[0]['id']}", headers=headers)
    assert detail.status_code == 200
    assert len(detail.json()["members"]) == data[0]["size"]
    assert api_client.get("/insights/groups/999999999", headers=headers).status_code == 404
    assert api_client.get("/insights/groups?limit=abc", headers=headers).status_code == 422
    assert len(api_client.get("/insights/groups?limit=100000&offset=-5", headers=headers).json()) <= 200


def test_analyst_starts_a_run(api_client: TestClient, users: dict[str, Any], run: Any) -> None:
    headers = auth(users["analyst"])
    response = api_client.post("/insights/runs", json={"kind": "incremental"}, headers=headers)
    assert response.status_code == 202
    assert response.json()["status"] == "done"  # tasks run at once in tests
    assert api_client.post("/insights/runs", json={"kind": "<x>"}, headers=headers).status_code == 400


@pytest.mark.parametrize("role", ["citizen", "coordinator", "coordinator_other", "moderator", "commission", "operator"])
def test_others_get_nothing(api_client: TestClient, users: dict[str, Any], run: Any, role: str) -> None:
    headers = auth(users[role])
    group = ProposalGroup.objects.filter(run=run).first()
    assert group is not None
    for path in ["/insights/runs", "/insights/groups", f"/insights/groups/{group.pk}"]:
        response = api_client.get(path, headers=headers)
        assert response.status_code == 403, (role, path)
        assert "label" not in response.content.decode()
    assert api_client.post("/insights/runs", json={"kind": "full"}, headers=headers).status_code == 403


def test_anonymous_gets_401(api_client: TestClient, run: Any) -> None:
    for path in ["/insights/runs", "/insights/groups"]:
        assert api_client.get(path).status_code == 401

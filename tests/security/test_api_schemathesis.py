"""schemathesis against the live OpenAPI schema (`/api/v1/openapi.json`), in-process through the
WSGI application: no network, bounded examples per operation. Every generated request, valid or
not, must get a documented answer: no 5xx, a response that matches the schema.

(schemathesis' own pytest loader, `from_fixture`, does not work with pytest 9 yet, so each
operation is driven with hypothesis from a plain test that has the database fixtures.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

from kenes.api.models import ApiToken

pytestmark = pytest.mark.django_db


def api_operations() -> list[tuple[str, str]]:
    """Every operation of the mounted API, read from the same schema the server serves."""
    from kenes.api.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return sorted((method.upper(), path) for path, item in paths.items() for method in item)


OPERATIONS = api_operations()


@pytest.fixture
def live_schema(draft: Any, users: dict[str, Any]) -> Iterator[Any]:
    from kenes.proposals.actions import submit_proposal

    article = draft.articles.get(number=1)
    for n in range(3):
        submit_proposal(
            version=draft,
            article=article,
            text=f"Ұсыныс {n}: 8-бапты өзгерту",
            kind="amend",
            region="atyrau",
            channel="web",
            author=users["citizen"],
        )
    # Like Django's test client: the test's transaction must survive the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_live_schema_has_the_operations_of_the_mounted_api(live_schema: Any) -> None:
    found = {(r.ok().method.upper(), r.ok().path) for r in live_schema.get_all_operations()}
    assert {path.removeprefix("/api/v1") for _m, path in OPERATIONS} <= {p.removeprefix("/api/v1") for _m, p in found}
    assert ("POST", "/api/v1/proposals") in OPERATIONS and len(OPERATIONS) >= 10


CASES = [pytest.param(m, p, GenerationMode.POSITIVE, id=f"{m} {p} valid") for m, p in OPERATIONS] + [
    pytest.param(m, p, GenerationMode.NEGATIVE, id=f"{m} {p} invalid") for m, p in OPERATIONS
]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_operation_conforms_to_its_schema(
    live_schema: Any, users: dict[str, Any], method: str, path: str, mode: Any
) -> None:
    """No 5xx, documented status codes and content types, responses valid against the schema,
    invalid data rejected. A schema-valid request may still get a 4xx: the schema does not list
    every domain rule (an unknown region slug, a closed consultation), so that check is off. For
    invalid requests the answer must be a 4xx (negative_data_rejection), whether or not the
    operation lists 422 among its responses."""
    excluded = [positive_data_acceptance]
    if mode == GenerationMode.NEGATIVE:
        excluded.append(status_code_conformance)
    token = ApiToken.generate(user=users["citizen"], name="schemathesis")[1]
    operation = next(
        r.ok()
        for r in live_schema.get_all_operations()
        if r.ok().method.upper() == method and path.endswith(r.ok().path.removeprefix("/api/v1"))
    )

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)

    try:
        run()
    except Unsatisfiable:
        if mode != GenerationMode.NEGATIVE:
            raise
        pytest.skip("the schema constrains nothing here: no invalid request can be generated")

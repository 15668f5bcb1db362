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

from kenes.api.models import ApiToken
from tests.schemathesis_run import api_operations, cases, check_operation, wsgi_schema

pytestmark = pytest.mark.django_db


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
    with wsgi_schema() as schema:
        yield schema


def test_the_live_schema_has_the_operations_of_the_mounted_api(live_schema: Any) -> None:
    found = {(r.ok().method.upper(), r.ok().path) for r in live_schema.get_all_operations()}
    assert {path.removeprefix("/api/v1") for _m, path in OPERATIONS} <= {p.removeprefix("/api/v1") for _m, p in found}
    assert ("POST", "/api/v1/proposals") in OPERATIONS and len(OPERATIONS) >= 10


CASES = cases(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_operation_conforms_to_its_schema(
    live_schema: Any, users: dict[str, Any], method: str, path: str, mode: Any
) -> None:
    """No 5xx, documented status codes and content types, responses valid against the schema,
    invalid data rejected. A schema-valid request may still get a 4xx: the schema does not list
    every domain rule (an unknown region slug, a closed consultation), so that check is off. For
    invalid requests the answer must be a 4xx (negative_data_rejection), whether or not the
    operation lists 422 among its responses."""
    token = ApiToken.generate(user=users["citizen"], name="schemathesis")[1]
    check_operation(live_schema, method, path, mode, max_examples=15, headers={"Authorization": f"Bearer {token}"})

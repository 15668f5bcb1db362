"""Driving schemathesis over the live OpenAPI schema in-process (shared by tests/security and tests/api).

schemathesis' own pytest loader, `from_fixture`, does not work with pytest 9 yet, so each operation is
driven with hypothesis from a plain test that has the database fixtures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


def api_operations(tags: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(METHOD, path) of every operation of the mounted API, or of those with one of `tags`."""
    from kenes.api.api import api

    wanted = set(tags) if tags is not None else None
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return sorted(
        (method.upper(), path)
        for path, item in paths.items()
        for method, operation in item.items()
        if wanted is None or set(operation.get("tags", [])) & wanted
    )


def cases(operations: list[tuple[str, str]]) -> list[Any]:
    """One valid and one invalid case per operation, for `pytest.mark.parametrize`."""
    return [pytest.param(m, p, GenerationMode.POSITIVE, id=f"{m} {p} valid") for m, p in operations] + [
        pytest.param(m, p, GenerationMode.NEGATIVE, id=f"{m} {p} invalid") for m, p in operations
    ]


@contextmanager
def wsgi_schema() -> Iterator[Any]:
    """The schema the server serves, loaded through the WSGI application. Like Django's test client,
    the test's transaction must survive the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def check_operation(
    live_schema: Any, method: str, path: str, mode: Any, *, max_examples: int, headers: dict[str, str] | None = None
) -> None:
    """No 5xx, documented status codes and content types, responses valid against the schema,
    invalid data rejected with a 4xx. A schema-valid request may still get a 4xx: the schema does not
    list every domain rule (an unknown region slug, a closed consultation), so that check is off."""
    excluded = [positive_data_acceptance]
    if mode == GenerationMode.NEGATIVE:
        excluded.append(status_code_conformance)
    operation = next(
        r.ok()
        for r in live_schema.get_all_operations()
        if r.ok().method.upper() == method and path.endswith(r.ok().path.removeprefix("/api/v1"))
    )

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers or {}, excluded_checks=excluded)

    try:
        run()
    except Unsatisfiable:
        if mode != GenerationMode.NEGATIVE:
            raise
        pytest.skip("the schema constrains nothing here: no invalid request can be generated")

"""schemathesis over the campaign and news operations, with data in the database: coalitions, events of
every status (a held one with its report), news with and without a date, and confirmed and suggested
links, so that generated requests find rows and cursors and every answer is checked against the schema.
(tests/security/test_api_schemathesis.py drives every operation against a database of proposals only.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

pytestmark = pytest.mark.django_db

TAGS = ("campaign", "news")


def public_operations() -> list[tuple[str, str]]:
    from kenes.api.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return sorted(
        (method.upper(), path)
        for path, item in paths.items()
        for method, operation in item.items()
        if set(operation.get("tags", [])) & set(TAGS)
    )


OPERATIONS = public_operations()


def test_every_campaign_and_news_operation_is_here() -> None:
    assert {path for _m, path in OPERATIONS} == {
        "/api/v1/campaign/coalitions", "/api/v1/campaign/events", "/api/v1/campaign/events/{event_id}",
        "/api/v1/news", "/api/v1/news/{news_id}",
    }
    assert {m for m, _p in OPERATIONS} == {"GET"}


@pytest.fixture
def live_schema(users: dict[str, Any], draft: Any) -> Iterator[Any]:
    from kenes.campaign.actions import report_event
    from kenes.campaign.models import Coalition, Event, EventStatus
    from kenes.media.actions import ingest_document, link_event
    from kenes.media.models import EventCoverage
    from kenes.nlp.news_io import RawDocument

    national = Coalition.objects.create(level="national", name_kk="Жалпыұлттық коалиция")
    regional = Coalition.objects.create(level="regional", parent=national, region="atyrau", name_kk="Атырау")
    Coalition.objects.create(level="territorial", parent=regional, region="atyrau", district="KZ233600",
                             name_kk="Жылыой")
    now = timezone.now()
    events = [
        Event.objects.create(coalition=regional, title=f"Іс-шара {n} <i>", region="atyrau",
                             starts_at=now + timedelta(days=n - 3), event_type=kind, status=status)
        for n, (kind, status) in enumerate([("meeting", EventStatus.PLANNED), ("forum", EventStatus.PLANNED),
                                            ("visit", EventStatus.CANCELLED), ("round_table", EventStatus.PLANNED)])
    ]
    report_event(user=users["coordinator"], event=events[0], attendance=75, audiences=["youth"], themes=["labour"],
                 summary="Хабарласу: test@example.kz", questions="Бір?\nЕкі?", media_links=["https://example.kz/1"])
    dated = ingest_document(raw=RawDocument("a.txt", "Атырауда кездесу өтті", "Атырау облысында кездесу өтті, 75 адам "
                                            "қатысты.", "2026-03-03", outlet="BAQ.KZ")).article
    undated = ingest_document(raw=RawDocument("b.txt", "Күнсіз жаңалық", "Коалиция жиналды.", "")).article
    link_event(user=users["coordinator"], article=dated, event=events[0])
    EventCoverage.objects.create(article=undated, event=events[1], source=EventCoverage.Source.SUGGESTED)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


CASES = [pytest.param(m, p, GenerationMode.POSITIVE, id=f"{m} {p} valid") for m, p in OPERATIONS] + [
    pytest.param(m, p, GenerationMode.NEGATIVE, id=f"{m} {p} invalid") for m, p in OPERATIONS
]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_operation_conforms_to_its_schema(live_schema: Any, method: str, path: str, mode: Any) -> None:
    """No 5xx, documented statuses, answers valid against the schema; invalid requests get a 4xx."""
    excluded = [positive_data_acceptance]
    if mode == GenerationMode.NEGATIVE:
        excluded.append(status_code_conformance)
    operation = next(
        r.ok()
        for r in live_schema.get_all_operations()
        if r.ok().method.upper() == method and path.endswith(r.ok().path.removeprefix("/api/v1"))
    )

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded)

    try:
        run()
    except Unsatisfiable:
        if mode != GenerationMode.NEGATIVE:
            raise
        pytest.skip("the schema constrains nothing here: no invalid request can be generated")

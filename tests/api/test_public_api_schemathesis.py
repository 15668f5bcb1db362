"""schemathesis over the campaign and news operations, with data in the database: coalitions, events of
every status (a held one with its report), news with and without a date, and confirmed and suggested
links, so that generated requests find rows and cursors and every answer is checked against the schema.
(tests/security/test_api_schemathesis.py drives every operation against a database of proposals only.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.schemathesis_run import api_operations, cases, check_operation, wsgi_schema

pytestmark = pytest.mark.django_db

TAGS = ("campaign", "news")


OPERATIONS = api_operations(TAGS)


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
    with wsgi_schema() as schema:
        yield schema


CASES = cases(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_operation_conforms_to_its_schema(live_schema: Any, method: str, path: str, mode: Any) -> None:
    """No 5xx, documented statuses, answers valid against the schema; invalid requests get a 4xx."""
    check_operation(live_schema, method, path, mode, max_examples=25)

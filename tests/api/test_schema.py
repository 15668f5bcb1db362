"""The live OpenAPI schema is valid, and what the endpoints answer matches what it documents:
every documented response of the main endpoints is produced and validated with jsonschema."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from kenes.drafts.models import Version

CHECKED = {
    ("get", "/api/v1/documents"),
    ("get", "/api/v1/documents/{slug}"),
    ("get", "/api/v1/documents/{slug}/versions/{name}"),
    ("get", "/api/v1/documents/{slug}/versions/{name}/articles"),
    ("get", "/api/v1/documents/{slug}/versions/{name}/articles/{label}"),
    ("get", "/api/v1/articles/{article_id}"),
    ("get", "/api/v1/proposals"),
    ("post", "/api/v1/proposals"),
    ("get", "/api/v1/proposals/{code}"),
    ("get", "/api/v1/receipts/{code}"),
    ("get", "/api/v1/referendums"),
    ("get", "/api/v1/referendums/{slug}/results"),
    ("get", "/api/v1/insights/runs"),
    ("post", "/api/v1/insights/runs"),
    ("get", "/api/v1/insights/groups"),
    ("get", "/api/v1/insights/groups/{group_id}"),
    ("get", "/api/v1/campaign/coalitions"),
    ("get", "/api/v1/campaign/events"),
    ("get", "/api/v1/campaign/events/{event_id}"),
    ("get", "/api/v1/news"),
    ("get", "/api/v1/news/{news_id}"),
}


@pytest.fixture
def spec(live_server: Any, transactional_db: Any) -> dict[str, Any]:
    with urllib.request.urlopen(f"{live_server.url}/api/v1/openapi.json", timeout=30) as response:  # noqa: S310
        assert response.status == 200
        loaded: dict[str, Any] = json.load(response)
    return loaded


def test_live_schema_is_valid_openapi(spec: dict[str, Any], live_server: Any) -> None:
    validate(spec)
    assert spec["info"]["version"] == "1"
    documented = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert documented == CHECKED
    post = spec["paths"]["/api/v1/proposals"]["post"]
    assert post["security"] == [{"TokenAuth": []}]
    assert spec["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    with urllib.request.urlopen(f"{live_server.url}/api/v1/docs", timeout=30) as response:  # noqa: S310
        assert response.status == 200 and b"swagger" in response.read().lower()


def check(spec: dict[str, Any], method: str, path: str, response: Any, seen: set[tuple[str, str, str]]) -> None:
    status = str(response.status_code)
    responses = spec["paths"][path][method]["responses"]
    assert status in responses, f"{method} {path} answered undocumented {status}: {response.content[:300]!r}"
    schema = responses[status]["content"]["application/json"]["schema"]
    Draft202012Validator({**schema, "components": spec["components"]}).validate(response.json())
    seen.add((method, path, status))


def test_every_documented_response_matches_the_schema(
    spec: dict[str, Any],
    client: Any,
    draft: Any,
    users: Any,
    settings: Any,
) -> None:
    from kenes.api.models import ApiToken
    from kenes.proposals.actions import hide_proposal, submit_proposal

    seen: set[tuple[str, str, str]] = set()
    article = draft.articles.get(number=1)
    public = submit_proposal(
        version=draft, article=article, text="Тел. 8 701 234 56 78", kind="amend", region="atyrau", channel="web"
    )
    hidden = submit_proposal(version=draft, article=None, text="Спам", kind="comment", region="", channel="web")
    hide_proposal(proposal=hidden, moderator=users["moderator"], reason="spam")
    token = ApiToken.generate(user=users["citizen"])[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(path: str, url: str) -> None:
        check(spec, "get", path, client.get(url), seen)

    def post(payload: Any, **extra: Any) -> None:
        body = payload if isinstance(payload, str) else json.dumps(payload)
        check(
            spec,
            "post",
            "/api/v1/proposals",
            client.post("/api/v1/proposals", body, content_type="application/json", **extra),
            seen,
        )

    get("/api/v1/documents", "/api/v1/documents")
    get("/api/v1/documents/{slug}", "/api/v1/documents/test-law")
    get("/api/v1/documents/{slug}", "/api/v1/documents/nope")
    get("/api/v1/documents/{slug}/versions/{name}", "/api/v1/documents/test-law/versions/draft-1")
    get("/api/v1/documents/{slug}/versions/{name}", "/api/v1/documents/test-law/versions/nope")
    get("/api/v1/documents/{slug}/versions/{name}/articles", "/api/v1/documents/test-law/versions/draft-1/articles")
    get("/api/v1/documents/{slug}/versions/{name}/articles", "/api/v1/documents/nope/versions/x/articles")
    get(
        "/api/v1/documents/{slug}/versions/{name}/articles/{label}",
        "/api/v1/documents/test-law/versions/draft-1/articles/1",
    )
    get(
        "/api/v1/documents/{slug}/versions/{name}/articles/{label}",
        "/api/v1/documents/test-law/versions/draft-1/articles/99",
    )
    get("/api/v1/articles/{article_id}", f"/api/v1/articles/{article.pk}")
    get("/api/v1/articles/{article_id}", "/api/v1/articles/999999")
    get("/api/v1/articles/{article_id}", "/api/v1/articles/zero")
    get("/api/v1/proposals", "/api/v1/proposals?limit=1")
    get("/api/v1/proposals", "/api/v1/proposals?region=mars")
    get("/api/v1/proposals/{code}", f"/api/v1/proposals/{public.receipt_code}")
    get("/api/v1/proposals/{code}", f"/api/v1/proposals/{hidden.receipt_code}")
    get("/api/v1/receipts/{code}", f"/api/v1/receipts/{hidden.receipt_code}")
    get("/api/v1/receipts/{code}", "/api/v1/receipts/ABCD-EFGH-JK")

    post({"text": "Новое предложение.", "client_id": "a1"}, **auth)  # 201
    post({"text": "Новое предложение.", "client_id": "a1"}, **auth)  # 200: the same client id again
    post("{broken", **auth)  # 400
    post({"text": "Без токена."})  # 401
    post({"text": "Нет такой статьи.", "article": 10**9}, **auth)  # 404
    post({"text": "x"}, **auth | {"HTTP_ACCEPT_LANGUAGE": "ru"})  # 201 again, for the 409 below
    post({"text": "Регион?", "region": "mars"}, **auth)  # 422
    settings.KENES_RATELIMIT_ENABLED = True
    settings.KENES_SUBMIT_RATE = "1/h"
    cache.clear()
    post({"text": "Первое в этом часе."}, **auth)
    post({"text": "Второе в этом часе."}, **auth)  # 429
    cache.clear()
    settings.KENES_RATELIMIT_ENABLED = False
    now = timezone.now()
    Version.objects.filter(pk=draft.pk).update(
        consultation_closes=now - timedelta(minutes=1), consultation_opens=now - timedelta(days=2)
    )
    post({"text": "Поздно.", "version": draft.pk}, **auth)  # 409

    # referendum results (public)
    from kenes.referendum.demo import load_demo as load_referendum

    referendum = load_referendum(precincts_per_district=1)
    get("/api/v1/referendums", "/api/v1/referendums")
    get("/api/v1/referendums/{slug}/results", f"/api/v1/referendums/{referendum.slug}/results")
    get("/api/v1/referendums/{slug}/results", f"/api/v1/referendums/{referendum.slug}/results?unit=atyrau")
    get("/api/v1/referendums/{slug}/results", "/api/v1/referendums/nope/results")

    # the analysis, for analysts only
    from kenes.insights.models import AnalysisRun, ProposalGroup

    analyst = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.generate(user=users['analyst'])[1]}"}

    def insights(method: str, path: str, url: str, body: Any = None, **extra: Any) -> None:
        if method == "post":
            response = client.post(url, json.dumps(body), content_type="application/json", **extra)
        else:
            response = client.get(url, **extra)
        check(spec, method, path, response, seen)

    insights("post", "/api/v1/insights/runs", "/api/v1/insights/runs", {"kind": "full"}, **analyst)  # 202
    insights("post", "/api/v1/insights/runs", "/api/v1/insights/runs", {"kind": "<x>"}, **analyst)  # 400
    insights("post", "/api/v1/insights/runs", "/api/v1/insights/runs", {"kind": "full"})  # 401
    insights("post", "/api/v1/insights/runs", "/api/v1/insights/runs", {"kind": "full"}, **auth)  # 403
    run = AnalysisRun.objects.current()
    assert run is not None
    group = ProposalGroup.objects.create(
        run=run,
        kind="cluster",
        key="schema-test",
        label="<b>Тест</b>",
        size=1,
        representative=public,
        representative_text="Тел. 8 701 *** ** **",
    )
    queued = AnalysisRun.objects.create(kind="full", status="queued", phase="queued")
    insights("post", "/api/v1/insights/runs", "/api/v1/insights/runs", {"kind": "full"}, **analyst)  # 409
    queued.delete()
    for path, url in (
        ("/api/v1/insights/runs", "/api/v1/insights/runs"),
        ("/api/v1/insights/groups", "/api/v1/insights/groups?limit=5"),
        ("/api/v1/insights/groups/{group_id}", f"/api/v1/insights/groups/{group.pk}"),
    ):
        insights("get", path, url, **analyst)  # 200
        insights("get", path, url)  # 401
        insights("get", path, url, **auth)  # 403: a citizen's token
    insights("get", "/api/v1/insights/groups/{group_id}", "/api/v1/insights/groups/999999999", **analyst)  # 404

    # the campaign and its news (public)
    from kenes.campaign.actions import report_event
    from kenes.campaign.models import Coalition, Event
    from kenes.media.actions import ingest_document, link_event
    from kenes.nlp.news_io import RawDocument

    national = Coalition.objects.create(level="national", name_kk="Жалпыұлттық коалиция")
    atyrau = Coalition.objects.create(level="regional", parent=national, region="atyrau", name_kk="Атырау")
    held = Event.objects.create(coalition=atyrau, title="Кездесу", region="atyrau", starts_at=now)
    Event.objects.create(coalition=atyrau, title="Форум", event_type="forum", region="atyrau", starts_at=now)
    report_event(user=users["coordinator"], event=held, attendance=120, audiences=["youth"], themes=["labour"],
                 summary="Тел. 8 701 234 56 78", questions="Қашан?")
    news = ingest_document(raw=RawDocument("n.txt", "Атырауда кездесу өтті", "Атырау облысында кездесу өтті, 120 адам "
                                           "қатысты.", "2026-03-03", outlet="BAQ.KZ")).article
    ingest_document(raw=RawDocument("m.txt", "Күнсіз жаңалық", "Мәтін.", ""))
    link_event(user=users["coordinator"], article=news, event=held)
    get("/api/v1/campaign/coalitions", "/api/v1/campaign/coalitions?limit=1")
    get("/api/v1/campaign/coalitions", "/api/v1/campaign/coalitions?level=galactic")  # 422
    get("/api/v1/campaign/events", "/api/v1/campaign/events?limit=1")
    get("/api/v1/campaign/events", "/api/v1/campaign/events?status=held&region=atyrau")
    get("/api/v1/campaign/events", "/api/v1/campaign/events?cursor=%21")  # 422
    get("/api/v1/campaign/events/{event_id}", f"/api/v1/campaign/events/{held.pk}")
    get("/api/v1/campaign/events/{event_id}", "/api/v1/campaign/events/999999999")  # 404
    get("/api/v1/campaign/events/{event_id}", "/api/v1/campaign/events/zero")  # 422
    get("/api/v1/news", "/api/v1/news?limit=1")
    get("/api/v1/news", "/api/v1/news?q=кездесу&source=baq.kz&region=atyrau")
    get("/api/v1/news", "/api/v1/news?region=mars")  # 422
    get("/api/v1/news/{news_id}", f"/api/v1/news/{news.pk}")
    get("/api/v1/news/{news_id}", "/api/v1/news/999999999")  # 404
    get("/api/v1/news/{news_id}", "/api/v1/news/zero")  # 422

    documented = {
        (method, path, status)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        for status in op["responses"]
    }
    assert documented == seen, f"documented but never produced: {sorted(documented - seen)}"

"""Permission matrix: EVERY URL pattern of the project (walked from the resolver) x every role,
GET and POST, against the outcomes declared in MATRIX below. A URL without an entry fails the
test, so a new view cannot ship without saying who may use it.

Outcomes: A = allowed (2xx, a redirect elsewhere than the login page, or 400/422 for a POST
with an empty form), L = redirected to log in, D = denied (403, or 404 hiding what exists),
M = method not allowed (405). Roles, in column order: anonymous, citizen, moderator, analyst,
coordinator (Atyrau), coordinator of another region (Kyzylorda), commission, operator (Atyrau,
member of the Atyrau commission), admin. The objects in the URLs belong to Atyrau.

Set KENES_MATRIX_OBSERVE=1 to print the observed matrix instead of asserting (for review).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654
ROLES = [
    "anonymous",
    "citizen",
    "moderator",
    "analyst",
    "coordinator",
    "coordinator_other",
    "commission",
    "operator",
    "admin",
]


def url_names() -> list[str]:
    names: list[str] = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern):
                names.append(namespace + (pattern.name or f"<unnamed {pattern.pattern}>"))

    walk(get_resolver(), "")
    return names


def is_admin_object_url(name: str) -> bool:
    """Django admin pages behind admin_view (staff only): the index and every changelist are in the
    matrix; the other admin URLs (add/change/delete/history of one object) share the same guard."""
    return (
        name.startswith("admin:")
        and name not in {"admin:index", "admin:login", "admin:logout"}
        and not name.endswith("_changelist")
    )


@pytest.fixture
def objects(
    draft: Any, users: dict[str, Any], campaign: dict[str, Any], tree: dict[str, Any], referendum: Any
) -> dict[str, Any]:
    from kenes.media.actions import ingest_document
    from kenes.nlp.news_io import RawDocument
    from kenes.proposals.actions import submit_proposal

    proposal = submit_proposal(
        version=draft,
        article=draft.articles.get(number=1),
        text="8-бапқа ұсыныс",
        kind="amend",
        region="atyrau",
        channel="web",
        author=users["citizen2"],
    )
    news = ingest_document(
        raw=RawDocument(
            "a.txt",
            "Астанада пленарлық отырыс өтті",
            "«БАЙТАҚ» партиясы Конституцияның 2-бабында «Экология және адам денсаулығы» ұғымын жеке тармақпен "
            "бекітуді ұсынды. Атырау облысында кездесу өтті.",
            "2026-02-04",
        )
    ).article
    extracted = news.extracted_proposals.first()
    from kenes.api.models import ApiToken

    token = ApiToken.generate(user=users["citizen2"], name="matrix")[0]
    return {
        "draft": draft,
        "proposal": proposal,
        "campaign": campaign,
        "tree": tree,
        "referendum": referendum,
        "news": news,
        "extracted": extracted,
        "token": token,
    }


def kwargs_for(name: str, o: dict[str, Any]) -> dict[str, Any] | None:
    d, c, t = o["draft"], o["campaign"], o["tree"]
    slug = o["referendum"].slug
    code = o["proposal"].receipt_code
    table: dict[str, dict[str, Any]] = {
        "api-v1:get_document": {"slug": d.document.slug},
        "api-v1:get_version_detail": {"slug": d.document.slug, "name": d.name},
        "api-v1:list_articles": {"slug": d.document.slug, "name": d.name},
        "api-v1:get_article": {"slug": d.document.slug, "name": d.name, "label": "1"},
        "api-v1:get_article_by_id": {"article_id": d.articles.get(number=1).pk},
        "api-v1:get_proposal": {"code": code},
        "api-v1:get_receipt": {"code": code},
        "drafts:document": {"document": d.document.slug},
        "drafts:compare": {"document": d.document.slug},
        "drafts:version": {"document": d.document.slug, "version": d.name},
        "drafts:article": {"document": d.document.slug, "version": d.name, "number": 1},
        "drafts:article_sub": {"document": d.document.slug, "version": d.name, "number": 1, "sub_number": 1},
        "proposals:detail": {"code": code},
        "proposals:support": {"code": code},
        "proposals:hide": {"code": code},
        "proposals:unhide": {"code": code},
        "proposals:answer": {"code": code},
        "proposals:receipt": {"code": code},
        "campaign:event": {"pk": c["a1"].pk},
        "campaign:event_ics": {"pk": c["a1"].pk},
        "campaign:event_edit": {"pk": c["a1"].pk},
        "campaign:event_cancel": {"pk": c["a1"].pk},
        "campaign:event_report": {"pk": c["a1"].pk},
        "campaign:event_volunteers": {"pk": c["a1"].pk},
        "campaign:coalition": {"pk": c["atyrau"].pk},
        "campaign:plan_import": {"pk": c["atyrau"].pk},
        "campaign:event_create": {"pk": c["atyrau"].pk},
        "campaign:plan": {"pk": c["plan"].pk},
        "media:detail": {"pk": o["news"].pk},
        "media:region": {"slug": "atyrau"},
        "media:confirm": {"pk": o["extracted"].pk},
        "media:reject": {"pk": o["extracted"].pk},
        "referendum:results": {"slug": slug},
        "referendum:export_csv": {"slug": slug},
        "referendum:results_json": {"slug": slug},
        "referendum:desk": {"slug": slug},
        "referendum:import": {"slug": slug},
        "referendum:turnout": {"slug": slug, "code": t["p101"].code},
        "referendum:enter": {"slug": slug, "code": t["p101"].code, "number": 1},
        "referendum:resolve": {"slug": slug, "code": t["p101"].code, "number": 1},
        "referendum:correct": {"slug": slug, "code": t["p101"].code, "number": 1},
        "referendum:history": {"slug": slug, "code": t["p101"].code, "number": 1},
        "referendum:summary": {"slug": slug, "code": "atyrau", "number": 1},
        "referendum:unit": {"slug": slug, "code": "atyrau"},
        "api-v1:unit_results": {"slug": slug},
        "api-v1:get_event": {"event_id": c["a1"].pk},
        "api-v1:get_news": {"news_id": o["news"].pk},
        "proposals:apitoken_revoke": {"token_id": o["token"].pk},  # another citizen's token
        "media:link_event": {"pk": o["news"].pk, "event_pk": c["a1"].pk},
        "media:unlink_event": {"pk": o["news"].pk, "event_pk": c["a1"].pk},
        # No analysis run in this fixture (it costs seconds per role): for groups and corrections
        # only the guard in front of the lookup is checked (a 404 behind it counts as D).
        "api-v1:group_detail": {"group_id": NO_SUCH_ID},
        "insights:group": {"pk": NO_SUCH_ID},
        "insights:group_answer": {"pk": NO_SUCH_ID},
        "insights:group_assign": {"pk": NO_SUCH_ID},
        "insights:group_merge": {"pk": NO_SUCH_ID},
        "insights:group_split": {"pk": NO_SUCH_ID},
        "insights:correction_undo": {"pk": NO_SUCH_ID},
        "insights:proposal": {"pk": o["proposal"].pk},
        "insights:article": {"number": 1},
        "insights:theme": {"slug": "labour"},
        "insights:region": {"slug": "atyrau"},
    }
    return table.get(name, {})


def outcome(response: Any, method: str) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302, 303, 307, 308):
        return "L" if "/login/" in location else "A"
    if status in (401, 403, 404):
        return "D"
    if status == 405:
        return "M"
    if status < 300 or (method == "POST" and status in (400, 422)) or (method == "GET" and status == 400):
        return "A"
    return f"?{status}"


def observe(role: str, objects: dict[str, Any], users: dict[str, Any]) -> dict[str, str]:
    client = Client(raise_request_exception=False)
    results: dict[str, str] = {}
    names = [n for n in url_names() if not is_admin_object_url(n)]
    with translation.override("kk"):
        urls = {name: reverse(name, kwargs=kwargs_for(name, objects)) for name in names if name not in SKIP}
    for method in ("GET", "POST"):
        for name, url in urls.items():
            if role != "anonymous":
                client.force_login(users[role])  # again: a POST to the logout URL ends the session
            response = client.get(url) if method == "GET" else client.post(url, {})
            results[f"{name} {method}"] = outcome(response, method)
    return results


# URL names that cannot be exercised this way, with the reason (kept short and honest).
SKIP: dict[str, str] = {
    "set_language": "Django's language switch: public by design, no data",
    "admin:login": "Django's admin login form",
    "admin:logout": "Django's admin logout",
}

MATRIX: dict[str, tuple[str, str]] = {
    # name: (GET, POST), one letter per role in ROLES order:
    #                                  an ci mo an co co cm op ad
    "health": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:openapi-json": ("AAAAAAAAA", "AAAAAAAAA"),
    "api-v1:openapi-view": ("AAAAAAAAA", "AAAAAAAAA"),
    "api-v1:list_documents": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:get_document": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:get_version_detail": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:list_articles": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:get_article": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:get_article_by_id": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:list_proposals": ("AAAAAAAAA", "DDDDDDDDD"),
    "api-v1:create_proposal": ("AAAAAAAAA", "DDDDDDDDD"),
    "api-v1:get_proposal": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:get_receipt": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:list_referendums": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:unit_results": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:list_runs": ("DDDDDDDDD", "DDDDDDDDD"),
    "api-v1:start_run": ("DDDDDDDDD", "DDDDDDDDD"),
    "api-v1:list_groups": ("DDDDDDDDD", "MMMMMMMMM"),
    "api-v1:group_detail": ("DDDDDDDDD", "MMMMMMMMM"),
    "api-v1:api-root": ("DDDDDDDDD", "DDDDDDDDD"),
    "api-v1:list_coalitions": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:list_events": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:get_event": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:list_news": ("AAAAAAAAA", "MMMMMMMMM"),
    "api-v1:get_news": ("AAAAAAAAA", "MMMMMMMMM"),
    "home": ("AAAAAAAAA", "MMMMMMMMM"),
    "accounts:register": ("AAAAAAAAA", "AAAAAAAAA"),
    "accounts:login": ("AAAAAAAAA", "AAAAAAAAA"),
    "accounts:logout": ("MMMMMMMMM", "AAAAAAAAA"),
    "accounts:profile": ("LAAAAAAAA", "MMMMMMMMM"),
    "drafts:list": ("AAAAAAAAA", "MMMMMMMMM"),
    "drafts:document": ("AAAAAAAAA", "MMMMMMMMM"),
    "drafts:compare": ("AAAAAAAAA", "MMMMMMMMM"),
    "drafts:version": ("AAAAAAAAA", "MMMMMMMMM"),
    "drafts:article": ("AAAAAAAAA", "MMMMMMMMM"),
    "drafts:article_sub": ("DDDDDDDDD", "MMMMMMMMM"),
    "proposals:list": ("AAAAAAAAA", "MMMMMMMMM"),
    "proposals:submit": ("LAAAAAAAA", "LAAAAAAAA"),
    "proposals:moderation": ("DDADDDDDA", "MMMMMMMMM"),
    "proposals:detail": ("AAAAAAAAA", "MMMMMMMMM"),
    "proposals:support": ("MMMMMMMMM", "LAAAAAAAA"),
    "proposals:hide": ("MMMMMMMMM", "DDADDDDDA"),
    "proposals:unhide": ("MMMMMMMMM", "DDADDDDDA"),
    "proposals:answer": ("MMMMMMMMM", "DDDADDADA"),
    "proposals:receipt_lookup": ("AAAAAAAAA", "MMMMMMMMM"),
    "proposals:receipt": ("AAAAAAAAA", "MMMMMMMMM"),
    "proposals:apitoken_create": ("LMMMMMMMM", "LAAAAAAAA"),
    "proposals:apitoken_revoke": ("LMMMMMMMM", "LDDDDDDDD"),
    "insights:workspace": ("LDDADDDDA", "MMMMMMMMM"),
    "insights:runs": ("LDDADDDDA", "MMMMMMMMM"),
    "insights:run_start": ("MMMMMMMMM", "LDDADDDDA"),
    "insights:group": ("LDDDDDDDD", "MMMMMMMMM"),
    "insights:group_answer": ("MMMMMMMMM", "LDDDDDDDD"),
    "insights:group_assign": ("MMMMMMMMM", "LDDDDDDDD"),
    "insights:group_merge": ("MMMMMMMMM", "LDDDDDDDD"),
    "insights:group_split": ("MMMMMMMMM", "LDDDDDDDD"),
    "insights:proposal": ("LDDADDDDA", "LDDADDDDA"),
    "insights:corrections": ("LDDADDDDA", "MMMMMMMMM"),
    "insights:correction_undo": ("MMMMMMMMM", "LDDDDDDDD"),
    "insights:browse": ("LDDADDDDA", "MMMMMMMMM"),
    "insights:article": ("LDDADDDDA", "MMMMMMMMM"),
    "insights:theme": ("LDDADDDDA", "MMMMMMMMM"),
    "insights:region": ("LDDADDDDA", "MMMMMMMMM"),
    "insights:templates": ("LDDADDDDA", "LDDADDDDA"),
    "insights:report": ("LDDADDADA", "MMMMMMMMM"),
    "insights:report_xlsx": ("LDDADDADA", "MMMMMMMMM"),
    "insights:open_csv": ("AAAAAAAAA", "MMMMMMMMM"),
    "insights:open_json": ("AAAAAAAAA", "MMMMMMMMM"),
    "insights:public": ("AAAAAAAAA", "MMMMMMMMM"),
    "campaign:events": ("AAAAAAAAA", "MMMMMMMMM"),
    "campaign:events_ics": ("AAAAAAAAA", "MMMMMMMMM"),
    "campaign:event": ("AAAAAAAAA", "MMMMMMMMM"),
    "campaign:event_ics": ("AAAAAAAAA", "MMMMMMMMM"),
    "campaign:event_edit": ("LDDDADDDA", "LDDDADDDA"),
    "campaign:event_cancel": ("LMMMMMMMM", "LDDDADDDA"),
    "campaign:event_report": ("LDDDADDDA", "LDDDADDDA"),
    "campaign:event_volunteers": ("LMMMMMMMM", "LDDDADDDA"),
    "campaign:coalitions": ("LDDDAAADA", "LMMMMMMMM"),
    "campaign:coalition": ("LDDDADADA", "LDDDADDDA"),
    "campaign:plan_import": ("LDDDADDDA", "LDDDADDDA"),
    "campaign:event_create": ("LDDDADDDA", "LDDDADDDA"),
    "campaign:plan": ("LDDDADADA", "LDDDADDDA"),
    "campaign:volunteers": ("LDDDAAADA", "LDDDAADDD"),
    "campaign:dashboard": ("LDDDAAADA", "LMMMMMMMM"),
    "campaign:dashboard_csv": ("LDDDAAADA", "LMMMMMMMM"),
    "campaign:dashboard_xlsx": ("LDDDAAADA", "LMMMMMMMM"),
    "media:list": ("AAAAAAAAA", "MMMMMMMMM"),
    "media:detail": ("AAAAAAAAA", "MMMMMMMMM"),
    "media:region": ("AAAAAAAAA", "MMMMMMMMM"),
    "media:confirm": ("MMMMMMMMM", "LDDADDDDA"),
    "media:reject": ("MMMMMMMMM", "LDDADDDDA"),
    "media:link_event": ("MMMMMMMMM", "LDDAADDDA"),
    "media:unlink_event": ("MMMMMMMMM", "LDDAADDDA"),
    "referendum:index": ("AAAAAAAAA", "MMMMMMMMM"),
    "referendum:results": ("AAAAAAAAA", "MMMMMMMMM"),
    "referendum:export_csv": ("AAAAAAAAA", "MMMMMMMMM"),
    "referendum:results_json": ("AAAAAAAAA", "MMMMMMMMM"),
    "referendum:desk": ("LDDDDDDAD", "LMMMMMMMM"),
    "referendum:import": ("LDDDDDDAD", "LDDDDDDAD"),
    "referendum:turnout": ("LDDDDDDAD", "LDDDDDDAD"),
    "referendum:enter": ("LDDDDDDAD", "LDDDDDDAD"),
    "referendum:resolve": ("LDDDDDDDD", "LDDDDDDDD"),
    "referendum:correct": ("LDDDDDDDD", "LDDDDDDDD"),
    "referendum:history": ("LDDDDDDDD", "LMMMMMMMM"),
    "referendum:summary": ("LDDDDDDAD", "LDDDDDDAD"),
    "referendum:unit": ("AAAAAAAAA", "MMMMMMMMM"),
}

# Every page of Django's admin is behind admin_view: staff only, the rest are sent to log in.
ADMIN_EXPECTED = ("LLLLLLLLA", "LLLLLLLLA")


def expected(key: str) -> str | None:
    name, method = key.rsplit(" ", 1)
    entry = ADMIN_EXPECTED if name.startswith("admin:") else MATRIX.get(name)
    if entry is None:
        return None
    return entry[0] if method == "GET" else entry[1]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role: str, objects: dict[str, Any], users: dict[str, Any]) -> None:
    observed = observe(role, objects, users)
    if os.environ.get("KENES_MATRIX_OBSERVE"):
        path = f"/tmp/kenes-matrix-{role}.txt"
        with open(path, "w") as handle:
            for key, value in observed.items():
                handle.write(f"{key}\t{value}\n")
        return
    column = ROLES.index(role)
    missing = [key for key in observed if expected(key) is None]
    assert not missing, f"URLs without an entry in MATRIX (declare who may use them): {missing}"
    wrong = {
        key: (str(expected(key))[column], got) for key, got in observed.items() if str(expected(key))[column] != got
    }
    assert not wrong, f"{role}: (expected, got) {wrong}"


def test_matrix_has_no_stale_entries() -> None:
    names = {n for n in url_names() if not is_admin_object_url(n)}
    stale = [name for name in MATRIX if name not in names]
    assert not stale, f"entries for URLs that no longer exist: {stale}"

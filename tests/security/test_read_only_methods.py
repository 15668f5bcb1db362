"""Methods: every page of the project (walked from the URL resolver) is declared either read-only or
a form/action that accepts POST. A read-only page answers 405 to POST, PUT, PATCH and DELETE (so a
cross-site form cannot make it do anything, and no cache or proxy takes a POST for a read) and
still answers GET and HEAD (`require_safe`); a form still accepts its POST. A URL in neither list fails the test.

Each page is requested as a role that may read it according to the permission matrix, so the 405
comes from the method check and not from a guard in front of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.security.test_permission_matrix import (
    MATRIX,
    ROLES,
    SKIP,
    is_admin_object_url,
    kwargs_for,
    objects,  # noqa: F401 (fixture)
    url_names,
)

pytestmark = pytest.mark.django_db

READ_ONLY = {
    "health",
    "home",
    "accounts:profile",
    "drafts:list",
    "drafts:document",
    "drafts:compare",
    "drafts:version",
    "drafts:article",
    "drafts:article_sub",
    "proposals:list",
    "proposals:moderation",
    "proposals:detail",
    "proposals:receipt_lookup",
    "proposals:receipt",
    "insights:workspace",
    "insights:runs",
    "insights:group",
    "insights:corrections",
    "insights:browse",
    "insights:article",
    "insights:theme",
    "insights:region",
    "insights:report",
    "insights:report_xlsx",
    "insights:open_csv",
    "insights:open_json",
    "insights:public",
    "campaign:events",
    "campaign:events_ics",
    "campaign:event",
    "campaign:event_ics",
    "campaign:coalitions",
    "campaign:dashboard",
    "campaign:dashboard_csv",
    "campaign:dashboard_xlsx",
    "media:list",
    "media:detail",
    "media:region",
    "referendum:index",
    "referendum:results",
    "referendum:export_csv",
    "referendum:results_json",
    "referendum:desk",
    "referendum:history",
    "referendum:unit",
}

# Forms and actions: they must keep accepting POST (GET, when they have one, shows the form).
ACCEPTS_POST = {
    "accounts:register",
    "accounts:login",
    "accounts:logout",
    "proposals:submit",
    "proposals:support",
    "proposals:hide",
    "proposals:unhide",
    "proposals:answer",
    "proposals:apitoken_create",
    "proposals:apitoken_revoke",
    "insights:run_start",
    "insights:group_answer",
    "insights:group_assign",
    "insights:group_merge",
    "insights:group_split",
    "insights:proposal",
    "insights:correction_undo",
    "insights:templates",
    "campaign:event_edit",
    "campaign:event_cancel",
    "campaign:event_report",
    "campaign:event_volunteers",
    "campaign:coalition",
    "campaign:plan_import",
    "campaign:event_create",
    "campaign:plan",
    "campaign:volunteers",
    "media:confirm",
    "media:reject",
    "media:link_event",
    "media:unlink_event",
    "referendum:import",
    "referendum:turnout",
    "referendum:enter",
    "referendum:resolve",
    "referendum:correct",
    "referendum:summary",
}

# Not pages: the JSON API declares each operation's method itself (django-ninja; tested by
# test_permission_matrix and the schema tests), Django's admin is Django's.
NOT_PAGES = ("api-v1:", "admin:")


def pages() -> list[str]:
    return sorted(
        name
        for name in url_names()
        if not is_admin_object_url(name) and name not in SKIP and not name.startswith(NOT_PAGES)
    )


def reader(name: str, method: str) -> str:
    """A role the permission matrix allows to use the page with `method` (admin when none is)."""
    letters = MATRIX[name][0 if method == "GET" else 1]
    return next((role for role, letter in zip(ROLES, letters, strict=True) if letter == "A"), "admin")


def client_for(role: str, users: dict[str, Any]) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])
    return client


def test_every_page_is_declared() -> None:
    names = set(pages())
    undeclared = sorted(names - READ_ONLY - ACCEPTS_POST)
    assert not undeclared, f"pages declared neither read-only nor accepting POST: {undeclared}"
    assert not READ_ONLY & ACCEPTS_POST
    stale = sorted((READ_ONLY | ACCEPTS_POST) - names)
    assert not stale, f"entries for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_read_only_page_refuses_writes(name: str, objects: dict[str, Any], users: dict[str, Any]) -> None:  # noqa: F811
    with translation.override("kk"):
        url = reverse(name, kwargs=kwargs_for(name, objects))
    client = client_for(reader(name, "GET"), users)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url, {} if method == "post" else "")
        assert response.status_code == 405, f"{method.upper()} {url}: {response.status_code}"
        assert "GET" in response["Allow"] and "POST" not in response["Allow"], response["Allow"]
    response = client.post(url, {"text": "x", "csrfmiddlewaretoken": "x"})
    assert response.status_code == 405, f"POST with data {url}: {response.status_code}"
    if MATRIX[name][0] != "D" * len(ROLES):
        for method in ("get", "head"):
            status = getattr(client, method)(url).status_code
            assert status != 405 and status < 500, f"{method.upper()} {url}: {status}"


@pytest.mark.parametrize("name", sorted(ACCEPTS_POST))
def test_forms_still_accept_post(name: str, objects: dict[str, Any], users: dict[str, Any]) -> None:  # noqa: F811
    with translation.override("kk"):
        url = reverse(name, kwargs=kwargs_for(name, objects))
    response = client_for(reader(name, "POST"), users).post(url, {})
    assert response.status_code != 405, f"POST {url} is refused"

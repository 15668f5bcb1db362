"""The public list's short-lived page cache (kenes.pagecache): shared only where it is the same
for everyone, and a hidden proposal leaves it at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kenes.proposals.actions import answer_proposal, hide_proposal, unhide_proposal
from kenes.proposals.models import ProposalChange

pytestmark = pytest.mark.django_db


def listed(client: Any, **params: Any) -> str:
    return client.get(reverse("proposals:list"), params).content.decode()


def test_cache_off_by_default_shows_every_change(client: Any, submit: Any) -> None:
    first = submit("Бірінші ұсыныс")
    assert first.receipt_code in listed(client)
    second = submit("Екінші ұсыныс")
    assert second.receipt_code in listed(client)


def test_public_list_is_cached_and_shared(client: Any, submit: Any, users: dict[str, Any], page_cache: Any) -> None:
    first = submit("Бірінші ұсыныс")
    assert first.receipt_code in listed(client)
    later = submit("Кейінгі ұсыныс")
    # Within the period the anonymous visitor and a citizen both get the body rendered before.
    assert later.receipt_code not in listed(client)
    client.force_login(users["citizen2"])
    with CaptureQueriesContext(connection) as queries:
        html = listed(client)
    assert first.receipt_code in html and later.receipt_code not in html
    assert not any('FROM "proposals_proposal"' in q["sql"] and "ORDER BY" in q["sql"] for q in queries.captured_queries)
    page_cache.clear()
    assert later.receipt_code in listed(client)


def test_hidden_proposal_leaves_the_cached_list_at_once(client: Any, submit: Any, users: dict[str, Any],
                                                        page_cache: Any) -> None:
    proposal = submit("Жасырылатын ұсыныс", author=users["citizen"])
    for params in ({}, {"q": "Жасырылатын"}, {"region": "atyrau"}):
        assert proposal.receipt_code in listed(client, **params)
    hide_proposal(proposal=proposal, moderator=users["moderator"], reason="Spam from a bot")
    for params in ({}, {"q": "Жасырылатын"}, {"region": "atyrau"}):
        assert proposal.receipt_code not in listed(client, **params)
    partial = client.get(reverse("proposals:list"), HTTP_HX_REQUEST="true").content.decode()
    assert proposal.receipt_code not in partial and "<html" not in partial
    unhide_proposal(proposal=proposal, moderator=users["moderator"], reason="Not spam")
    assert proposal.receipt_code in listed(client)


def test_answer_shows_at_once(client: Any, submit: Any, users: dict[str, Any], page_cache: Any) -> None:
    proposal = submit("Жауап күтетін ұсыныс")
    assert "status-accepted" not in listed(client)
    answer_proposal(proposal=proposal, user=users["analyst"], status="accepted", text="Ескерілді.")
    assert "status-accepted" in listed(client)


@pytest.mark.parametrize(("role", "sees"), [("citizen", True), ("moderator", True), ("citizen2", False), (None, False)])
def test_own_and_staff_views_of_hidden_are_not_the_cached_one(client: Any, submit: Any, users: dict[str, Any],
                                                               page_cache: Any, role: str | None, sees: bool) -> None:
    proposal = submit("Жасырылған ұсыныс", author=users["citizen"])
    hide_proposal(proposal=proposal, moderator=users["moderator"], reason="Spam from a bot")
    assert proposal.receipt_code not in listed(client)  # the public body, now cached
    if role is not None:
        client.force_login(users[role])
    assert (proposal.receipt_code in listed(client)) is sees
    client.logout()
    assert proposal.receipt_code not in listed(client)  # and nothing private went into the cache


def test_cached_public_body_has_no_personal_data_or_user(client: Any, submit: Any, users: dict[str, Any],
                                                        page_cache: Any) -> None:
    submit("Менің ЖСН 900101300017, телефон +7 701 123 45 67. 8-бапты өзгерту керек.")
    client.force_login(users["moderator"])
    assert "900101300017" in listed(client)  # the moderator's own, uncached render
    client.force_login(users["citizen"])
    html = listed(client)
    assert "900101300017" not in html and "+7 701 123 45 67" not in html
    assert users["citizen"].username in html  # the header is the user's own
    client.force_login(users["citizen2"])
    html = listed(client)
    assert users["citizen2"].username in html and f">{users['citizen'].username}<" not in html


def test_mark_is_the_latest_change(submit: Any, users: dict[str, Any]) -> None:
    assert ProposalChange.objects.latest_mark() == 0
    proposal = submit("Ұсыныс")
    hide_proposal(proposal=proposal, moderator=users["moderator"], reason="Spam from a bot")
    assert ProposalChange.objects.latest_mark() == ProposalChange.objects.order_by("id").last().pk


def test_mark_and_hidden_in_one_query(submit: Any, users: dict[str, Any]) -> None:
    citizen, other = users["citizen"], users["citizen2"]
    assert ProposalChange.objects.mark_and_hidden(None) == (0, False)
    assert ProposalChange.objects.mark_and_hidden(citizen.pk) == (0, False)
    proposal = submit("Ұсыныс", author=citizen)
    submit("Басқа ұсыныс", author=other)
    hide_proposal(proposal=proposal, moderator=users["moderator"], reason="Spam from a bot")
    mark = ProposalChange.objects.order_by("id").last().pk
    with CaptureQueriesContext(connection) as queries:
        assert ProposalChange.objects.mark_and_hidden(citizen.pk) == (mark, True)
    assert len(queries) == 1
    assert ProposalChange.objects.mark_and_hidden(other.pk) == (mark, False)
    assert ProposalChange.objects.mark_and_hidden(None) == (mark, False)
    unhide_proposal(proposal=proposal, moderator=users["moderator"], reason="Not spam")
    later = ProposalChange.objects.order_by("id").last().pk
    assert later > mark and ProposalChange.objects.mark_and_hidden(citizen.pk) == (later, False)


@pytest.fixture
def shared_cache(settings: Any, tmp_path: Any) -> Any:
    """A default cache that other workers would see too (a file cache stands in for the database one)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    settings.KENES_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    yield caches["default"]
    caches["pages"].clear()


def test_one_render_shared_by_the_workers(client: Any, submit: Any, users: dict[str, Any], shared_cache: Any) -> None:
    from kenes import pagecache

    first = submit("Бірінші ұсыныс")
    assert pagecache.shared_cache() is not None
    assert first.receipt_code in listed(client)
    caches["pages"].clear()  # another worker: nothing in its own memory
    later = submit("Кейінгі ұсыныс")
    assert later.receipt_code not in listed(client)  # the first worker's render, from the shared cache
    hide_proposal(proposal=first, moderator=users["moderator"], reason="Spam from a bot")
    html = listed(client)
    assert first.receipt_code not in html and later.receipt_code in html


def test_a_copy_from_the_shared_cache_expires_with_the_original(submit: Any, shared_cache: Any) -> None:
    from kenes import pagecache

    calls = []

    def render() -> str:
        calls.append(1)
        return f"<p>{len(calls)}</p>"

    assert pagecache.cached_fragment("t", 1, ["x"], render) == "<p>1</p>"
    key = pagecache.fragment_key("t", 1, ["x"])
    expires, html = shared_cache.get(key)
    shared_cache.set(key, (expires - 61, html), timeout=60)  # as if rendered a period ago elsewhere
    caches["pages"].clear()
    assert pagecache.cached_fragment("t", 1, ["x"], render) == "<p>2</p>"
    assert pagecache.cached_fragment("t", 1, ["x"], render) == "<p>2</p>"
    assert pagecache.cached_fragment("t", 2, ["x"], render) == "<p>3</p>"  # another mark, another fragment

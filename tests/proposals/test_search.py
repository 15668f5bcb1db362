"""Full-text search finds Kazakh and Russian words in other grammatical forms (FTS5 / tsvector)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kenes.proposals.models import Proposal, query_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(submit: Any) -> dict[str, Any]:
    return {
        "kk_constitution": submit("Конституцияның сегізінші бабын өзгерту керек деп ойлаймын."),
        "kk_rights": submit("Азаматтардың құқықтары толық қорғалуы тиіс."),
        "ru_rights": submit("Права граждан должны быть защищены в полном объёме."),
        "ru_land": submit("Земля и её недра принадлежат народу, предлагаю уточнить статью."),
        "en": submit("Citizens deserve stronger protection of their rights."),
    }


def found(query: str) -> set[int]:
    return set(Proposal.objects.search(query).values_list("pk", flat=True))


def test_kazakh_word_forms(corpus: dict[str, Any]) -> None:
    assert corpus["kk_constitution"].pk in found("конституциясы")
    assert corpus["kk_constitution"].pk in found("Конституция")
    assert corpus["kk_rights"].pk in found("құқық")
    assert corpus["kk_rights"].pk in found("құқықтарын")
    assert corpus["kk_rights"].pk in found("азаматтар")


def test_russian_word_forms(corpus: dict[str, Any]) -> None:
    assert corpus["ru_rights"].pk in found("правах")
    assert corpus["ru_rights"].pk in found("полного")
    assert corpus["ru_land"].pk in found("народа")
    assert corpus["ru_land"].pk in found("земли")
    assert corpus["ru_land"].pk in found("недрами")


def test_all_terms_must_match(corpus: dict[str, Any]) -> None:
    assert found("права полном") == {corpus["ru_rights"].pk}
    assert found("права земля") == set()


def test_kazakh_typed_without_kazakh_letters_and_in_latin(corpus: dict[str, Any]) -> None:
    assert corpus["kk_rights"].pk in found("кукыктары")
    assert corpus["kk_rights"].pk in found("azamattardyn")


def test_hostile_queries(corpus: dict[str, Any]) -> None:
    for query in ('"', "*", "NEAR(", "a AND OR NOT", "'); DROP TABLE proposals_proposal; --", ":*|&!",
                  "права\" OR \"", "x" * 5000, "\u200b", "", "   "):
        assert isinstance(found(query), set)
    assert Proposal.objects.count() == 5
    assert len(query_terms("слово " * 100)) <= 12


def test_search_sees_updates_and_deletes(corpus: dict[str, Any]) -> None:
    from kenes.nlp.text import search_terms

    proposal = corpus["ru_land"]
    Proposal.objects.filter(pk=proposal.pk).update(search_text=" ".join(search_terms("леса и реки")))
    assert proposal.pk not in found("земля") and proposal.pk in found("лесов")
    Proposal.objects.filter(pk=proposal.pk).delete()
    assert found("лесов") == set()


def test_search_respects_visibility_in_the_list(client: Any, corpus: dict[str, Any], users: dict[str, Any]) -> None:
    from kenes.proposals.actions import hide_proposal

    hide_proposal(proposal=corpus["ru_rights"], moderator=users["moderator"], reason="dup")
    html = client.get(reverse("proposals:list"), {"q": "правами"}).content.decode()
    assert corpus["ru_rights"].receipt_code not in html
    client.force_login(users["moderator"])
    html = client.get(reverse("proposals:list"), {"q": "правами"}).content.decode()
    assert corpus["ru_rights"].receipt_code in html
    html = client.get(reverse("proposals:list"), {"q": "құқықтар"}).content.decode()
    assert corpus["kk_rights"].receipt_code in html and corpus["ru_land"].receipt_code not in html


def test_numbers_match_exactly(submit: Any) -> None:
    eight = submit("8-бапты өзгерту керек.")
    eighty = submit("80-бапты өзгерту керек.")
    assert found("8 бап") == {eight.pk}
    assert found("80-бап") == {eighty.pk}
    assert query_terms("а б 8") == ["8"]


def test_the_search_index_is_in_place(corpus: dict[str, Any]) -> None:
    """PostgreSQL: a stored generated tsvector column with a GIN index, queried directly (no
    to_tsvector per row). SQLite: the FTS5 table and its three triggers from migration 0003."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT is_generated, generation_expression FROM information_schema.columns "
                "WHERE table_name = 'proposals_proposal' AND column_name = 'search_vector'"
            )
            generated, expression = cursor.fetchone()
            assert generated == "ALWAYS" and "to_tsvector" in expression and "search_text" in expression
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'proposals_proposal'")
            indexes = [row[0] for row in cursor.fetchall()]
            assert any("gin (search_vector)" in d for d in indexes)
            assert not any("to_tsvector" in d for d in indexes)  # the old expression index is gone
            sql = str(Proposal.objects.search("права").query)
            assert "search_vector" in sql and "to_tsvector" not in sql
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'proposals_proposal_fts_%'")
            assert {row[0] for row in cursor.fetchall()} == {
                "proposals_proposal_fts_ai", "proposals_proposal_fts_ad", "proposals_proposal_fts_au",
            }
    assert found("права") == {corpus["ru_rights"].pk}


def test_bulk_created_proposals_are_found(draft: Any) -> None:
    from kenes.proposals.actions import create_proposals, prepare_proposal

    batch = [
        prepare_proposal(version=draft, article=None, text=f"Предлагаю продлить обсуждение номер {n}.", kind="comment",
                         region="atyrau", channel="import", source="test", source_id=str(n))
        for n in range(3)
    ]
    created = create_proposals(proposals=batch).created
    assert found("продлить обсуждения") == {p.pk for p in created}
    assert len(found("продлить 2")) == 1

"""Querysets compiled once (kenes.prepared): the same objects as the ORM gives, related and
deferred fields included, on SQLite and PostgreSQL; compiled once; shapes it cannot prepare
refused; values always sent as parameters."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler

from kenes.drafts.models import Version
from kenes.prepared import Prepared
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db

LONG = ("search_text", "article__text_kk", "article__text_ru", "article__text_en", "version__preamble_kk")


def by_code(code: str) -> Any:
    return Proposal.objects.select_related("version__document", "article").defer(*LONG).filter(receipt_code=code)


def loaded(obj: Any) -> dict[str, Any]:
    """The fields an object holds without another query."""
    deferred = obj.get_deferred_fields()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in deferred}


def test_the_same_objects_as_the_orm(submit: Any, draft: Version, users: dict[str, Any],
                                     django_assert_num_queries: Any) -> None:
    on_article = submit("Бапқа ұсыныс", article=draft.articles.get(number=2), author=users["citizen"])
    whole = submit("Жалпы ұсыныс", article=None)
    prepared = Prepared(Proposal, by_code, "text")
    for proposal in (on_article, whole):
        expected = by_code(proposal.receipt_code).get()
        with django_assert_num_queries(1):
            got = prepared.first(proposal.receipt_code)
            assert got is not None
            assert loaded(got) == loaded(expected)
            assert got.get_deferred_fields() == expected.get_deferred_fields() == {"search_text"}
            assert loaded(got.version) == loaded(expected.version)
            assert got.version.get_deferred_fields() == {"preamble_kk"}
            assert loaded(got.version.document) == loaded(expected.version.document)
            if expected.article is None:
                assert got.article is None
            else:
                assert loaded(got.article) == loaded(expected.article)
        assert got.created_at.tzinfo is not None and got.created_at == expected.created_at
        assert got.search_text == expected.search_text  # a deferred field still loads on access
    assert prepared.first("ZZZZ-ZZZZ-ZZ") is None


def test_compiled_once(submit: Any) -> None:
    proposal = submit("Ұсыныс")
    prepared = Prepared(Proposal, by_code, "text")
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        for _ in range(5):
            assert prepared.first(proposal.receipt_code).pk == proposal.pk  # type: ignore[union-attr]
    assert as_sql.call_count == 1


def test_several_values_and_numbers(submit: Any, users: dict[str, Any]) -> None:
    mine = submit("Менің ұсынысым", author=users["citizen"])
    Proposal.objects.filter(pk=mine.pk).update(is_hidden=True)
    prepared = Prepared(
        Proposal,
        lambda code, user_id: Proposal.objects.filter(Q(is_hidden=False) | Q(author_id=user_id), receipt_code=code),
        "text",
        "number",
    )
    assert prepared.first(mine.receipt_code, users["citizen"].pk).pk == mine.pk  # type: ignore[union-attr]
    assert prepared.first(mine.receipt_code, users["citizen2"].pk) is None
    versions = Prepared(Version, lambda slug, name: Version.objects.filter(document__slug=slug, name=name), "text", "text")
    version = Version.objects.select_related("document").first()
    assert versions.first(version.document.slug, version.name) == version  # type: ignore[union-attr]
    assert versions.first(version.name, version.document.slug) is None  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["' OR '1'='1", "x'; DROP TABLE proposals_proposal; --", "%s", "\x00", "ЖСН\u202e"])
def test_hostile_values_are_parameters(submit: Any, value: str) -> None:
    submit("Ұсыныс")
    prepared = Prepared(Proposal, lambda code: Proposal.objects.filter(receipt_code=code), "text")
    try:
        assert prepared.first(value) is None
    except DataError:  # PostgreSQL refuses NUL in text before sending it, as it does for the ORM
        assert "\x00" in value
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    "build",
    [
        lambda code: Proposal.objects.filter(receipt_code__icontains=code),  # the value is changed (%…%)
        lambda code: Proposal.objects.filter(receipt_code=code, source_id=code),  # used twice
        lambda code: Proposal.objects.all(),  # not used
        lambda code: Version.objects.filter(name=code),  # another model
    ],
)
def test_shapes_it_cannot_prepare_are_refused(build: Any) -> None:
    with pytest.raises(ImproperlyConfigured):
        Prepared(Proposal, build, "text").first("A")


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        Prepared(Proposal, by_code, "date")
    with pytest.raises(TypeError):
        Prepared(Proposal, by_code, "text").first()

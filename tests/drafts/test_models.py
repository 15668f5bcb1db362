"""Model helpers of the draft: visibility, consultation state, languages, labels; the admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from kenes.drafts.models import Article, ConsultationState, Version

pytestmark = pytest.mark.django_db


def test_consultation_state(draft: Version) -> None:
    now = timezone.now()
    assert draft.consultation_state(now) == ConsultationState.OPEN
    assert draft.consultation_opens is not None and draft.consultation_closes is not None
    assert draft.consultation_state(draft.consultation_opens - timedelta(seconds=1)) == ConsultationState.UPCOMING
    assert draft.consultation_state(draft.consultation_closes) == ConsultationState.CLOSED
    draft.is_published = False
    assert draft.consultation_state(now) == ConsultationState.NOT_SCHEDULED
    draft.is_published = True
    draft.consultation_closes = None
    assert draft.consultation_state(now) == ConsultationState.NOT_SCHEDULED


def test_visible_to(draft: Version, make_user: Any) -> None:
    hidden = Version.objects.create(document=draft.document, name="hidden", is_published=False)
    assert list(Version.objects.visible_to(AnonymousUser())) == [draft]
    assert list(Version.objects.visible_to(make_user("c", "citizen"))) == [draft]
    assert list(Version.objects.visible_to(make_user("m", "moderator"))) == [draft]
    assert set(Version.objects.visible_to(make_user("a", "admin"))) == {draft, hidden}
    assert set(Version.objects.visible_to(make_user("s", "citizen", is_staff=True))) == {draft, hidden}
    assert list(Version.objects.visible_to(None)) == [draft]


def test_languages_and_labels(draft: Version, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert draft.languages() == ["kk", "ru"]
    inserted = Article.objects.create(version=draft, number=2, sub_number=1, text_en="Inserted")
    assert draft.languages() == ["kk", "ru", "en"]
    assert inserted.label == "2-1" and str(inserted) == "test-law/draft-1 art. 2-1"
    assert [a.label for a in Article.objects.for_version(draft)] == ["1", "2", "2-1", "3"]


@pytest.mark.parametrize("path", ["/admin/drafts/document/", "/admin/drafts/version/", "/admin/drafts/article/"])
def test_admin_pages(draft: Version, make_user: Any, path: str) -> None:
    admin = make_user("root", "admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get(path).status_code == 200
    obj: Any = {"document": draft.document, "version": draft, "article": draft.articles.first()}[path.split("/")[3]]
    assert client.get(f"{path}{obj.pk}/change/").status_code == 200
    citizen = Client()
    citizen.force_login(make_user("someone", "citizen"))
    assert citizen.get(path).status_code == 302  # to the admin login
    assert Client().get(path).status_code == 302


def test_admin_edits_the_consultation_window(draft: Version, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("root", "admin", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/drafts/version/{draft.pk}/change/").content.decode()
    assert 'name="consultation_opens_0"' in page and 'name="consultation_closes_0"' in page
    assert 'name="articles-0-text_kk"' in page  # articles inline

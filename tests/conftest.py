"""Shared fixtures: users of every role, a draft under consultation, and the skip/require rules
for PostgreSQL and the browser."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared/, or a skip with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is absent: this test reads shared data")
    return path


@pytest.fixture(autouse=True)
def _no_rate_limits(settings: Any, request: pytest.FixtureRequest) -> None:
    """Rate limits are off unless a test asks for them with @pytest.mark.ratelimit."""
    settings.KENES_RATELIMIT_ENABLED = False


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts (and leaves) in the default language: the test client leaves the last
    request's language active in the thread, which would leak into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Hashing ten passwords a test with PBKDF2 costs seconds; tests need no strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Templates render without a collectstatic manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def make_user(db: Any) -> Any:
    from kenes.accounts.models import User

    def make(username: str, role: str = "citizen", region: str = "", **extra: Any) -> User:
        user = User.objects.create_user(username=username, password="pw-kenes-123", role=role, region=region, **extra)
        return user

    return make


@pytest.fixture
def users(make_user: Any) -> dict[str, Any]:
    """One user of every role; coordinators of two different regions."""
    return {
        "citizen": make_user("citizen1", "citizen", "atyrau", email="citizen1@example.kz"),
        "citizen2": make_user("citizen2", "citizen", "almaty"),
        "moderator": make_user("moder", "moderator"),
        "analyst": make_user("analyst", "analyst"),
        "coordinator": make_user("coord_atyrau", "coordinator", "atyrau"),
        "coordinator_other": make_user("coord_kyzylorda", "coordinator", "kyzylorda"),
        "coordinator_national": make_user("coord_national", "coordinator", ""),
        "commission": make_user("commission", "commission"),
        "operator": make_user("operator", "operator", "atyrau"),
        "admin": make_user("admin", "admin", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def draft(db: Any) -> Any:
    """A small published draft with three articles, open for proposals."""
    from kenes.drafts.models import Article, Document, Version

    document = Document.objects.create(
        slug="test-law", title_kk="Сынақ заңы", title_ru="Тестовый закон", title_en="Test law"
    )
    now = timezone.now()
    version = Version.objects.create(
        document=document,
        name="draft-1",
        kind="draft",
        date=now.date(),
        preamble_kk="Кіріспе",
        preamble_ru="Преамбула",
        consultation_opens=now - timedelta(days=1),
        consultation_closes=now + timedelta(days=30),
    )
    for n in range(1, 4):
        Article.objects.create(
            version=version,
            number=n,
            title_kk=f"{n}-бап тақырыбы",
            title_ru=f"Заголовок статьи {n}",
            text_kk=f"{n}-баптың мәтіні. Азаматтардың құқықтары қорғалады.",
            text_ru=f"Текст статьи {n}. Права граждан защищаются.",
        )
    return version


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    for item in items:
        if "tests/nlp/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.nodb)
        if on_postgres and "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="browser journeys run in the SQLite pass"))


@pytest.fixture
def page_cache(settings: Any) -> Any:
    """The page cache (kenes.pagecache) on for one test, empty before and after."""
    from django.core.cache import caches

    settings.KENES_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()

"""Deploy checks of our own (`kenes check --deploy`), next to Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

DEVELOPMENT_KEY_PREFIX = "kenes-insecure-development-key"


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if str(settings.SECRET_KEY).startswith(DEVELOPMENT_KEY_PREFIX):
        messages.append(
            Error(
                "KENES_SECRET_KEY is not set: the development key is in use.",
                hint="Set KENES_SECRET_KEY to a long random value (docs/deploy.md).",
                id="kenes.E001",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.KENES_RATELIMIT_ENABLED and backend.endswith("LocMemCache"):
        messages.append(
            Warning(
                "Rate limits are counted in a per-process cache: each gunicorn worker counts alone.",
                hint="Set KENES_CACHE=database and run `kenes createcachetable` (docs/deploy.md).",
                id="kenes.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        messages.append(
            Warning(
                "SQLite is the database: fine on one machine, not for several app servers.",
                hint="Set DATABASE_URL=postgres://... for a national deployment (docs/deploy.md).",
                id="kenes.W002",
            )
        )
    return messages

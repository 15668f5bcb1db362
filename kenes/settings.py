"""Kenes settings: one file, driven by the environment (KENES_* and DATABASE_URL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("KENES_DEBUG", False)
SECRET_KEY = os.environ.get("KENES_SECRET_KEY", "")
if not SECRET_KEY:
    # A development key only; production sets KENES_SECRET_KEY (see docs/deploy.md).
    SECRET_KEY = "kenes-insecure-development-key-change-me-in-production-0123456789"  # noqa: S105
ALLOWED_HOSTS = env_list("KENES_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("KENES_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("KENES_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "kenes.accounts",
    "kenes.drafts",
    "kenes.proposals",
    "kenes.insights",  # before django_tasks_db: its `db_worker` command extends the library's
    "django_tasks",
    "django_tasks_db",
    "kenes.campaign",
    "kenes.media",
    "kenes.referendum",
    "kenes.api",
    "kenes.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kenes.ops.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kenes.urls"
WSGI_APPLICATION = "kenes.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kenes.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, default an SQLite file in the project folder (WAL mode).
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'kenes.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("KENES_CONN_MAX_AGE", "0")))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # reconnect by itself after a database restart
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("KENES_TEST_DATABASE_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's ModelBackend, loading the signed-in user with one plain query (kenes.accounts.backends).
AUTHENTICATION_BACKENDS = ["kenes.accounts.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Kazakh is the default interface language.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["kenes.formats"]  # Kazakh date formats (Django has none for kk)
TIME_ZONE = os.environ.get("KENES_TIME_ZONE", "Asia/Almaty")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
_NODE_MODULES = BASE_DIR / "node_modules"
if _NODE_MODULES.is_dir():
    # Front-end packages from the npm registry (package.json); never copied into the repo.
    STATICFILES_DIRS.append(("vendor", _NODE_MODULES))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("KENES_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("KENES_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kenes",
    }
}
if os.environ.get("KENES_CACHE") == "database":
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kenes_cache"}
# Rendered public page fragments (kenes.pagecache): always in the worker's own memory, kept
# KENES_PAGE_CACHE_SECONDS (0: off; deploy/gunicorn.conf.py sets 10 for the production server).
# Correct with any number of workers: what must show at once is keyed on a mark read from the database.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kenes-pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
KENES_PAGE_CACHE_SECONDS = int(os.environ.get("KENES_PAGE_CACHE_SECONDS", "0"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("KENES_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get("KENES_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("KENES_FROM_EMAIL", "kenes@localhost")

# Proposals: limits and rate limits (per user and per IP).
KENES_PROPOSAL_MAX_CHARS = int(os.environ.get("KENES_PROPOSAL_MAX_CHARS", "5000"))
KENES_SUBMIT_RATE = os.environ.get("KENES_SUBMIT_RATE", "10/h")
KENES_SUPPORT_RATE = os.environ.get("KENES_SUPPORT_RATE", "120/h")
KENES_LOGIN_RATE = os.environ.get("KENES_LOGIN_RATE", "20/h")
KENES_RATELIMIT_ENABLED = env_bool("KENES_RATELIMIT_ENABLED", True)

SESSION_ENGINE = "kenes.accounts.sessions"  # Django's database sessions, read with one plain query
SESSION_COOKIE_HTTPONLY = True
# Production behind HTTPS (docs/deploy.md): KENES_HTTPS=1 turns on secure cookies, the redirect
# to https, HSTS and trusts X-Forwarded-Proto from the proxy; each can be overridden alone.
KENES_HTTPS = env_bool("KENES_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("KENES_SECURE_COOKIES", KENES_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("KENES_SSL_REDIRECT", KENES_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("KENES_HSTS_SECONDS", "31536000" if KENES_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KENES_HSTS_INCLUDE_SUBDOMAINS", KENES_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("KENES_HSTS_PRELOAD", KENES_HTTPS)
if env_bool("KENES_BEHIND_PROXY", KENES_HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content Security Policy (kenes.ops.middleware): our own static files only, no inline script.
KENES_CSP_REPORT_ONLY = env_bool("KENES_CSP_REPORT_ONLY", False)
KENES_HEALTH_QUEUE_MAX_AGE = int(os.environ.get("KENES_HEALTH_QUEUE_MAX_AGE", "600"))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KENES_LOG_LEVEL", "WARNING")},
}

"""Production settings: `kenes check --deploy` is clean under a production environment, the
Content Security Policy header is set, and every asset our pages use is allowed by it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kenes.ops.middleware import DEFAULT_POLICY, build_policy

ROOT = Path(__file__).resolve().parent.parent.parent

PRODUCTION_ENV = {
    "KENES_DEBUG": "0",
    "KENES_SECRET_KEY": "q8Vx2-production-test-key-not-used-anywhere-else-7rN4kLm9Zp3Wd6Ty0Hs",
    "KENES_ALLOWED_HOSTS": "kenes.example.kz",
    "KENES_CSRF_TRUSTED_ORIGINS": "https://kenes.example.kz",
    "KENES_HTTPS": "1",
    "KENES_CACHE": "database",
    "DATABASE_URL": "postgres://kenes@127.0.0.1:5432/kenes",
}


def run_check(extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENES_") and k != "DATABASE_URL"}
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "kenes.cli", "check", "--deploy", "--fail-level", "WARNING", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_env() -> None:
    result = run_check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ("KENES_SECRET_KEY", "kenes.E001"),
        ("KENES_HTTPS", "security.W004"),
        ("KENES_CACHE", "kenes.W001"),
        ("DATABASE_URL", "kenes.W002"),
    ],
)
def test_check_deploy_names_what_is_missing(missing: str, code: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_check(env)
    assert result.returncode != 0
    assert code in result.stdout + result.stderr


def test_production_settings_values() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENES_") and k != "DATABASE_URL"}
    env.update(PRODUCTION_ENV)
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT,"
        " settings.SECURE_HSTS_SECONDS, settings.SECURE_PROXY_SSL_HEADER, settings.DEBUG,"
        " settings.DATABASES['default']['ENGINE'], settings.STORAGES['staticfiles']['BACKEND']]))"
    )
    env["DJANGO_SETTINGS_MODULE"] = "kenes.settings"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        '[true, true, true, 31536000, ["HTTP_X_FORWARDED_PROTO", "https"], false, '
        '"django.db.backends.postgresql", "whitenoise.storage.CompressedManifestStaticFilesStorage"]'
    )


def test_build_policy() -> None:
    assert build_policy({"default-src": ["'self'"], "img-src": ["'self'", "data:"]}) == (
        "default-src 'self'; img-src 'self' data:"
    )
    header = build_policy(DEFAULT_POLICY)
    assert "script-src 'self';" in header
    assert "'unsafe-inline'" not in header.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in header


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "proposals:list", "accounts:login", "health"])
def test_csp_header_on_pages(client: Any, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response["Content-Security-Policy"] == build_policy(DEFAULT_POLICY)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_csp_report_only_and_off(client: Any, settings: Any) -> None:
    settings.KENES_CSP_REPORT_ONLY = True
    response = client.get(reverse("home"))
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"]
    settings.KENES_CSP_REPORT_ONLY = False
    settings.KENES_CSP = {}
    assert "Content-Security-Policy" not in client.get(reverse("home"))


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/proposals/", "/draft/", "/accounts/login/", "/api/v1/docs", "/en/news/"])
def test_pages_have_no_inline_script_or_foreign_assets(client: Any, draft: Any, path: str) -> None:
    """script-src 'self': every script is a same-origin file; JSON data blocks are not executed."""
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    for attrs, body in SCRIPT_TAG.findall(html):
        if 'type="application/json"' in attrs:
            continue
        assert "src=" in attrs and not body.strip(), f"inline script on {path}: {attrs} {body[:80]}"
    for url in re.findall(r'(?:src|href)="(https?:)?//([^"/]+)', html):
        pytest.fail(f"{path} loads an asset from another host: {url}")
    assert not re.search(r"\son[a-z]+=\"", html), f"inline event handler on {path}"


TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "kenes").glob("*/templates"))]
INLINE_CODE = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+\s*=|\bhx-on|javascript:", re.I
)
KNOWN_INLINE: dict[str, str] = {}  # template name -> reason, while a known offender waits for its fix


def template_params() -> list[Any]:
    params = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            name = str(path.relative_to(folder))
            marks = [pytest.mark.xfail(strict=False, reason=KNOWN_INLINE[name])] if name in KNOWN_INLINE else []
            params.append(pytest.param(path, marks=marks, id=name))
    return params


@pytest.mark.parametrize("path", template_params())
def test_templates_carry_no_inline_script(path: Path) -> None:
    """script-src 'self': inline <script>, on…= handlers, hx-on and javascript: URLs would not run."""
    found = INLINE_CODE.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name}: {found}"


@pytest.mark.parametrize(
    ("environ", "workers", "accesslog"),
    [({}, os.cpu_count() or 1, None), ({"KENES_WEB_WORKERS": "3", "KENES_ACCESS_LOG": "-"}, 3, "-")],
)
def test_gunicorn_settings(monkeypatch: Any, environ: dict[str, str], workers: int, accesslog: str | None) -> None:
    """One sync worker per core; gunicorn's access log only when asked for (the proxy logs)."""
    import runpy

    monkeypatch.setattr(os, "environ", dict(os.environ))  # the conf sets defaults in os.environ
    for name in ("KENES_WEB_WORKERS", "KENES_WEB_THREADS", "KENES_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))
    assert conf["workers"] == workers and conf["worker_class"] == "sync" and conf["accesslog"] == accesslog

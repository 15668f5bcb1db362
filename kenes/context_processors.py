from __future__ import annotations

import functools
from typing import Any, NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

# The links every page's header carries, by name in the template (`nav.proposals`).
NAV = {
    "home": "home",
    "drafts": "drafts:list",
    "proposals": "proposals:list",
    "receipt_lookup": "proposals:receipt_lookup",
    "events": "campaign:events",
    "news": "media:list",
    "referendum": "referendum:index",
    "profile": "accounts:profile",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "register": "accounts:register",
    "set_language": "set_language",
}


@functools.lru_cache(maxsize=32)
def nav_urls(language: str | None, prefix: str) -> dict[str, str]:
    """The header's links in one language, reversed once per process: every page renders them,
    and reversing a dozen URLs on each request cost a third of the header's time."""
    return {name: reverse(view) for name, view in NAV.items()}


class HeaderUser(NamedTuple):
    """What the header shows of the signed-in user, its name aside: the kind of user."""

    is_authenticated: bool
    role: str
    is_moderator: bool
    is_analyst: bool
    is_coordinator: bool
    is_commission: bool
    is_operator: bool
    is_staff: bool
    username: str = ""


ANONYMOUS = HeaderUser(False, "", False, False, False, False, False, False)

# Stand-ins for the per-request values in the header kept in memory: characters of Unicode's
# private use area, which neither a translation nor a URL of the header contains.
CSRF_SLOT = "\ue000csrf\ue000"
USERNAME_SLOT = "\ue000username\ue000"
PATH_SLOT = "\ue000path\ue000"


@functools.lru_cache(maxsize=512)
def header_html(language: str | None, prefix: str, ns: str, url_name: str, user: HeaderUser) -> str:
    """The header (templates/chrome/header.html) for one language, page and kind of user, with
    stand-ins for the CSRF token, the user name and the current path. Rendering it on every
    request was a third of a cached page's CPU under load; the result depends on nothing else."""
    context = {
        "nav": nav_urls(language, prefix),
        "ns": ns,
        "url_name": url_name,
        "user": user._replace(username=USERNAME_SLOT) if user.is_authenticated else user,
        "csrf_token": CSRF_SLOT,
        "current_path": PATH_SLOT,
        "LANGUAGE_CODE": language,
        "languages": [get_language_info(code) for code, _name in settings.LANGUAGES],
    }
    return render_to_string("chrome/header.html", context)


def header(request: HttpRequest) -> SafeString:
    """The page header for this request: the kept one with this request's CSRF token, user name
    and path filled in (escaped as the template would)."""
    user: Any = request.user
    who = ANONYMOUS
    if user.is_authenticated:
        who = HeaderUser(
            True,
            user.role,
            user.is_moderator,
            user.is_analyst,
            user.is_coordinator,
            user.is_commission,
            user.is_operator,
            user.is_staff,
        )
    match = request.resolver_match
    html = header_html(
        get_language(),
        get_script_prefix(),
        match.namespace if match else "",
        (match.url_name or "") if match else "",
        who,
    )
    html = html.replace(PATH_SLOT, escape(request.get_full_path()))
    html = html.replace(CSRF_SLOT, escape(get_token(request)))  # masking a token costs: one per page
    if who.is_authenticated:
        html = html.replace(USERNAME_SLOT, escape(user.get_username()))
    return mark_safe(html)  # rendered with autoescape; the values filled in are escaped


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_URL": settings.SITE_URL,
        "nav": nav_urls(get_language(), get_script_prefix()),
        # A callable: rendered only by templates that show it (base.html), not by fragments.
        "site_header": functools.partial(header, request),
    }


@receiver(setting_changed)
def _forget_nav_urls(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME", "TEMPLATES"}:
        nav_urls.cache_clear()
        header_html.cache_clear()

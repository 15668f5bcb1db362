"""Short-lived cache of rendered, user-independent page fragments (the public proposal list and
search results, an article's page body) in each web worker's own memory.

A fragment is kept for settings.KENES_PAGE_CACHE_SECONDS (0, the default, turns the cache off;
deploy/gunicorn.conf.py turns it on for the production server): a new proposal or a new support
shows up within that time. A change that must show at once — hiding or unhiding a proposal, an
official answer — is recorded as a ProposalChange in the same transaction, and the latest change's
id (`moderation_mark()`, read from the database on every request) is part of every key: after
such a change no worker serves a fragment rendered before it. The mark is read before the data,
so a fragment is never stored under a newer mark than the data it shows.

The per-process cache (settings.CACHES["pages"], locmem) needs no shared server and costs no
query; each worker renders each fragment once per period.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

CACHE_ALIAS = "pages"


def ttl() -> int:
    return max(0, int(getattr(settings, "KENES_PAGE_CACHE_SECONDS", 0)))


def enabled() -> bool:
    return ttl() > 0


def fragment_key(name: str, mark: int, parts: Iterable[object]) -> str:
    """The cache key of one fragment: its name, the interface language, the moderation mark and
    whatever else the fragment depends on (hashed: query strings can be long)."""
    digest = hashlib.blake2b("\x1f".join(str(part) for part in parts).encode("utf-8"), digest_size=16).hexdigest()
    return f"page:{name}:{get_language() or settings.LANGUAGE_CODE}:{mark}:{digest}"


def cached_fragment(name: str, mark: int, parts: Iterable[object], render: Callable[[], str]) -> str:
    """The fragment from the cache, or `render()` stored for the next requests. With the cache
    off, just `render()`."""
    seconds = ttl()
    if seconds <= 0:
        return render()
    cache = caches[CACHE_ALIAS]
    key = fragment_key(name, mark, parts)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout=seconds)
    return str(html)

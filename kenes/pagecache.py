"""Short-lived cache of rendered, user-independent page fragments (the public proposal list and
search results, an article's page body) in each web worker's own memory.

A fragment is kept for settings.KENES_PAGE_CACHE_SECONDS (0, the default, turns the cache off;
deploy/gunicorn.conf.py turns it on for the production server): a new proposal or a new support
shows up within that time. A change that must show at once — hiding or unhiding a proposal, an
official answer — is recorded as a ProposalChange in the same transaction, and the latest change's
id (`ProposalChange.objects.latest_mark()`, read from the database on every request) is part of every key: after
such a change no worker serves a fragment rendered before it. The mark is read before the data,
so a fragment is never stored under a newer mark than the data it shows.

Two levels: the worker's own memory (settings.CACHES["pages"], locmem: no query at all), then
the default cache when that one is shared (KENES_CACHE=database, as production runs for its rate
limits: one indexed read), so that one worker renders a fragment once per period for all the
workers and app servers, not each of them. A fragment carries its expiry time from the first
render: the copy a worker takes from the shared cache expires with it, so no copy outlives the
period.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
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


def shared_cache() -> BaseCache | None:
    """The default cache when other workers see it too (not a per-process locmem)."""
    default = caches["default"]
    return None if isinstance(default, LocMemCache) else default


def cached_fragment(name: str, mark: int, parts: Iterable[object], render: Callable[[], str]) -> str:
    """The fragment from the worker's cache, else from the shared one, else `render()` stored in
    both for the rest of the period. With the cache off, just `render()`."""
    seconds = ttl()
    if seconds <= 0:
        return render()
    local = caches[CACHE_ALIAS]
    key = fragment_key(name, mark, parts)
    html = local.get(key)
    if html is not None:
        return str(html)
    shared = shared_cache()
    now = time.time()
    entry: Any = shared.get(key) if shared is not None else None
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] > now:
        expires, html = entry
    else:
        expires, html = now + seconds, render()
        if shared is not None:
            shared.set(key, (expires, str(html)), timeout=seconds)
    local.set(key, str(html), timeout=max(1, int(expires - now)))
    return str(html)

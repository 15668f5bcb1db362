"""A small cache-based rate limiter: fixed windows counted in the default cache.

`check_rate(key, rate)` counts one hit for `key` and says whether it is still within `rate`
("10/h", "5/m", "100/d", "2/s"). The `ratelimit` decorator limits a function view per user
AND per IP address (REMOTE_ADDR) and answers 429 with a translated page. Everything honours
settings.KENES_RATELIMIT_ENABLED. Use a shared cache (KENES_CACHE=database) when several
processes serve the site, otherwise each process counts alone.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/h' -> (10, 3600). A rate may also name a setting holding one ('KENES_SUBMIT_RATE')."""
    if "/" not in rate:
        rate = str(getattr(settings, rate))
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"bad rate {rate!r}: expected like '10/h' or '5/15m'")
    count, multiplier, unit = match.groups()
    return int(count), UNITS[unit] * int(multiplier or 1)


def check_rate(key: str, rate: str = "10/h") -> bool:
    """Count one hit for `key`; True while the number of hits in the current window is within `rate`."""
    if not getattr(settings, "KENES_RATELIMIT_ENABLED", True):
        return True
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    cache_key = f"rl:{period}:{window}:{digest}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        hits = 1
    return hits <= limit


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def request_allowed(request: HttpRequest, scope: str, rate: str) -> bool:
    """One hit for the user (when logged in) and one for the IP; both must be within `rate`."""
    allowed = check_rate(f"{scope}:ip:{client_ip(request)}", rate)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        allowed = check_rate(f"{scope}:user:{user.pk}", rate) and allowed
    return allowed


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "proposals/ratelimited.html", {}, status=429)


def ratelimit(scope: str, rate: str, methods: tuple[str, ...] = ("POST",)) -> Callable[[Callable[..., Any]], Any]:
    """Limit a function view per user and per IP for the given HTTP methods (POST by default)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and not request_allowed(request, scope, rate):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

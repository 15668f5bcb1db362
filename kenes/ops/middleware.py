"""Content Security Policy: one response header, set on every response that has none yet.

Django 5.2 has no built-in CSP. The policy comes from settings.KENES_CSP (a dict of directive ->
list of sources); an empty dict turns the header off. Our pages load only our own static files
(Pico CSS, htmx, kenes.css, the API docs' Swagger UI): no inline script, no third-party host.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # htmx inserts its indicator <style> and a few templates carry a style attribute.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def build_policy(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        policy = getattr(settings, "KENES_CSP", DEFAULT_POLICY)
        self.header_value = build_policy(policy) if policy else ""
        self.header_name = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "KENES_CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header_value and "Content-Security-Policy" not in response:
            response[self.header_name] = self.header_value
        return response

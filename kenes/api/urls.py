"""The API's URLs. `/api/v1/` lies outside the i18n patterns, where Django would always pick the
default language: here each request speaks the language of its cookie or Accept-Language header."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, include, path
from django.utils import translation

from kenes.api.api import api


def in_request_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapped


_patterns, _app_name, _namespace = api.urls
localised = [
    URLPattern(p.pattern, in_request_language(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
    for p in _patterns
]

urlpatterns = [
    path("", include((localised, _app_name), namespace=_namespace)),
]

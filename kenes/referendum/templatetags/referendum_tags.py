from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def name_in(obj: Any, language: str) -> str:
    """A commission's name or a referendum's title in the given language."""
    for method in ("name", "title", "text"):
        if hasattr(obj, method) and callable(getattr(obj, method)):
            return str(getattr(obj, method)(language))
    return str(obj)


@register.filter
def pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{number_format(value, 2)} %"


@register.filter
def signed(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return ("+" if value >= 0 else "−") + number_format(abs(value), 2)
    return ("+" if value >= 0 else "−") + number_format(abs(value), 0, force_grouping=True)


@register.filter
def num(value: int | None) -> str:
    if value is None:
        return "—"
    return number_format(value, 0, force_grouping=True)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def field_value(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)


@register.filter
def absval(value: int | float) -> int | float:
    return abs(value)

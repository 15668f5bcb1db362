"""Fields kept in Kazakh, Russian and English side by side (`title_kk`, `title_ru`, `title_en`)."""

from __future__ import annotations

LANGS = ("kk", "ru", "en")


def pick(obj: object, field: str, language: str) -> str:
    """The field in `language`, falling back to kk, ru, en (the first non-empty one)."""
    language = (language or "kk")[:2]
    for lang in (language, *LANGS):
        value = getattr(obj, f"{field}_{lang}", "")
        if value:
            return str(value)
    return ""

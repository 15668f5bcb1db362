"""Template filters for proposals: personal data masked for the public, region names."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from kenes.nlp.pii import mask_personal_data
from kenes.regions import region_name as _region_name

register = template.Library()


@register.filter
def text_for(proposal: Any, user: Any) -> str:
    """The proposal's text as this user may see it (masked unless they may see personal data)."""
    return str(proposal.text_for(user))


@register.filter
def author_for(proposal: Any, user: Any) -> str:
    return str(proposal.author_name_for(user))


@register.filter
def mask_for(text: str, user: Any) -> str:
    """Any text shown beside a proposal (answer, reason): personal data masked unless this user
    may see it."""
    if user is not None and getattr(user, "is_authenticated", False) and user.can_see_personal_data:
        return str(text)
    return mask_personal_data(str(text))


@register.filter
def region_name(slug: str) -> str:
    return _region_name(slug, (get_language() or "kk")[:2])

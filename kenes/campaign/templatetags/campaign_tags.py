from __future__ import annotations

from typing import Any

from django import template

from kenes.nlp.pii import mask_personal_data

register = template.Library()


@register.filter
def masked_for(text: str, user: Any) -> str:
    """Text with personal data (IIN, phones, e-mails) masked, unless the user may see originals."""
    if user is not None and getattr(user, "is_authenticated", False) and user.can_see_personal_data:
        return text
    return mask_personal_data(text or "")

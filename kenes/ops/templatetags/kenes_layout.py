"""`{% shared_fragment "name" value … %}…{% endshared_fragment %}`: a part of the page layout that
is the same for every request with the same interface language, script prefix and listed values
(the section links of the header, the language buttons, the static asset links) is rendered once
per process and then reused. Rendering them took about 40% of the page shell's CPU on every HTML
page (URL reversals, static file URLs, translations).

Only for content that depends on nothing but the language and the listed values: never the user,
the CSRF token or the request path (those stay outside, in base.html). The number of entries is
bounded (languages x listed values, cleared when over MAX_ENTRIES).
"""

from __future__ import annotations

import threading

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 2000
_rendered: dict[tuple[str, ...], SafeString] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget every rendered fragment (for tests that change translations or URLs)."""
    with _lock:
        _rendered.clear()


class SharedFragmentNode(template.Node):
    def __init__(self, name: str, vary_on: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        key = (
            self.name,
            get_language() or "",
            get_script_prefix(),
            *(str(value.resolve(context, ignore_failures=True) or "") for value in self.vary_on),
        )
        html = _rendered.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # already escaped by the template
            with _lock:
                if len(_rendered) >= MAX_ENTRIES:
                    _rendered.clear()
                _rendered[key] = html
        return html


@register.tag("shared_fragment")
def do_shared_fragment(parser: Parser, token: Token) -> SharedFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a quoted fragment name first")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


@receiver(setting_changed)
def _forget_on_setting_change(**_kwargs: object) -> None:
    """Tests that override settings (URLs, languages, static files) must not see older fragments."""
    clear()

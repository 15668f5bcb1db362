"""Word differences between a form letter's base text and a variant, as escaped HTML."""

from __future__ import annotations

import difflib
import re
from html import escape

_TOKENS = re.compile(r"\s+|[^\s]+")
MAX_TOKENS = 3000  # longer texts are compared on their beginning only (the rest shown as it is)


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(base: str, variant: str) -> tuple[str, int]:
    """(HTML of the variant with words not in the base in <ins> and words of the base missing from it in
    <del>, number of changed words). Every piece of text is escaped."""
    a = tokens(base)
    b = tokens(variant)
    tail = b[MAX_TOKENS:]
    a, b = a[:MAX_TOKENS], b[:MAX_TOKENS]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[str] = []
    changed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(b[j1:j2])))
            continue
        removed = "".join(a[i1:i2])
        added = "".join(b[j1:j2])
        if removed.strip():
            out.append(f"<del>{escape(removed)}</del>")
            changed += sum(1 for t in a[i1:i2] if t.strip())
        if added.strip():
            out.append(f"<ins>{escape(added)}</ins>")
            changed += sum(1 for t in b[j1:j2] if t.strip())
        elif added:
            out.append(escape(added))
    out.append(escape("".join(tail)))
    return "".join(out), changed

"""The demo draft law: kenes/data/demo/law_{kk,ru}.md, read into plain data (Django-free).

Format: `# Title`, the preamble, `## Section` headings, `### N-бап. Title` / `### Статья N. Title`
article headings, each followed by the article's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
_NUMBER = re.compile(r"(\d+)")


@dataclass
class LawArticle:
    number: int
    title: str
    section: str
    text: str


@dataclass
class Law:
    title: str
    preamble: str
    articles: list[LawArticle] = field(default_factory=list)


def parse_law(source: str) -> Law:
    law = Law(title="", preamble="")
    section = ""
    preamble: list[str] = []
    current: LawArticle | None = None
    body: list[str] = []

    def close_article() -> None:
        if current is not None:
            current.text = "\n".join(body).strip()
        body.clear()

    for line in source.splitlines():
        if line.startswith("### "):
            close_article()
            heading = line[4:].strip()
            match = _NUMBER.search(heading)
            if match is None:
                raise ValueError(f"article heading without a number: {heading!r}")
            current = LawArticle(int(match.group(1)), heading.partition(". ")[2].strip(), section, "")
            law.articles.append(current)
        elif line.startswith("## "):
            close_article()
            current = None
            section = line[3:].strip()
        elif line.startswith("# ") and not law.title:
            law.title = line[2:].strip()
        elif current is not None:
            body.append(line)
        elif not law.articles and not section:
            preamble.append(line)
        elif line.strip():
            raise ValueError(f"text outside an article: {line[:60]!r}")
    close_article()
    law.preamble = "\n".join(preamble).strip()
    return law


def read_law(language: str) -> Law:
    return parse_law((DEMO_DIR / f"law_{language}.md").read_text(encoding="utf-8"))

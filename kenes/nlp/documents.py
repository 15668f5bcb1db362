"""Structure of a legal text (Markdown or plain text) and word-level differences between texts.

Django-free. `parse_document(text)` finds the front matter, the title, the preamble, sections
("І бөлім", "Раздел II", "ГЛАВА 3", "Section I" …) and articles ("1-бап", "83-1-бап",
"Статья 5", "Article 7", Markdown headings "## 5. Title", `<a id="st5">` anchors). It never raises
anything but `DocumentParseError`, whose message says what is wrong and where.

`word_diff(a, b)` compares two texts token by token (difflib) and returns segments
("equal" | "insert" | "delete", text) for rendering as <ins>/<del>.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from kenes.nlp.text import normalize

MAX_CHARS = 5_000_000
MAX_ARTICLE_NUMBER = 9999
MAX_TITLE_CHARS = 300
MAX_FRONT_MATTER_LINES = 200


class DocumentParseError(ValueError):
    """The text cannot be imported as a document; the message says why (and on which lines)."""


@dataclass
class ParsedArticle:
    number: int
    sub_number: int = 0
    title: str = ""
    section: str = ""
    line: int = 0
    paragraphs: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.number}-{self.sub_number}" if self.sub_number else str(self.number)

    @property
    def key(self) -> tuple[int, int]:
        return (self.number, self.sub_number)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class ParsedDocument:
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    preamble: str = ""
    articles: list[ParsedArticle] = field(default_factory=list)

    @property
    def date(self) -> date | None:
        for key in ("version_date", "date", "approval_date", "adopted", "published"):
            value = self.metadata.get(key, "")
            match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
            if match:
                try:
                    return date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    continue
        return None

    @property
    def sections(self) -> list[str]:
        seen: list[str] = []
        for article in self.articles:
            if article.section and article.section not in seen:
                seen.append(article.section)
        return seen


# --- line patterns ---------------------------------------------------------------------------

_NUM = r"(\d{1,6})(?:\s*[-‐‑–]\s*(\d{1,3}))?"
_SEP = r"(?:\s*[.:)–—-]\s*(?P<title>.*)|\s*)$"
_ARTICLE_PATTERNS = [
    re.compile(rf"^{_NUM}\s*[-‐‑–]?\s*(?:бап|bap)\b{_SEP}", re.IGNORECASE),
    re.compile(rf"^(?:статья|ст\.)\s*{_NUM}\b{_SEP}", re.IGNORECASE),
    re.compile(rf"^(?:article|art\.)\s*{_NUM}\b{_SEP}", re.IGNORECASE),
]
# In a Markdown heading or a bold line, a title may follow after a plain space: "## 1-бап Тіл".
_ARTICLE_LOOSE_PATTERNS = [
    re.compile(rf"^{_NUM}\s*[-‐‑–]?\s*(?:бап|bap)\b\s*[.:–—-]?\s*(?P<title>.*)$", re.IGNORECASE),
    re.compile(rf"^(?:статья|ст\.)\s*{_NUM}\b\s*[.:–—-]?\s*(?P<title>.*)$", re.IGNORECASE),
    re.compile(rf"^(?:article|art\.)\s*{_NUM}\b\s*[.:–—-]?\s*(?P<title>.*)$", re.IGNORECASE),

]
# "## 5. Title" or "## 5" (a numbered Markdown heading)
_NUMBERED_HEADING = [re.compile(rf"^{_NUM}\s*(?:[.)]\s*(?P<title>.*))?$")]
_ROMAN = r"[IVXLCІ]+"
_SECTION_PATTERNS = [
    re.compile(rf"^(?P<num>{_ROMAN}|\d{{1,3}})\s*[-–]?\s*(?:бөлім|бөлiм|тарау|тарау)\b\s*[.:–—-]?\s*(?P<title>.*)$", re.IGNORECASE),
    re.compile(rf"^(?:раздел|глава|часть)\s+(?P<num>{_ROMAN}|\d{{1,3}})\b\s*[.:–—-]?\s*(?P<title>.*)$", re.IGNORECASE),
    re.compile(rf"^(?:section|chapter|part)\s+(?P<num>{_ROMAN}|\d{{1,3}})\b\s*[.:–—-]?\s*(?P<title>.*)$", re.IGNORECASE),
]
_ANCHOR = re.compile(
    r"^<a\s+(?:id|name)\s*=\s*[\"']?(?:st|art(?:icle)?[-_]?)(\d{1,6})(?:[-_](\d{1,3}))?[\"']?\s*/?>\s*(?:</a>)?$",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1\s*$")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_RULE = re.compile(r"^[\s_*=~-]{3,}$")
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]{0,60})\s*:\s*(.*)$")


def _clean_inline(text: str) -> str:
    """Markdown emphasis and blockquote marks removed; whitespace collapsed; look-alikes fixed."""
    text = text.strip()
    while text.startswith(">"):
        text = text[1:].lstrip()
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    return normalize(text).strip()


def _roman_to_int(value: str) -> int:
    value = value.upper().replace("І", "I")
    numerals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(value):
        current = numerals.get(ch, 0)
        following = numerals.get(value[i + 1], 0) if i + 1 < len(value) else 0
        total += -current if current < following else current
    return total


def _parse_front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Top-level `key: value` scalars of a YAML front matter block; returns (metadata, lines used)."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 1)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, 0
    metadata: dict[str, str] = {}
    for raw in lines[1:end]:
        if raw[:1] in (" ", "\t", "-", "#"):
            continue  # nested values and lists are not used
        match = _FRONT_KEY.match(raw.strip())
        if not match:
            continue
        value = match[2].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        metadata[match[1].lower()] = normalize(value)[:1000]
    return metadata, end + 1


def _match_article(line: str, patterns: list[re.Pattern[str]]) -> tuple[int, int, str] | None:
    for pattern in patterns:
        match = pattern.match(line)
        if match:
            title = (match.group("title") or "").strip()
            if patterns is _ARTICLE_PATTERNS and len(title) > MAX_TITLE_CHARS:
                return None
            return int(match[1]), int(match[2] or 0), title[:MAX_TITLE_CHARS]
    return None


def _match_section(line: str) -> tuple[str, str] | None:
    for pattern in _SECTION_PATTERNS:
        match = pattern.match(line)
        if match:
            num = match["num"]
            if not num.isdigit() and _roman_to_int(num) == 0:
                return None
            title = match["title"].strip()
            if len(title) > MAX_TITLE_CHARS:
                return None
            head = line[: match.start("title")].strip().rstrip(".:–—-").strip() if title else line.strip()
            return head.replace("І", "I") if not num.isdigit() else head, title
    return None


def decode_document(data: bytes, *, max_bytes: int = MAX_CHARS) -> str:
    """UTF-8 text (with or without BOM), or a DocumentParseError that says what is wrong."""
    if len(data) > max_bytes:
        raise DocumentParseError(f"the file is too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if b"\x00" in data:
        raise DocumentParseError("the file is not text (it contains NUL bytes); save it as UTF-8 Markdown or plain text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentParseError(
            f"the file is not valid UTF-8 (byte {exc.start}): save it as UTF-8 (a cp1251 text must be converted first)"
        ) from None
    return text


def parse_document(text: str, *, max_chars: int = MAX_CHARS) -> ParsedDocument:
    """Front matter, title, preamble, sections and articles of a Markdown or plain-text law."""
    if len(text) > max_chars:
        raise DocumentParseError(f"the text is too large ({len(text):,} characters; the limit is {max_chars:,})")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parser = _Parser()
    metadata, start = _parse_front_matter(lines)
    for index in range(start, len(lines)):
        parser.feed(lines[index], index + 1)
    return parser.finish(metadata)


class _Parser:
    """A line-by-line state machine; see parse_document."""

    def __init__(self) -> None:
        self.title = ""
        self.preamble: list[str] = []
        self.articles: list[ParsedArticle] = []
        self.current: ParsedArticle | None = None
        self.section = ""
        self.section_open = False  # a section heading without a title takes the next paragraph as title
        self.section_title_taken = False
        self.pending_anchor: tuple[int, int, int] | None = None  # (number, sub, line)
        self.seen: dict[tuple[int, int], int] = {}
        self.duplicates: list[str] = []
        self.paragraph: list[str] = []
        self.first_line = ""  # a plain text's first line, possibly its title
        self.started = False

    def flush(self) -> None:
        if not self.paragraph:
            return
        joined = " ".join(self.paragraph)
        self.paragraph.clear()
        (self.current.paragraphs if self.current is not None else self.preamble).append(joined)

    def start_article(self, number: int, sub: int, title: str, lineno: int) -> None:
        self.flush()
        if number < 1 or number > MAX_ARTICLE_NUMBER:
            raise DocumentParseError(f"line {lineno}: article number {number} is out of range (1–{MAX_ARTICLE_NUMBER})")
        article = ParsedArticle(number=number, sub_number=sub, title=title, section=self.section, line=lineno)
        if article.key in self.seen:
            self.duplicates.append(f"{article.label} (lines {self.seen[article.key]} and {lineno})")
        else:
            self.seen[article.key] = lineno
        self.articles.append(article)
        self.current = article
        self.pending_anchor = None
        self.section_open = False

    def start_section(self, label: str, open_: bool) -> None:
        self.flush()
        self.section = label[:MAX_TITLE_CHARS]
        self.section_open = open_
        self.section_title_taken = False
        self.pending_anchor = None

    def feed(self, raw_line: str, lineno: int) -> None:
        raw = raw_line.replace("\u00a0", " ").strip()
        if not raw or _RULE.match(raw):
            self.flush()
            if self.section_open and self.section_title_taken:
                self.section_open = False
            return
        anchor = _ANCHOR.match(raw)
        if anchor:
            self.flush()
            self.started = True
            self.pending_anchor = (int(anchor[1]), int(anchor[2] or 0), lineno)
            return
        heading = _MD_HEADING.match(raw)
        bold = _BOLD_LINE.match(raw) if heading is None else None
        line = _clean_inline(heading[2] if heading else bold[2] if bold else raw)
        if not line:
            self.flush()
            return
        if heading is not None:
            found = _match_article(line, _ARTICLE_LOOSE_PATTERNS + _NUMBERED_HEADING)
        elif bold is not None or self.pending_anchor is not None:
            found = _match_article(line, _ARTICLE_LOOSE_PATTERNS)
        else:
            found = _match_article(line, _ARTICLE_PATTERNS)
        if found is not None:
            self.start_article(*found, lineno)
            return
        found_section = _match_section(line)
        if found_section is not None:
            head, title = found_section
            self.start_section(f"{head} {title}".strip(), open_=not title)
            return
        if heading is not None:
            if not self.title and not self.articles and not self.section and len(heading[1]) == 1:
                self.flush()
                self.title = line[:MAX_TITLE_CHARS]
            else:
                self.start_section(line, open_=False)  # any other Markdown heading starts a section
            return
        if self.section_open:
            self.section = f"{self.section} {line}"[:MAX_TITLE_CHARS]
            self.section_title_taken = True
            return
        if self.pending_anchor is not None:
            number, sub, anchor_line = self.pending_anchor
            self.start_article(number, sub, "", anchor_line)
        if not self.started and self.current is None and not self.section and not self.title:
            self.started = True
            if len(line) <= 150 and line[-1:] not in ",.;:":
                self.first_line = line
                return
        self.started = True
        self.paragraph.append(line)

    def finish(self, metadata: dict[str, str]) -> ParsedDocument:
        self.flush()
        if self.pending_anchor is not None:
            number, sub, anchor_line = self.pending_anchor
            self.start_article(number, sub, "", anchor_line)
        if not self.articles:
            raise DocumentParseError(
                "no articles found: expected headings such as “1-бап”, “Статья 1”, “Article 1”, "
                "“## 1. Title” or anchors <a id=\"st1\">"
            )
        if self.duplicates:
            shown = ", ".join(self.duplicates[:10]) + (" …" if len(self.duplicates) > 10 else "")
            raise DocumentParseError(f"duplicated article numbers: {shown}")
        preamble = self.preamble
        title = metadata.get("title", "")[:MAX_TITLE_CHARS] or self.title
        if not title:
            title = self.first_line
        elif self.first_line and self.first_line != title:
            preamble = [self.first_line, *preamble]
        if preamble and preamble[0] == title:
            preamble = preamble[1:]
        return ParsedDocument(title=title, metadata=metadata, preamble="\n\n".join(preamble), articles=self.articles)


# --- word-level differences -------------------------------------------------------------------

# A word or a punctuation mark together with the whitespace after it: half as many tokens as
# splitting whitespace off, and no popular " " token to slow difflib down (about 12x faster).
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+", re.UNICODE)
MAX_DIFF_TOKENS = 20_000


def tokenize_for_diff(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Segments ("equal" | "delete" | "insert", text) turning `old` into `new`, word by word.

    Very long texts are compared paragraph by paragraph first, so the cost stays bounded.
    """
    a, b = tokenize_for_diff(old), tokenize_for_diff(new)
    if len(a) + len(b) > MAX_DIFF_TOKENS:
        a = re.split(r"(\n+)", old)
        b = re.split(r"(\n+)", new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops: list[str] = []
    texts: list[list[str]] = []

    def add(op: str, tokens: list[str]) -> None:
        if not tokens:
            return
        if ops and ops[-1] == op:
            texts[-1].extend(tokens)
        else:
            ops.append(op)
            texts.append(list(tokens))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return [(op, "".join(parts)) for op, parts in zip(ops, texts, strict=True)]


_WORD3 = re.compile(r"\w{3,}")


def word_set(text: str) -> frozenset[str]:
    return frozenset(_WORD3.findall(text.lower()))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets (cheap; used to detect moved/renumbered articles)."""
    if not a and not b:
        return 1.0
    shared = len(a & b) if len(a) < len(b) else len(b & a)
    return shared / (len(a) + len(b) - shared)

"""Reading news files: the seeds' format, plain text, HTML pages, RSS/Atom feeds and JSONL.

`read_documents(name, data)` detects the format by content and returns one `RawDocument` per
story (a feed gives one per item). Bytes are decoded as UTF-8 (with or without BOM), else as
the charset an HTML page declares, else as cp1251; a file that decodes to nothing usable raises
`NewsFormatError` with a clear message.
"""

from __future__ import annotations

import email.utils
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

MAX_BYTES = 5_000_000
SEED_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*(.*)$")
ISO_DATE = re.compile(r"\b(20\d{2})-(\d{2})-(\d{2})")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
BROKEN_HYPHEN = re.compile(r"(\w)-\s+(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])")
# "партияныңАтқарушы", "өтті.Оның": words glued by a lost space (a long lower-case run, then a capital)
GLUED_WORDS = re.compile(r"([а-яёәғқңөұүһі]{5,})([А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі])")
GLUED_SENTENCES = re.compile(r"([а-яёәғқңөұүһі]{2,}[.!?])([А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі])")
SPACES = re.compile(r"[ \t\u00a0\u202f]+")


class NewsFormatError(ValueError):
    """A file that is not a readable news document."""


@dataclass
class RawDocument:
    file: str
    title: str
    body: str
    date: str = ""
    url: str = ""
    outlet: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return (self.title + "\n" + self.body).strip()


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (BOM or not), the charset an HTML page declares, else cp1251."""
    if len(data) > MAX_BYTES:
        raise NewsFormatError(f"file is larger than {MAX_BYTES} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        declared = CHARSET.search(data[:4096])
        text = ""
        if declared:
            try:
                text = data.decode(declared.group(1).decode("ascii", "replace"))
            except (LookupError, UnicodeDecodeError):
                text = ""
        if not text:
            text = data.decode("cp1251", errors="replace")
    if "\x00" in text:
        raise NewsFormatError("binary file (NUL bytes)")
    return text


def clean(text: str) -> str:
    """Tidy whitespace; rejoin names broken after a hyphen ("Қасым- Жомарт")."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = BROKEN_HYPHEN.sub(r"\1-", text)
    text = GLUED_WORDS.sub(r"\1 \2", text)
    text = GLUED_SENTENCES.sub(r"\1 \2", text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


class _HTMLText(HTMLParser):
    SKIP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "svg", "button",
            "figure", "menu", "select"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section", "tr", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.parts: list[str] = []
        self.article_parts: list[str] = []
        self.in_article = 0
        self.title = ""
        self.h1 = ""
        self.in_title = False
        self.in_h1 = False
        self.meta: dict[str, str] = {}
        self.time = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag in self.SKIP:
            self.skip_depth += 1
        if tag == "title":
            self.in_title = True
        if tag == "h1":
            self.in_h1 = True
        if tag == "article":
            self.in_article += 1
        if tag == "meta":
            key = values.get("property") or values.get("name") or ""
            if key:
                self.meta[key.lower()] = values.get("content", "")
        if tag == "time" and values.get("datetime") and not self.time:
            self.time = values["datetime"]
        if tag in self.BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        if tag == "title":
            self.in_title = False
        if tag == "h1":
            self.in_h1 = False
        if tag == "article" and self.in_article:
            self.in_article -= 1
        if tag in self.BLOCK:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1 += data
            return
        self._emit(data)

    def _emit(self, data: str) -> None:
        self.parts.append(data)
        if self.in_article:
            self.article_parts.append(data)


def html_to_document(name: str, html: str) -> RawDocument:
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser is lenient; this is a last resort
        raise NewsFormatError(f"unreadable HTML: {exc}") from exc
    body = "".join(parser.article_parts) or "".join(parser.parts)
    paragraphs = [line for line in clean(body).split("\n") if len(line.split()) >= 4 or len(line) > 40]
    title = clean(parser.h1 or parser.meta.get("og:title", "") or parser.title)
    date_source = parser.meta.get("article:published_time") or parser.time or parser.meta.get("date", "")
    date = _iso_date(date_source)
    if not paragraphs and not title:
        raise NewsFormatError("HTML page without text")
    return RawDocument(name, title, "\n".join(paragraphs), date, parser.meta.get("og:url", ""),
                       parser.meta.get("og:site_name", ""))


def _iso_date(value: str) -> str:
    value = value.strip()
    match = ISO_DATE.search(value)
    if match:
        return "-".join(match.groups())
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return ""
    return parsed.date().isoformat()


def _strip_html(fragment: str) -> str:
    if "<" not in fragment:
        return clean(fragment)
    parser = _HTMLText()
    parser.feed(fragment)
    parser.close()
    return clean("".join(parser.parts))


def _parse_xml(text: str) -> ET.Element:
    if re.search(r"<!DOCTYPE|<!ENTITY", text[:2000], re.IGNORECASE):
        raise NewsFormatError("XML with a DOCTYPE or entities is refused")
    try:
        return ET.fromstring(text.lstrip())  # noqa: S314  (no DTD, no entities: checked above)
    except ET.ParseError as exc:
        raise NewsFormatError(f"broken XML feed: {exc}") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def feed_to_documents(name: str, text: str) -> list[RawDocument]:
    root = _parse_xml(text)
    docs: list[RawDocument] = []
    outlet = ""
    for element in root.iter():
        if _local(element.tag) in {"channel", "feed"}:
            for child in element:
                if _local(child.tag) == "title":
                    outlet = (child.text or "").strip()
                    break
            break
    for index, item in enumerate(e for e in root.iter() if _local(e.tag) in {"item", "entry"}):
        fields: dict[str, str] = {}
        for child in item:
            key = _local(child.tag)
            if key == "link" and child.get("href"):
                fields.setdefault("link", child.get("href", ""))
            elif key in {"encoded", "content"}:
                fields["content"] = child.text or ""
            else:
                fields.setdefault(key, (child.text or "").strip())
        body = _strip_html(fields.get("content") or fields.get("description") or fields.get("summary", ""))
        title = _strip_html(fields.get("title", ""))
        if not body and not title:
            continue
        date = _iso_date(fields.get("pubdate") or fields.get("published") or fields.get("updated")
                         or fields.get("date", ""))
        docs.append(RawDocument(f"{name}#{index + 1}", title, body, date, fields.get("link", ""), outlet))
    if not docs:
        raise NewsFormatError("feed without items")
    return docs


def jsonl_to_documents(name: str, text: str) -> list[RawDocument]:
    docs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NewsFormatError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(item, dict):
            raise NewsFormatError(f"line {number}: not a JSON object")
        body = _strip_html(str(item.get("body") or item.get("text") or ""))
        title = clean(str(item.get("title") or ""))
        if not body and not title:
            raise NewsFormatError(f"line {number}: no title and no text")
        docs.append(RawDocument(str(item.get("file") or item.get("id") or f"{name}#{number}"), title, body,
                                _iso_date(str(item.get("date") or "")), str(item.get("url") or ""),
                                str(item.get("outlet") or item.get("source") or "")))
    return docs


def text_to_document(name: str, text: str) -> RawDocument:
    text = clean(text)
    if not text:
        raise NewsFormatError("empty file")
    first, _, rest = text.partition("\n")
    header = SEED_HEADER.match(first)
    if header:
        return RawDocument(name, header.group(2).strip(), rest.strip(), header.group(1))
    date = ""
    match = ISO_DATE.search(first)
    if match and len(first) < 40:
        date = "-".join(match.groups())
        first, _, rest = rest.partition("\n")
    if rest and len(first) < 300:
        return RawDocument(name, first.strip(), rest.strip(), date)
    return RawDocument(name, "", text, date)


def detect_format(text: str) -> str:
    head = text.lstrip()[:1000].lower()
    if head.startswith("<?xml") or head.startswith("<rss") or head.startswith("<feed") or "<rss" in head[:300]:
        return "feed"
    if head.startswith("<") and re.search(r"<(html|body|p|div|article|!doctype|head|h1)\b", head):
        return "html"
    if head.startswith("{"):
        return "jsonl"
    return "text"


def read_documents(name: str, data: bytes) -> list[RawDocument]:
    """One file's bytes -> its stories. Raises NewsFormatError for empty or unreadable files."""
    if not data.strip():
        raise NewsFormatError("empty file")
    text = decode(data)
    kind = detect_format(text)
    if kind == "feed":
        return feed_to_documents(name, text)
    if kind == "html":
        return [html_to_document(name, text)]
    if kind == "jsonl":
        return jsonl_to_documents(name, text)
    return [text_to_document(name, text)]

"""Writes that touch several draft models: importing a document (one language at a time)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from kenes.drafts.models import Article, Document, Version, VersionKind
from kenes.nlp.documents import DocumentParseError, ParsedDocument, decode_document, parse_document
from kenes.translated import LANGS

DEFAULT_MAX_BYTES = 5_000_000


class DocumentImportError(Exception):
    """An import that cannot be done; the message is meant for the person running it."""


@dataclass
class ImportResult:
    document: Document
    version: Version
    language: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    version_created: bool = False
    missing: list[str] = field(default_factory=list)  # articles of the version absent from this file
    parsed: ParsedDocument | None = None

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        text = (
            f"{self.document.slug}/{self.version.name} [{self.language}]: {self.total} articles "
            f"({self.created} created, {self.updated} updated, {self.unchanged} unchanged)"
        )
        if self.missing:
            shown = ", ".join(self.missing[:20]) + (" …" if len(self.missing) > 20 else "")
            text += f"; {len(self.missing)} articles of this version are not in the file: {shown}"
        return text


_LANG_TOKEN = re.compile(r"(?:^|[_\-.])(kk|kaz|ru|rus|en|eng)(?=$|[_\-.])", re.IGNORECASE)


def default_document_slug(path: Path) -> str:
    """The file name without its language token: constitution_2026_kk.md → constitution-2026."""
    stem = _LANG_TOKEN.sub("", path.stem)
    return slugify(stem.replace("_", "-"))[:80] or "document"


def read_document(path: Path, *, max_bytes: int | None = None) -> ParsedDocument:
    limit: int = max_bytes or int(getattr(settings, "KENES_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentImportError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if not path.is_file():
        raise DocumentImportError(f"{path}: not a file")
    if size > limit:
        raise DocumentImportError(f"{path}: the file is too large ({size:,} bytes; the limit is {limit:,})")
    try:
        return parse_document(decode_document(path.read_bytes(), max_bytes=limit), max_chars=limit)
    except DocumentParseError as exc:
        raise DocumentImportError(f"{path}: {exc}") from None


def import_document(
    *,
    path: Path | str,
    language: str,
    document_slug: str = "",
    version_name: str = "",
    kind: str = "",
    version_date: date | None = None,
    title: str = "",
    published: bool | None = None,
    max_bytes: int | None = None,
) -> ImportResult:
    """Import one language of a document version from a Markdown or plain-text file.

    Articles are matched by number (and sub-number), so a second language attaches to the same
    articles, and importing the same file again updates and never duplicates. `published`
    None keeps a version's state (a new version is published); False hides it from the public.
    """
    path = Path(path)
    if language not in LANGS:
        raise DocumentImportError(f"unknown language {language!r}: use one of {', '.join(LANGS)}")
    if kind and kind not in VersionKind.values:
        raise DocumentImportError(f"unknown kind {kind!r}: use one of {', '.join(VersionKind.values)}")
    parsed = read_document(path, max_bytes=max_bytes)
    slug = slugify(document_slug) if document_slug else default_document_slug(path)
    if not slug or len(slug) > 80:
        raise DocumentImportError(f"invalid document slug {document_slug!r}: use letters, digits and hyphens (at most 80)")
    name = version_name or parsed.metadata.get("version_date", "") or (parsed.date.isoformat() if parsed.date else "")
    name = slugify(name)[:80] or "1"
    version_date = version_date or parsed.date
    explicit_title = title[:300]
    title = explicit_title or parsed.title[:300]

    with transaction.atomic():
        document, _ = Document.objects.select_for_update().get_or_create(slug=slug)
        if title and (explicit_title or not getattr(document, f"title_{language}")):
            setattr(document, f"title_{language}", title)
            document.save()
        version, version_created = Version.objects.get_or_create(
            document=document, name=name,
            defaults={"kind": kind or VersionKind.DRAFT, "date": version_date, "is_published": published is not False},
        )
        changed = []
        if published is not None and version.is_published != published:
            version.is_published = published
            changed.append("is_published")
        if kind and version.kind != kind:
            version.kind = kind
            changed.append("kind")
        if version_date and version.date != version_date:
            version.date = version_date
            changed.append("date")
        if getattr(version, f"preamble_{language}") != parsed.preamble:
            setattr(version, f"preamble_{language}", parsed.preamble)
            changed.append(f"preamble_{language}")
        if changed and not version_created:
            version.save(update_fields=changed)
        elif changed:
            version.save()
        result = ImportResult(
            document=document, version=version, language=language, version_created=version_created, parsed=parsed,
        )
        _store_articles(version, parsed, language, result)
    return result


def _store_articles(version: Version, parsed: ParsedDocument, language: str, result: ImportResult) -> None:
    existing = {(a.number, a.sub_number): a for a in Article.objects.filter(version=version)}
    fields = [f"text_{language}", f"title_{language}", f"section_{language}"]
    to_create: list[Article] = []
    to_update: list[Article] = []
    for item in parsed.articles:
        values = {
            f"text_{language}": item.text,
            f"title_{language}": item.title[:500],
            f"section_{language}": item.section[:300],
        }
        article = existing.pop(item.key, None)
        if article is None:
            to_create.append(Article(version=version, number=item.number, sub_number=item.sub_number, **values))
            continue
        if all(getattr(article, key) == value for key, value in values.items()):
            result.unchanged += 1
            continue
        for key, value in values.items():
            setattr(article, key, value)
        to_update.append(article)
    Article.objects.bulk_create(to_create, batch_size=500)
    Article.objects.bulk_update(to_update, fields, batch_size=500)
    result.created = len(to_create)
    result.updated = len(to_update)
    result.missing = [a.label for a in sorted(existing.values(), key=lambda a: (a.number, a.sub_number))]

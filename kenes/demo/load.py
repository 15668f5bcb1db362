"""`kenes load_demo`: the demo draft law, demo users for every role and generated proposals.

Proposals go through `kenes.proposals.actions` (`prepare_proposal` validates each one exactly as
`submit_proposal` does; `create_proposals` stores them in bulk with their hash-chained receipt
entries), so `kenes verify-log` passes afterwards. Moderation and answers use `hide_proposal` and
`answer_proposal`, so every change is recorded.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from kenes.accounts.models import Role, User
from kenes.demo.generate import Generator, ProposalSpec, answer_text
from kenes.demo.law import read_law
from kenes.drafts.models import Article, Document, Version, VersionKind
from kenes.proposals.models import Proposal, ReceiptEntry, Support
from kenes.regions import DATA_DIR, all_regions

DEMO_DOCUMENT = "public-consultation-law"
DEMO_VERSION = "draft-1"
DEMO_PASSWORD = "kenes-demo"  # noqa: S105 (printed by `make demo`: demo accounts only)
DEMO_TITLES = {
    "kk": "«Қоғамдық талқылау туралы» Қазақстан Республикасы Заңының жобасы",
    "ru": "Проект Закона Республики Казахстан «О публичных обсуждениях»",
    "en": "Draft Law of the Republic of Kazakhstan “On Public Consultation”",
}
# username, role, region (empty: national scope), staff
DEMO_USERS: list[tuple[str, str, str, bool]] = [
    ("admin", Role.ADMIN, "", True),
    ("moderator", Role.MODERATOR, "", False),
    ("analyst", Role.ANALYST, "", False),
    ("coordinator", Role.COORDINATOR, "", False),
    ("coordinator_atyrau", Role.COORDINATOR, "atyrau", False),
    ("commission", Role.COMMISSION, "", False),
    ("operator", Role.OPERATOR, "", False),
    ("citizen", Role.CITIZEN, "almaty", False),
]
REFERENDUM_OPERATORS = ["operator_atyrau", "operator_atyrau_2"]  # made by `kenes referendum_demo`
RESIDENT_PREFIX = "resident_"
DEMO_EMAIL = "@demo.kenes.kz"  # marks the accounts the demo created (and a reset may remove)
RESIDENTS = 150
CHUNK = 500
CONSTITUTION_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "constitution"


class DemoError(Exception):
    pass


@dataclass
class DemoResult:
    proposals: int = 0
    hidden: int = 0
    answered: int = 0
    supports: int = 0
    users: int = 0
    campaigns: dict[str, int] = field(default_factory=dict)
    constitution: str = ""
    seconds: float = 0.0


def region_centres() -> dict[str, tuple[str, str]]:
    """slug -> (centre in Kazakh, centre in Russian); the city's own name for Astana, Almaty, Shymkent."""
    with open(DATA_DIR / "regions.csv", encoding="utf-8", newline="") as f:
        return {
            row["slug"]: (row["center_kk"] or row["name_kk"], row["center_ru"] or row["name_ru"])
            for row in csv.DictReader(f)
        }


def demo_loaded() -> bool:
    return Document.objects.filter(slug=DEMO_DOCUMENT).exists()


def create_users(rng: random.Random, log: Callable[[str], None]) -> tuple[dict[str, User], list[User]]:
    """The demo accounts (password `kenes-demo`) and residents who author proposals (no password).

    Existing accounts with these names are never changed: an existing one with the expected role is
    used as it is; one with another role stops the load with a clear error."""
    password = make_password(DEMO_PASSWORD)
    named = {}
    for username, role, region, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "region": region,
                "is_staff": staff,
                "is_superuser": staff and role == Role.ADMIN,
                "password": password,
                "email": f"{username}{DEMO_EMAIL}",
            },
        )
        if not created:
            if user.role != role and not (role == Role.ADMIN and user.is_superuser):
                raise DemoError(f"an account named {username!r} exists with the role {user.role!r}, not {role!r}")
            log(f"Account {username!r} exists already: left unchanged (its password is not {DEMO_PASSWORD}).")
        named[username] = user
    slugs = [r.slug for r in all_regions()]
    unusable = make_password(None)  # residents cannot log in
    residents = [
        User(
            username=f"{RESIDENT_PREFIX}{i:03d}",
            role=Role.CITIZEN,
            region=rng.choice(slugs),
            password=unusable,
            email=f"{RESIDENT_PREFIX}{i:03d}{DEMO_EMAIL}",
        )
        for i in range(1, RESIDENTS + 1)
    ]
    User.objects.bulk_create(residents, ignore_conflicts=True)
    stored = list(
        User.objects.filter(username__startswith=RESIDENT_PREFIX, email__endswith=DEMO_EMAIL).order_by("username")
    )
    return named, [named["citizen"], *stored]


def create_law(now: datetime) -> Version:
    kk, ru = read_law("kk"), read_law("ru")
    if [a.number for a in kk.articles] != [a.number for a in ru.articles]:
        raise DemoError("the Kazakh and Russian demo texts do not have the same articles")
    document = Document.objects.create(
        slug=DEMO_DOCUMENT,
        title_kk=DEMO_TITLES["kk"],
        title_ru=DEMO_TITLES["ru"],
        title_en=DEMO_TITLES["en"],
    )
    opens = timezone.localtime(now - timedelta(days=20)).replace(hour=0, minute=0, second=0, microsecond=0)
    version = Version.objects.create(
        document=document,
        name=DEMO_VERSION,
        kind=VersionKind.DRAFT,
        date=opens.date(),
        preamble_kk=kk.preamble,
        preamble_ru=ru.preamble,
        consultation_opens=opens,
        consultation_closes=opens + timedelta(days=60),
    )
    Article.objects.bulk_create(
        Article(
            version=version,
            number=a.number,
            section_kk=a.section,
            section_ru=r.section,
            title_kk=a.title,
            title_ru=r.title,
            text_kk=a.text,
            text_ru=r.text,
        )
        for a, r in zip(kk.articles, ru.articles, strict=True)
    )
    return version


def store_proposals(
    *,
    version: Version,
    specs: list[ProposalSpec],
    authors: list[User],
    now: datetime,
) -> list[Proposal]:
    from kenes.proposals.actions import create_proposals, prepare_proposal

    articles = {a.number: a for a in Article.objects.filter(version=version)}
    stored: list[Proposal] = []
    for start in range(0, len(specs), CHUNK):
        batch = [
            prepare_proposal(
                version=version,
                article=articles[s.article] if s.article else None,
                text=s.text,
                kind=s.kind,
                region=s.region,
                channel=s.channel,
                author=authors[s.author_index] if s.author_index is not None else None,
                author_name=s.author_name,
                source=s.source,
                source_id=s.source_id,
                created_at=s.created_at,
                now=now,
            )
            for s in specs[start : start + CHUNK]
        ]
        result = create_proposals(proposals=batch)
        if result.already_present or len(result.created) != len(batch):
            raise DemoError("some demo proposals were already stored: run `kenes load_demo --reset`")
        stored.extend(result.created)
    return stored


def moderate_and_answer(
    *,
    specs: list[ProposalSpec],
    proposals: list[Proposal],
    users: dict[str, User],
    result: DemoResult,
) -> None:
    from kenes.proposals.actions import answer_proposal, hide_proposal

    for spec, proposal in zip(specs, proposals, strict=True):
        if spec.hidden_reason:
            hide_proposal(proposal=proposal, moderator=users["moderator"], reason=spec.hidden_reason)
            result.hidden += 1
        elif spec.status != "new":
            text = answer_text(spec.status, spec.language) if spec.status != "under_review" else ""
            answerer = users["commission"] if spec.status in ("accepted", "rejected") else users["analyst"]
            answer_proposal(proposal=proposal, user=answerer, status=spec.status, text=text)
            result.answered += spec.status != "under_review"


def add_supports(
    *, specs: list[ProposalSpec], proposals: list[Proposal], supporters: list[User], rng: random.Random
) -> int:
    """Supports from demo citizens (one per person and proposal), with matching support counts."""
    rows: list[Support] = []
    by_count: dict[int, list[int]] = {}
    for spec, proposal in zip(specs, proposals, strict=True):
        if spec.hidden_reason or rng.random() > (0.15 if spec.campaign else 0.4):
            continue
        count = min(len(supporters), int(rng.paretovariate(1.3)))
        people = rng.sample(supporters, count)
        rows.extend(Support(proposal=proposal, user=u) for u in people)
        by_count.setdefault(count, []).append(proposal.pk)
    Support.objects.bulk_create(rows, batch_size=1000)
    for count, ids in by_count.items():
        Proposal.objects.filter(pk__in=ids).update(support_count=count)
    return len(rows)


def import_constitution(log: Callable[[str], None]) -> str:
    """The 1995 Constitution (as amended in 2022) and the 2026 one (kk + ru) as versions of a second
    document, through the drafts import action; skipped with a message when ../shared is absent."""
    from kenes.drafts.actions import DocumentImportError, import_document

    files = [
        ("constitution_1995_kk_as_amended_2022.txt", "kk", "1995", VersionKind.IN_FORCE, date(1995, 8, 30)),
        ("constitution_2026_kk.md", "kk", "2026", VersionKind.ADOPTED, date(2026, 3, 15)),
        ("constitution_2026_ru.md", "ru", "2026", VersionKind.ADOPTED, date(2026, 3, 15)),
    ]
    missing = [name for name, *_rest in files if not (CONSTITUTION_DIR / name).exists()]
    if missing:
        return f"skipped: {CONSTITUTION_DIR} lacks {', '.join(missing)}"
    counts = []
    for name, language, version_name, kind, version_date in files:
        try:
            imported = import_document(
                path=CONSTITUTION_DIR / name,
                language=language,
                document_slug="constitution",
                version_name=version_name,
                kind=kind,
                version_date=version_date,
            )
        except DocumentImportError as error:
            log(f"Constitution file {name} not imported: {error}")
            return f"failed on {name}: {error}"
        counts.append(f"{version_name}/{language}: {imported.created + imported.updated + imported.unchanged} articles")
    Document.objects.filter(slug="constitution").update(
        title_en="Constitution of the Republic of Kazakhstan",
    )
    return "; ".join(counts)


def refresh_statistics() -> None:
    """After a bulk load PostgreSQL's planner still thinks the tables are empty: analyse them now."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Proposal, Support, ReceiptEntry, Article, User):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def load_demo(
    *,
    proposals: int = 2000,
    constitution: bool = True,
    now: datetime | None = None,
    seed: int = 2026,
    log: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    started = time.perf_counter()
    now = now or timezone.now()
    rng = random.Random(seed)
    result = DemoResult()
    with transaction.atomic():
        users, authors = create_users(rng, log)
        result.users = len(users) + len(authors) - 1
        version = create_law(now)
        regions = region_centres()
        assert version.consultation_opens is not None
        specs = Generator(
            opens=version.consultation_opens,
            now=now,
            citizens=len(authors),
            regions=regions,
            seed=seed,
        ).proposals(proposals)
        log(f"Storing {len(specs)} proposals …")
        stored = store_proposals(version=version, specs=specs, authors=authors, now=now)
        result.proposals = len(stored)
        moderate_and_answer(specs=specs, proposals=stored, users=users, result=result)
        result.supports = add_supports(specs=specs, proposals=stored, supporters=authors, rng=rng)
        for spec in specs:
            if spec.campaign:
                result.campaigns[spec.campaign] = result.campaigns.get(spec.campaign, 0) + 1
    if constitution:
        result.constitution = import_constitution(log)
    refresh_statistics()
    result.seconds = time.perf_counter() - started
    return result


def reset_demo() -> None:
    """Remove the demo document, its proposals (with supports and changes), the receipt log and the
    accounts the demo created. Refused when proposals on other documents exist: their receipts
    would break."""
    with transaction.atomic():
        demo = Proposal.objects.filter(version__document__slug=DEMO_DOCUMENT)
        if Proposal.objects.exclude(version__document__slug=DEMO_DOCUMENT).exists():
            raise DemoError("proposals on other documents exist; a reset would break their receipt log")
        Support.objects.filter(proposal__in=demo).delete()
        demo.delete()
        ReceiptEntry.objects.all().delete()  # a bulk delete: the log is emptied, not edited
        Document.objects.filter(slug=DEMO_DOCUMENT).delete()
        usernames = [u for u, *_rest in DEMO_USERS]
        for user in User.objects.filter(username__in=usernames, email__endswith=DEMO_EMAIL):
            try:
                with transaction.atomic():
                    user.delete()
            except ProtectedError:
                pass  # still recorded by the referendum or campaign demo: kept, and reused by the next load
        User.objects.filter(username__startswith=RESIDENT_PREFIX, email__endswith=DEMO_EMAIL).delete()


def describe(result: DemoResult) -> list[str]:
    lines = [
        f"Demo content loaded in {result.seconds:.1f} s: {result.proposals} proposals "
        f"({result.answered} answered, {result.hidden} hidden, {result.supports} supports), {result.users} users.",
        "Form-letter campaigns: " + ", ".join(f"{k} ({v})" for k, v in sorted(result.campaigns.items())),
        f"Constitution: {result.constitution or 'not imported (--skip-constitution)'}",
    ]
    return lines


def demo_logins(*, referendum: bool = True) -> list[str]:
    """The demo accounts one can log in with (password `kenes-demo`); the referendum demo adds two
    operators of the Atyrau regional commission."""
    names = [u for u, *_rest in DEMO_USERS]
    if referendum:
        names += REFERENDUM_OPERATORS
    return names

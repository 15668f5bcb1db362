"""`kenes load_demo`: the demo loads on SQLite and PostgreSQL, its receipts verify, every role and
region is there, form-letter campaigns exist, and a second run changes nothing."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from kenes.accounts.models import Role, User
from kenes.demo.generate import Generator, to_latin
from kenes.demo.law import parse_law, read_law
from kenes.demo.load import DEMO_DOCUMENT, DEMO_PASSWORD, DEMO_USERS
from kenes.drafts.models import Version
from kenes.proposals.models import ANSWER_STATUSES, Proposal, ReceiptEntry, Support
from kenes.regions import REGION_SLUGS

KAZAKH_LETTERS = set("әғқңөұүһі")


def load(count: int = 400, *extra: str) -> str:
    """The draft demo only: the campaign and referendum demos have their own test below."""
    out = StringIO()
    call_command(
        "load_demo",
        "--proposals",
        str(count),
        "--skip-constitution",
        "--skip-campaign",
        "--skip-referendum",
        *extra,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


@pytest.fixture
def demo(db: Any) -> str:
    return load()


def test_demo_loads_and_receipts_verify(demo: str) -> None:
    assert "400 proposals" in demo
    assert Proposal.objects.count() == 400 == ReceiptEntry.objects.count()
    out = StringIO()
    call_command("verify-log", stdout=out, stderr=StringIO())
    assert "OK" in out.getvalue()


def test_every_role_and_region(demo: str) -> None:
    for username, role, region, _staff in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.role == role and user.region == region
        assert user.check_password(DEMO_PASSWORD)
    assert set(User.objects.values_list("role", flat=True)) >= set(Role.values)
    assert User.objects.get(username="coordinator").is_national
    assert not User.objects.get(username="coordinator_atyrau").is_national
    assert User.objects.get(username="admin").is_superuser
    assert set(Proposal.objects.values_list("region", flat=True)) == set(REGION_SLUGS)


def test_the_draft_is_open_with_twenty_articles_in_two_languages(demo: str) -> None:
    version = Version.objects.get(document__slug=DEMO_DOCUMENT)
    assert version.is_open()
    articles = list(version.articles.order_by("number"))
    assert [a.number for a in articles] == list(range(1, 21))
    for article in articles:
        assert article.text_kk and article.text_ru and article.title_kk and article.title_ru and article.section_kk
        assert KAZAKH_LETTERS & set(article.text_kk.lower())
    assert version.preamble_kk.startswith("Осы Заң") and version.preamble_ru.startswith("Настоящий Закон")


def test_variety_of_proposals(demo: str) -> None:
    proposals = list(Proposal.objects.all())
    assert {p.kind for p in proposals} == {"amend", "add", "delete", "comment"}
    assert {p.channel for p in proposals} == {"web", "api", "import", "meeting", "media"}
    languages = Counter(p.language for p in proposals)
    assert languages["kk"] > 100 and languages["ru"] > 60 and languages["en"] >= 1
    assert any(re.search(r"[äğqñöūü]", p.text) and not re.search("[а-я]", p.text) for p in proposals)  # Latin kk
    statuses = {p.status for p in proposals}
    assert set(ANSWER_STATUSES) <= statuses and "under_review" in statuses
    assert all(p.answer_text for p in proposals if p.status in ANSWER_STATUSES)
    assert any(p.article_id is None for p in proposals)
    version = proposals[0].version
    assert version.consultation_opens and version.consultation_closes
    assert all(version.consultation_opens <= p.created_at < version.consultation_closes for p in proposals)
    days = {p.created_at.date() for p in proposals}
    assert len(days) >= 10  # spread over the window
    assert any(p.public_text() != p.text for p in proposals)  # some carry personal data to mask


def test_hidden_answered_and_supported(demo: str) -> None:
    hidden = Proposal.objects.filter(is_hidden=True)
    assert hidden.exists() and all(p.hidden_reason and p.hidden_by for p in hidden)
    assert all(p.changes.filter(field="is_hidden").exists() for p in hidden)
    counts = Counter(Support.objects.values_list("proposal_id", flat=True))
    assert counts
    for proposal in Proposal.objects.filter(support_count__gt=0):
        assert counts[proposal.pk] == proposal.support_count
    assert sum(counts.values()) == sum(Proposal.objects.values_list("support_count", flat=True))


def test_form_letter_campaigns(demo: str) -> None:
    article7 = Proposal.objects.filter(article__number=7)
    copies = [p for p in article7 if "тоқсан күн" in p.text and "Алпыс күн" in p.text]
    assert len(copies) >= 40
    assert len({p.text for p in copies}) > len(copies) // 3  # near-copies, not identical
    letters = Proposal.objects.filter(text__contains="персональные данные участников обсуждения")
    assert letters.count() >= 30


def test_second_run_is_idempotent_and_reset_reloads(demo: str) -> None:
    assert "already loaded" in load()
    assert Proposal.objects.count() == 400
    assert "Removed" in load(100, "--reset")
    assert Proposal.objects.count() == 100 == ReceiptEntry.objects.count()
    out = StringIO()
    call_command("verify-log", stdout=out, stderr=StringIO())
    assert "OK" in out.getvalue()


def test_reset_refuses_when_other_documents_have_proposals(demo: str, draft: Any) -> None:
    from django.core.management import CommandError

    from kenes.proposals.actions import submit_proposal

    submit_proposal(version=draft, article=None, text="Не демо.", kind="comment", region="", channel="web")
    with pytest.raises(CommandError, match="other documents"):
        load(10, "--reset")
    assert Proposal.objects.count() == 401


def test_bad_count_is_refused(db: Any) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        load(-1)
    for option, value in (
        ("--events", "99"),
        ("--events", "50001"),
        ("--precincts-per-district", "0"),
        ("--precincts-per-district", "101"),
    ):
        with pytest.raises(CommandError, match=option):
            load(10, option, value)
    assert not Proposal.objects.exists()


def test_campaign_and_referendum_demos_are_loaded_too(db: Any) -> None:
    from kenes.campaign.models import Coalition, Event, EventProposal
    from kenes.referendum.models import Commission, Referendum

    out, err = StringIO(), StringIO()
    args = ["--proposals", "60", "--skip-constitution", "--events", "100", "--precincts-per-district", "1"]
    call_command("load_demo", *args, stdout=out, stderr=err)
    assert Coalition.objects.filter(level="national").count() == 1
    assert Coalition.objects.filter(level="regional").count() == len(REGION_SLUGS)
    assert Event.objects.count() >= 100
    demo_version = Version.objects.get(document__slug=DEMO_DOCUMENT)
    collected = EventProposal.objects.select_related("proposal")
    assert collected.exists() and all(link.proposal.version_id == demo_version.pk for link in collected)
    referendum = Referendum.objects.get()
    assert Commission.objects.precincts().filter(referendum=referendum).exists()
    for username in ("operator", "operator_atyrau", "operator_atyrau_2"):
        user = User.objects.get(username=username)
        assert user.role == Role.OPERATOR and user.check_password(DEMO_PASSWORD)
    logins = out.getvalue().strip().splitlines()[-1]
    assert logins.startswith("Demo logins (password kenes-demo):")
    for username, *_rest in DEMO_USERS:
        assert username in logins
    assert "operator_atyrau, operator_atyrau_2" in logins
    counts = (Proposal.objects.count(), Event.objects.count(), Commission.objects.count(), ReceiptEntry.objects.count())
    out = StringIO()
    call_command("load_demo", *args, stdout=out, stderr=StringIO())  # a second run changes nothing
    assert "already loaded" in out.getvalue() and "already exist" in out.getvalue()
    assert counts == (
        Proposal.objects.count(),
        Event.objects.count(),
        Commission.objects.count(),
        ReceiptEntry.objects.count(),
    )
    verify = StringIO()
    call_command("verify-log", stdout=verify, stderr=StringIO())
    assert "OK" in verify.getvalue()
    # a reset keeps the operators the referendum protocols refer to, and the next load reuses them
    call_command("load_demo", *args, "--reset", stdout=StringIO(), stderr=StringIO())
    assert User.objects.get(username="operator").check_password(DEMO_PASSWORD)
    assert Proposal.objects.filter(version__document__slug=DEMO_DOCUMENT).count() == 60


def test_generation_is_deterministic() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 1, tzinfo=UTC)
    regions = {slug: ("А", "Б") for slug in REGION_SLUGS}

    def texts() -> list[str]:
        return [
            s.text
            for s in Generator(opens=now - timedelta(days=20), now=now, citizens=5, regions=regions).proposals(300)
        ]

    assert texts() == texts()


def test_latin_transliteration() -> None:
    assert to_latin("Қазақстан Республикасы") == "Qazaqstan Respublikasy"
    assert to_latin("Әлеуметтік шешім") == "Äleumettık şeşım"


def test_law_files_parse_and_parser_refuses_stray_text() -> None:
    kk, ru = read_law("kk"), read_law("ru")
    assert len(kk.articles) == len(ru.articles) == 20
    assert kk.title == "Қоғамдық талқылау туралы" and ru.title == "О публичных обсуждениях"
    assert all(a.text for a in kk.articles + ru.articles)
    with pytest.raises(ValueError, match="without a number"):
        parse_law("# T\n\n## S\n\n### Бап\n\ntext")
    with pytest.raises(ValueError, match="outside an article"):
        parse_law("# T\n\n## S\n\nstray text\n")


def test_constitution_is_imported_for_the_comparison_page(db: Any) -> None:
    from tests.conftest import shared_path

    shared_path("data", "constitution", "constitution_2026_kk.md")
    shared_path("data", "constitution", "constitution_2026_ru.md")
    shared_path("data", "constitution", "constitution_1995_kk_as_amended_2022.txt")
    out = StringIO()
    call_command(
        "load_demo", "--proposals", "20", "--skip-campaign", "--skip-referendum", stdout=out, stderr=StringIO()
    )
    assert "2026/ru: 96 articles" in out.getvalue()
    versions = {v.name: v for v in Version.objects.filter(document__slug="constitution")}
    assert set(versions) == {"1995", "2026"}
    assert versions["1995"].kind == "in_force" and versions["2026"].kind == "adopted"
    articles = versions["2026"].articles.all()
    assert articles.count() == 96
    assert all(a.text_kk and a.text_ru for a in articles)


def test_existing_accounts_are_never_changed(db: Any) -> None:
    admin = User.objects.create_superuser("admin", "boss@example.kz", "a-strong-secret-2026")
    moderator = User.objects.create_user("moderator", password="another-secret-2026", role=Role.MODERATOR)
    err = StringIO()
    call_command(
        "load_demo",
        "--proposals",
        "30",
        "--skip-constitution",
        "--skip-campaign",
        "--skip-referendum",
        stdout=StringIO(),
        stderr=err,
    )
    for user, secret in ((admin, "a-strong-secret-2026"), (moderator, "another-secret-2026")):
        user.refresh_from_db()
        assert user.check_password(secret) and not user.check_password(DEMO_PASSWORD)
    assert "left unchanged" in err.getvalue()
    load(30, "--reset")  # a reset removes only the accounts the demo created
    assert User.objects.filter(pk__in=[admin.pk, moderator.pk]).count() == 2


def test_an_account_with_a_demo_name_and_another_role_stops_the_load(db: Any) -> None:
    from django.core.management import CommandError

    User.objects.create_user("analyst", password="x-secret-2026", role=Role.CITIZEN)
    with pytest.raises(CommandError, match="analyst"):
        load(30)
    assert not Proposal.objects.exists() and not Version.objects.filter(document__slug=DEMO_DOCUMENT).exists()

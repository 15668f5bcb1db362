"""submit_proposal and the other actions: receipts, chain, idempotency, window, validation, changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kenes.proposals.actions import (
    InvalidProposal,
    SubmissionClosed,
    answer_proposal,
    hide_proposal,
    submit_proposal,
    support_proposal,
    unhide_proposal,
)
from kenes.proposals.models import (
    RECEIPT_ALPHABET,
    Proposal,
    ProposalChange,
    ReceiptEntry,
    generate_receipt_code,
    normalize_receipt_code,
)
from kenes.proposals.tasks import analyse_proposal

pytestmark = pytest.mark.django_db


def test_receipt_code_shape_and_normalisation() -> None:
    codes = {generate_receipt_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == 12 and code[4] == "-" and code[9] == "-"
        assert all(ch in RECEIPT_ALPHABET for ch in code.replace("-", ""))
        assert normalize_receipt_code(code.lower().replace("-", " ")) == code
    assert normalize_receipt_code("kx4f-9qz2-mo") == "KX4F-9QZ2-M0"  # O read as zero
    assert normalize_receipt_code("KX4F-9QZ2-M") is None
    assert normalize_receipt_code("KX4F-9QZ2-MU") is None  # U is not in the alphabet
    assert normalize_receipt_code("'; DROP TABLE x; --") is None
    assert normalize_receipt_code("") is None


def test_submission_stores_proposal_and_chained_entries(submit: Any, draft: Any) -> None:
    first = submit()
    second = submit("Второе предложение: статью 2 дополнить словами о правах граждан.", region="")
    assert first.already_present is False
    assert first.language == "kk" and second.language == "ru"
    assert first.search_text and first.status == "new"
    entries = list(ReceiptEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2]
    assert entries[0].prev_hash == ReceiptEntry.GENESIS
    assert entries[1].prev_hash == entries[0].entry_hash
    for entry, proposal in zip(entries, (first, second), strict=True):
        stored = Proposal.objects.get(pk=proposal.pk)
        assert entry.proposal_id == proposal.pk and entry.receipt_code == proposal.receipt_code
        assert entry.content_hash == stored.content_hash()
        assert entry.entry_hash == entry.expected_hash()


def test_receipt_entries_are_append_only(submit: Any) -> None:
    from kenes.proposals.models import AppendOnlyError

    submit()
    entry = ReceiptEntry.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_idempotent_on_source_id(submit: Any) -> None:
    one = submit(channel="import", source="portal", source_id="A-17")
    again = submit("a different text entirely", channel="import", source="portal", source_id="A-17")
    assert again.pk == one.pk and again.already_present is True
    assert Proposal.objects.count() == 1 and ReceiptEntry.objects.count() == 1
    other_source = submit(channel="import", source="letters", source_id="A-17")
    assert other_source.pk != one.pk


def test_refused_outside_the_window(submit: Any, draft: Any) -> None:
    draft.consultation_closes = timezone.now() - timedelta(hours=1)
    draft.consultation_opens = timezone.now() - timedelta(days=10)
    draft.save()
    with pytest.raises(SubmissionClosed) as error:
        submit()
    assert str(draft.consultation_closes.astimezone(timezone.get_current_timezone()).year) in str(error.value)
    assert Proposal.objects.count() == 0 and ReceiptEntry.objects.count() == 0
    # Web and API may not be back-dated into the window once it has closed.
    inside = timezone.now() - timedelta(days=2)
    with pytest.raises(SubmissionClosed):
        submit(created_at=inside)
    # Historical imports with an explicit date inside the window are accepted.
    imported = submit(channel="import", created_at=inside, source="meeting-notes", source_id="1")
    assert imported.created_at == inside
    # ...but not with a date outside it, nor without a date.
    with pytest.raises(SubmissionClosed):
        submit(channel="meeting", created_at=timezone.now() - timedelta(days=30))
    with pytest.raises(SubmissionClosed):
        submit(channel="media")


def test_not_yet_open_and_future_dates(submit: Any, draft: Any) -> None:
    with pytest.raises(InvalidProposal):
        submit(channel="import", created_at=timezone.now() + timedelta(days=1))
    draft.consultation_opens = timezone.now() + timedelta(days=1)
    draft.save()
    with pytest.raises(SubmissionClosed):
        submit()


def test_validation(submit: Any, draft: Any, settings: Any) -> None:
    with pytest.raises(InvalidProposal):
        submit("   \u200b\u200e\u2066  \n\n ")
    with pytest.raises(InvalidProposal):
        submit(region="atlantis")
    with pytest.raises(InvalidProposal):
        submit(kind="rewrite-everything")
    with pytest.raises(InvalidProposal):
        submit(channel="pigeon")
    settings.KENES_PROPOSAL_MAX_CHARS = 50
    with pytest.raises(InvalidProposal, match="50"):
        submit("а" * 51)
    with pytest.raises(InvalidProposal):
        submit("а" * 10_000_000)
    assert submit("а" * 50).text == "а" * 50
    assert Proposal.objects.count() == 1


def test_article_must_belong_to_the_version(submit: Any, draft: Any) -> None:
    from kenes.drafts.models import Article, Version

    other = Version.objects.create(document=draft.document, name="other", consultation_opens=draft.consultation_opens,
                                   consultation_closes=draft.consultation_closes)
    foreign = Article.objects.create(version=other, number=1, text_kk="x")
    with pytest.raises(InvalidProposal):
        submit(article=foreign)
    assert submit(article=None).article is None


def test_zero_width_and_bidi_characters_removed(submit: Any) -> None:
    proposal = submit("Құқық\u200bтар\u200d туралы \u202eтүзету\u202c енгізу.\n\n\n\nЕкінші абзац.")
    assert "\u200b" not in proposal.text and "\u202e" not in proposal.text and "\u200d" not in proposal.text
    assert "Құқықтар" in proposal.text
    assert proposal.text.count("\n\n") == 1 and "Екінші абзац." in proposal.text


def test_created_at_in_another_timezone_hashes_stably(submit: Any) -> None:
    from datetime import timezone as tz

    moment = (timezone.now() - timedelta(hours=2)).astimezone(tz(timedelta(hours=5)))
    proposal = submit(channel="import", created_at=moment, source="s", source_id="tz")
    entry = ReceiptEntry.objects.get(proposal_id=proposal.pk)
    assert Proposal.objects.get(pk=proposal.pk).content_hash() == entry.content_hash


def test_analysis_task_fills_missing_fields(submit: Any) -> None:
    proposal = submit()
    Proposal.objects.filter(pk=proposal.pk).update(language="", search_text="")
    assert analyse_proposal.call(proposal.pk) is True
    proposal.refresh_from_db()
    assert proposal.language == "kk" and proposal.search_text
    assert analyse_proposal.call(proposal.pk) is False
    assert analyse_proposal.call(10**9) is False


def test_analysis_queued_on_commit(submit: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit()
    assert len(callbacks) == 1


def test_support_once_per_user(submit: Any, users: dict[str, Any]) -> None:
    proposal = submit()
    assert support_proposal(proposal=proposal, user=users["citizen2"]) is True
    assert support_proposal(proposal=proposal, user=users["citizen2"]) is False
    assert support_proposal(proposal=proposal, user=users["analyst"]) is True
    proposal.refresh_from_db()
    assert proposal.support_count == 2
    hide_proposal(proposal=proposal, moderator=users["moderator"], reason="spam")
    with pytest.raises(InvalidProposal):
        support_proposal(proposal=proposal, user=users["citizen"])


def test_hide_unhide_recorded(submit: Any, users: dict[str, Any]) -> None:
    proposal = submit()
    with pytest.raises(PermissionDenied):
        hide_proposal(proposal=proposal, moderator=users["citizen"], reason="x")
    with pytest.raises(PermissionDenied):
        hide_proposal(proposal=proposal, moderator=users["analyst"], reason="x")
    with pytest.raises(InvalidProposal):
        hide_proposal(proposal=proposal, moderator=users["moderator"], reason="  ")
    hide_proposal(proposal=proposal, moderator=users["moderator"], reason="Оскорбления")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_reason == "Оскорбления" and proposal.hidden_by == users["moderator"]
    unhide_proposal(proposal=proposal, moderator=users["admin"], reason="appeal")
    proposal.refresh_from_db()
    assert not proposal.is_hidden
    changes = list(ProposalChange.objects.filter(proposal=proposal).values_list("user__username", "field", "before", "after"))
    assert changes == [
        ("moder", "is_hidden", "False", "True"),
        ("moder", "hidden_reason", "", "Оскорбления"),
        ("admin", "is_hidden", "True", "False"),
        ("admin", "hidden_reason", "Оскорбления", "appeal"),
    ]


def test_answer_recorded_and_restricted(submit: Any, users: dict[str, Any]) -> None:
    proposal = submit()
    for role in ("citizen", "moderator", "coordinator", "operator"):
        with pytest.raises(PermissionDenied):
            answer_proposal(proposal=proposal, user=users[role], status="accepted", text="ok")
    with pytest.raises(InvalidProposal):
        answer_proposal(proposal=proposal, user=users["analyst"], status="accepted", text="")
    with pytest.raises(InvalidProposal):
        answer_proposal(proposal=proposal, user=users["analyst"], status="approved!", text="x")
    answer_proposal(proposal=proposal, user=users["analyst"], status="under_review", text="")
    answer_proposal(proposal=proposal, user=users["commission"], status="partly_accepted", text="Ішінара ескерілді.")
    proposal.refresh_from_db()
    assert proposal.status == "partly_accepted" and proposal.answered_by == users["commission"]
    assert proposal.answered_at is not None
    fields = list(ProposalChange.objects.filter(proposal=proposal).values_list("user__username", "field", "after"))
    assert fields == [
        ("analyst", "status", "under_review"),
        ("commission", "status", "partly_accepted"),
        ("commission", "answer_text", "Ішінара ескерілді."),
    ]
    # Answers do not change what the receipt log vouches for.
    assert ReceiptEntry.objects.get().content_hash == Proposal.objects.get().content_hash()


def test_anonymous_author_is_not_linked(submit: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert submit(author=AnonymousUser()).author is None


def test_submit_proposal_raises_on_unknown_source_race(draft: Any) -> None:
    # Same (source, source_id) twice through the public function: second is the stored one.
    one = submit_proposal(version=draft, article=None, text="Мәтін бір", kind="comment", region="",
                          channel="api", source="api", source_id="x1")
    two = submit_proposal(version=draft, article=None, text="Мәтін екі", kind="comment", region="",
                          channel="api", source="api", source_id="x1")
    assert one.pk == two.pk and two.text == "Мәтін бір"

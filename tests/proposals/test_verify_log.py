"""`kenes verify-log` detects edited and deleted proposals and tampered entries."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kenes.proposals.models import Proposal, ReceiptEntry

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify-log", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(*args: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify-log", *args, stdout=StringIO(), stderr=err)
    assert error.value.returncode == 1
    return err.getvalue()


@pytest.fixture
def three(submit: Any) -> list[Any]:
    return [submit(f"Ұсыныс нөмірі {i}: бапты өзгерту керек.") for i in range(3)]


def test_empty_log_verifies() -> None:
    out, _ = run()
    assert "OK: 0 entries" in out


def test_clean_log_verifies(three: list[Any]) -> None:
    out, _ = run()
    assert "OK: 3 entries, 3 proposals" in out
    last = ReceiptEntry.objects.order_by("-seq").first()
    assert last is not None and last.entry_hash in out


def test_edited_text_detected(three: list[Any]) -> None:
    Proposal.objects.filter(pk=three[1].pk).update(text="Подменённый текст")
    err = failing()
    assert "entry #2" in err and three[1].receipt_code in err and "content changed" in err


def test_other_edits_detected(three: list[Any]) -> None:
    Proposal.objects.filter(pk=three[0].pk).update(region="almaty")
    assert "entry #1" in failing()


def test_status_change_is_not_tampering(three: list[Any]) -> None:
    Proposal.objects.filter(pk=three[0].pk).update(status="accepted", answer_text="ok", support_count=5)
    run()


def test_deleted_proposal_detected(three: list[Any]) -> None:
    Proposal.objects.filter(pk=three[2].pk).delete()
    err = failing()
    assert "entry #3" in err and "proposal missing" in err


def test_tampered_entry_detected(three: list[Any]) -> None:
    ReceiptEntry.objects.filter(seq=2).update(content_hash="0" * 64)
    err = failing()
    assert "entry #2" in err and "entry hash mismatch" in err


def test_removed_entry_detected(three: list[Any]) -> None:
    ReceiptEntry.objects.filter(seq=2).delete()  # QuerySet.delete bypasses the model's guard
    err = failing("--all")
    assert "entry #3" in err and "sequence gap" in err and "broken link" in err
    assert "proposal without an entry" in err


def test_rewritten_chain_detected(three: list[Any]) -> None:
    # Recomputing one entry's own hash is not enough: the next link breaks.
    entry = ReceiptEntry.objects.get(seq=1)
    new_hash = ReceiptEntry.compute_entry_hash(1, entry.receipt_code, "f" * 64, entry.prev_hash,
                                               entry.created_at.isoformat())
    ReceiptEntry.objects.filter(seq=1).update(content_hash="f" * 64, entry_hash=new_hash)
    err = failing("--all")
    assert "entry #1" in err and "content changed" in err
    assert "entry #2" in err and "broken link" in err


def test_inserted_proposal_without_entry_detected(three: list[Any], draft: Any) -> None:
    from django.utils import timezone

    Proposal.objects.create(version=draft, text="smuggled", receipt_code="AAAA-BBBB-CC", created_at=timezone.now())
    err = failing()
    assert "no entry" in err and "AAAA-BBBB-CC" in err

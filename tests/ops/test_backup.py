"""`kenes backup` / `kenes restore` on the database under test (SQLite in the first pass,
PostgreSQL in the second): a restored backup has exactly the backed-up proposals and
`kenes verify-log` passes on it; bad files are refused and change nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kenes.proposals.actions import submit_proposal, support_proposal
from kenes.proposals.models import Proposal, ReceiptEntry, Support

pytestmark = pytest.mark.django_db(transaction=True)


def needs_pg_tools() -> None:
    import shutil

    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")


def submit(draft: Any, text: str, **extra: Any) -> Proposal:
    article = draft.articles.first() if hasattr(draft, "articles") else None
    return submit_proposal(
        version=draft, article=article, text=text, kind="comment", region="atyrau", channel="web", **extra
    )


def verify_log() -> str:
    out = StringIO()
    call_command("verify-log", stdout=out)
    return out.getvalue()


def test_backup_then_restore_round_trip(draft: Any, users: dict[str, Any], tmp_path: Path) -> None:
    needs_pg_tools()
    kept = [submit(draft, f"Ұсыныс <b>{n}</b> — предложение {n}", author=users["citizen"]) for n in range(5)]
    support_proposal(proposal=kept[0], user=users["citizen2"])
    before = sorted(Proposal.objects.values_list("receipt_code", "text"))
    backup = tmp_path / "kenes.backup"
    out = StringIO()
    call_command("backup", "--output", str(backup), stdout=out)
    assert out.getvalue().startswith(f"OK: {connection.vendor} backup written")

    # After the backup: one more proposal, one tampered with, one deleted with its entry.
    later = submit(draft, "Кейін келген ұсыныс")
    Proposal.objects.filter(pk=kept[1].pk).update(text="tampered")
    Proposal.objects.filter(pk=kept[2].pk).delete()
    with pytest.raises(CommandError):
        verify_log()

    out = StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)
    assert "restored" in out.getvalue()
    assert sorted(Proposal.objects.values_list("receipt_code", "text")) == before
    assert not Proposal.objects.filter(receipt_code=later.receipt_code).exists()
    assert ReceiptEntry.objects.count() == 5
    assert Support.objects.filter(proposal__receipt_code=kept[0].receipt_code).count() == 1
    assert verify_log().startswith("OK: 5 entries, 5 proposals verified")
    # The restored database takes new submissions and the chain goes on.
    submit(draft, "Қалпына келтірілгеннен кейінгі ұсыныс")
    assert verify_log().startswith("OK: 6 entries")


def test_restore_refuses_files_that_are_not_backups(draft: Any, tmp_path: Path) -> None:
    submit(draft, "Бір ұсыныс")
    cases = {
        "empty.backup": b"",
        "random.backup": b"\x00\xffnot a backup" * 100,
        "text.backup": b"SELECT 1; DROP TABLE proposals_proposal;",
    }
    other_kind = b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00"
    cases["other-kind.backup"] = other_kind + b"\x00" * 2000
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(CommandError) as error:
            call_command("restore", str(path), "--yes")
        message = str(error.value)
        assert "not a Kenes backup" in message or "nothing was changed" in message, message
    assert Proposal.objects.count() == 1
    assert verify_log().startswith("OK: 1 entries")


def test_damaged_backup_changes_nothing(draft: Any, tmp_path: Path) -> None:
    needs_pg_tools()
    submit(draft, "Бірінші")
    backup = tmp_path / "kenes.backup"
    call_command("backup", "--output", str(backup))
    submit(draft, "Екінші")
    data = backup.read_bytes()
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(data[: len(data) // 3] + b"\x00" * 4096)
    with pytest.raises(CommandError):
        call_command("restore", str(damaged), "--yes")
    assert Proposal.objects.count() == 2
    assert verify_log().startswith("OK: 2 entries")


def test_commands_refuse_unsafe_use(draft: Any, tmp_path: Path) -> None:
    needs_pg_tools()
    backup = tmp_path / "kenes.backup"
    call_command("backup", "--output", str(backup))
    with pytest.raises(CommandError, match="--force"):
        call_command("backup", "--output", str(backup))
    call_command("backup", "--output", str(backup), "--force")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", "--output", str(tmp_path / "no-such-dir" / "x.backup"))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")
    assert not list(tmp_path.glob("*.partial"))

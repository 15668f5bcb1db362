"""The queries of a submission's receipt (codes, log), counted so that a cut cannot silently come
back; and the plain-SQL helpers keep the guarantees of the ORM code they replaced."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kenes.proposals import actions
from kenes.proposals.actions import create_proposals, prepare_proposal
from kenes.proposals.models import Proposal, ReceiptEntry, taken_receipt_codes
from kenes.proposals.verify import check_log

pytestmark = pytest.mark.django_db


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The statements that do the work: without transaction control (BEGIN, COMMIT and the
    savepoints the test's own transaction turns atomic blocks into) and the receipt log's
    PostgreSQL advisory lock, which SQLite does not need."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [
        q["sql"] for q in queries.captured_queries
        if not q["sql"].upper().startswith(control) and "pg_advisory_xact_lock" not in q["sql"]
    ]


# ---------------------------------------------------------------- receipt codes and the log


def test_codes_taken_by_a_proposal_or_a_log_entry_are_not_given_again(
    submit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = submit()
    deleted = submit("Жойылатын ұсыныс: 2-бапты өзгерту.")
    deleted_code = deleted.receipt_code
    Proposal.objects.filter(pk=deleted.pk).delete()  # its log entry stays
    assert taken_receipt_codes([kept.receipt_code, deleted_code, "0000-0000-00"], connection.alias) == {
        kept.receipt_code, deleted_code,
    }
    offered = iter([kept.receipt_code, deleted_code, "0000-0000-01"])
    monkeypatch.setattr(actions, "generate_receipt_code", lambda: next(offered))
    with CaptureQueriesContext(connection) as queries:
        fresh = submit("Жаңа ұсыныс: 3-бапты өзгерту.")
    assert fresh.receipt_code == "0000-0000-01"
    checks = [sql for sql in statements(queries) if "UNION ALL" in sql]
    assert len(checks) == 3  # one query per offered code, each over both tables
    assert [problem.receipt_code for problem in check_log()] == [deleted_code]  # only the deleted one


def test_a_batch_checks_its_codes_in_chunks(draft: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "CODES_PER_QUERY", 2)
    prepared = [
        prepare_proposal(version=draft, article=None, text=f"Пакеттегі ұсыныс {n}.", kind="comment", region="",
                         channel="import", source="batch", source_id=str(n))
        for n in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = create_proposals(proposals=prepared)
    assert len([sql for sql in statements(queries) if "UNION ALL" in sql]) == 3  # 2 + 2 + 1 codes
    assert len({p.receipt_code for p in result.created}) == 5
    assert list(ReceiptEntry.objects.order_by("seq").values_list("receipt_code", flat=True)) == [
        p.receipt_code for p in result.created
    ]
    assert list(check_log()) == []


def test_the_log_continues_from_its_last_link(submit: Any) -> None:
    assert ReceiptEntry.last_link(connection.alias) is None
    first = submit()
    entry = ReceiptEntry.objects.get(proposal_id=first.pk)
    assert ReceiptEntry.last_link(connection.alias) == (entry.seq, entry.entry_hash)
    second = submit("Екінші ұсыныс: 2-бапты толықтыру.")
    following = ReceiptEntry.objects.get(proposal_id=second.pk)
    assert following.seq == entry.seq + 1 and following.prev_hash == entry.entry_hash

"""The queries of the two write paths every visitor can take, counted: a submission's receipt
(codes, log) and a support, so that a cut cannot silently come back; and the plain-SQL helpers
keep the guarantees of the ORM code they replaced."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kenes.proposals import actions
from kenes.proposals.actions import create_proposals, prepare_proposal, support_proposal
from kenes.proposals.models import Proposal, ReceiptEntry, Support, taken_receipt_codes
from kenes.proposals.verify import check_log
from tests.queries import statements

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- supports


def test_a_support_is_one_insert_and_one_counting_update(submit: Any, users: dict[str, Any]) -> None:
    proposal = submit()
    Proposal.objects.filter(pk=proposal.pk).update(support_count=4)  # counted elsewhere meanwhile
    with CaptureQueriesContext(connection) as queries:
        assert support_proposal(proposal=proposal, user=users["citizen2"]) is True
    run = statements(queries)
    assert len(run) == 2, run
    assert run[0].startswith('INSERT INTO "proposals_support"')
    assert run[1].startswith('UPDATE "proposals_proposal"') and "RETURNING" in run[1]
    assert proposal.support_count == 5  # the count the update returned, no re-read
    assert Support.objects.filter(proposal=proposal, user=users["citizen2"]).exists()


def test_a_second_support_writes_nothing(submit: Any, users: dict[str, Any]) -> None:
    proposal = submit()
    assert support_proposal(proposal=proposal, user=users["citizen2"]) is True
    with CaptureQueriesContext(connection) as queries:
        assert support_proposal(proposal=proposal, user=users["citizen2"]) is False
    run = statements(queries)
    assert len(run) == 1 and run[0].startswith('INSERT INTO "proposals_support"'), run  # nothing inserted
    proposal.refresh_from_db()
    assert proposal.support_count == 1 and Support.objects.count() == 1


def test_a_support_without_returning(submit: Any, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """An SQLite before 3.35 has no RETURNING: the count is read back."""
    proposal = submit()
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)  # after the ORM's insert
    assert support_proposal(proposal=proposal, user=users["citizen2"]) is True
    with CaptureQueriesContext(connection) as queries:
        assert support_proposal(proposal=proposal, user=users["analyst"]) is True
    run = statements(queries)
    assert len(run) == 3 and "RETURNING" not in run[1] and run[2].startswith("SELECT"), run
    assert support_proposal(proposal=proposal, user=users["analyst"]) is False
    assert proposal.support_count == 2
    proposal.refresh_from_db()
    assert proposal.support_count == 2


def test_the_support_view_does_not_read_the_count_back(client: Any, users: dict[str, Any], submit: Any) -> None:
    proposal = submit()
    client.force_login(users["citizen2"])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("proposals:support", args=[proposal.receipt_code]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ">1 " in response.content.decode()
    run = statements(queries)
    update = next(n for n, sql in enumerate(run) if sql.startswith('UPDATE "proposals_proposal"'))
    assert run[update - 1].startswith('INSERT INTO "proposals_support"')
    assert not any('FROM "proposals_proposal"' in sql for sql in run[update + 1 :]), run


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

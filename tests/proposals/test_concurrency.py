"""Concurrent submissions keep the receipt log one unbroken chain (PostgreSQL: advisory lock)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from kenes.proposals.models import Proposal, ReceiptEntry
from kenes.proposals.verify import check_log


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_chain(draft: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers are tested on PostgreSQL (SQLite serialises writers by design)")
    from kenes.proposals.actions import submit_proposal

    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(8):
                submit_proposal(version=draft, article=None, text=f"Параллель ұсыныс {n}-{i}", kind="comment",
                                region="", channel="api", source="threads", source_id=f"{n}-{i % 6}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Proposal.objects.count() == 24  # 6 distinct source ids per thread
    assert list(ReceiptEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 25))
    assert list(check_log()) == []

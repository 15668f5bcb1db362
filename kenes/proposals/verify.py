"""Verification of the receipt log: the hash chain and every proposal's content hash."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kenes.proposals.models import Proposal, ReceiptEntry

CHUNK = 2000


@dataclass(frozen=True)
class Problem:
    seq: int | None
    receipt_code: str
    proposal_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "no entry"
        return f"{where} (receipt {self.receipt_code or '-'}, proposal id {self.proposal_id}): {self.reason}"


@dataclass
class Verification:
    entries: int = 0
    proposals: int = 0
    head: str = ReceiptEntry.GENESIS


def check_log(stats: Verification | None = None) -> Iterator[Problem]:
    """Yield every problem in log order, then proposals that have no entry at all."""
    stats = stats if stats is not None else Verification()
    expected_seq = 1
    prev_hash = ReceiptEntry.GENESIS
    last_seq = 0
    while True:
        chunk = list(ReceiptEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:CHUNK])
        if not chunk:
            break
        last_seq = chunk[-1].seq
        proposals = Proposal.objects.select_related("article").in_bulk([e.proposal_id for e in chunk])
        for entry in chunk:
            stats.entries += 1
            if entry.seq != expected_seq:
                yield Problem(entry.seq, entry.receipt_code, entry.proposal_id,
                              f"sequence gap: expected #{expected_seq}, an entry was removed")
            if entry.prev_hash != prev_hash:
                yield Problem(entry.seq, entry.receipt_code, entry.proposal_id,
                              "broken link: prev_hash does not match the previous entry's hash")
            if entry.expected_hash() != entry.entry_hash:
                yield Problem(entry.seq, entry.receipt_code, entry.proposal_id,
                              "entry hash mismatch: the entry itself was altered")
            proposal = proposals.get(entry.proposal_id)
            if proposal is None:
                yield Problem(entry.seq, entry.receipt_code, entry.proposal_id, "proposal missing (deleted)")
            else:
                stats.proposals += 1
                if proposal.receipt_code != entry.receipt_code or proposal.content_hash() != entry.content_hash:
                    yield Problem(entry.seq, entry.receipt_code, entry.proposal_id,
                                  "proposal content changed since it was logged")
            expected_seq = entry.seq + 1
            prev_hash = entry.entry_hash
    stats.head = prev_hash
    logged = ReceiptEntry.objects.values("proposal_id")
    for proposal in Proposal.objects.exclude(id__in=logged).order_by("id").only("id", "receipt_code").iterator():
        yield Problem(None, proposal.receipt_code, proposal.pk, "proposal without an entry in the log")

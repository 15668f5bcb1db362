from __future__ import annotations

from typing import Any

from kenes.insights.models import ProposalAnalysis, ProposalGroup
from kenes.proposals.models import Proposal


def test_full_run_stores_every_proposal_and_groups(run: Any) -> None:
    assert run.current
    assert ProposalAnalysis.objects.filter(run=run).count() == Proposal.objects.count()
    assert run.groups_count > 0
    groups = ProposalGroup.objects.filter(run=run, kind="form_letter")
    for group in groups:
        assert group.size == ProposalAnalysis.objects.filter(group=group).count()
        assert group.size >= 2
        assert sum(group.regions.values()) <= group.size
        assert group.first_seen <= group.last_seen

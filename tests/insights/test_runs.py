from __future__ import annotations

from typing import Any

from kenes.insights.models import ProposalAnalysis, ProposalGroup
from kenes.proposals.models import Proposal


def test_full_run_stores_every_proposal_and_groups(run: Any) -> None:
    assert run.current
    assert ProposalAnalysis.objects.filter(run=run).count() == Proposal.objects.count()
    assert run.groups_count > 0
    assert not ProposalAnalysis.objects.filter(run=run, group=None).exists()  # every proposal can be answered by group
    groups = ProposalGroup.objects.filter(run=run, kind="form_letter")
    for group in groups:
        assert group.size == ProposalAnalysis.objects.filter(group=group).count()
        assert group.size >= 2
        assert sum(group.regions.values()) <= group.size
        assert group.first_seen <= group.last_seen


def test_command_runs_an_analysis_in_process(demo: Any) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("insights_analyze", "--now", stdout=out)
    assert "done" in out.getvalue()
    out = io.StringIO()
    call_command("insights_analyze", "--incremental", stdout=out)
    assert "incremental): done; " in out.getvalue()
    assert ProposalAnalysis.objects.filter(run__current=True).count() == Proposal.objects.count()


def test_word_diff_marks_changes_and_escapes() -> None:
    from kenes.insights.textdiff import word_diff

    html, changed = word_diff("Бап <b> өзгертілсін", "Бап <i> өзгертілсін міндетті")
    assert "<del>&lt;b&gt;</del>" in html and "<ins>&lt;i&gt;</ins>" in html and "<ins> міндетті</ins>" in html
    assert changed == 3
    assert word_diff("", "") == ("", 0)
    long_html, _n = word_diff("а " * 5000, "а " * 5000 + "<x>")
    assert "<x>" not in long_html


def test_heartbeat_thread_keeps_a_long_run_alive(transactional_db: Any) -> None:
    import time

    from django.utils import timezone

    from kenes.insights.actions import heartbeat
    from kenes.insights.models import AnalysisRun

    old = timezone.now() - timezone.timedelta(hours=1)
    run = AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=old)
    with heartbeat(run, every=0.05):
        for _ in range(200):  # wait for the thread's first beat (at most ~10 s on a busy machine)
            run.refresh_from_db()
            if run.heartbeat_at > old:
                break
            time.sleep(0.05)
    assert run.heartbeat_at > old

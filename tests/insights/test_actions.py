from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kenes.insights import actions
from kenes.insights.models import (
    AnalysisRun,
    Correction,
    ProposalAnalysis,
    ProposalGroup,
    ThemeLabel,
)
from kenes.proposals.models import Proposal, ProposalChange


def form_letter(run: Any) -> ProposalGroup:
    group = ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size").first()
    assert group is not None
    return group


def member_ids(group: ProposalGroup) -> list[int]:
    return list(
        ProposalAnalysis.objects.filter(group=group).order_by("proposal_id").values_list("proposal_id", flat=True)
    )


# ---------------------------------------------------------------- runs


def test_second_run_replaces_the_first_atomically(run: Any, users: dict[str, Any]) -> None:
    second = actions.start_analysis(user=users["analyst"], kind="full")
    assert second.status == "done" and second.current
    run.refresh_from_db()
    assert not run.current
    assert not ProposalAnalysis.objects.filter(run=run).exists()
    assert not ProposalGroup.objects.filter(run=run).exists()
    assert AnalysisRun.objects.filter(current=True).count() == 1


def test_incremental_run_matches_new_proposals_against_stored_groups(run: Any, users: dict[str, Any]) -> None:
    from kenes.proposals.actions import submit_proposal

    group = form_letter(run)
    base = Proposal.objects.get(pk=group.representative_id)
    actions.assign_group(group=group, user=users["analyst"], assignee=users["analyst"])
    new = submit_proposal(
        version=base.version,
        article=base.article,
        text=base.text + " Рақмет.",
        kind="amend",
        region="atyrau",
        channel="web",
        author=users["citizen"],
    )
    second = actions.start_analysis(user=users["analyst"], kind="incremental")
    assert second.status == "done", second.error
    assert second.summary["new_proposals"] == 1
    assert ProposalAnalysis.objects.filter(run=second).count() == Proposal.objects.count()
    moved = ProposalAnalysis.objects.get(run=second, proposal=new)
    assert moved.group is not None and moved.group.key == group.key
    assert moved.group.size == group.size + 1
    assert moved.group.assigned_to == users["analyst"]  # corrections carried forward
    assert moved.group.regions.get("atyrau", 0) == group.regions.get("atyrau", 0) + 1


def test_only_one_active_run(run: Any, users: dict[str, Any]) -> None:
    AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=timezone.now())
    with pytest.raises(actions.InsightsError):
        actions.start_analysis(user=users["analyst"], kind="full")


def test_interrupted_run_is_detected_cleaned_and_restarted(run: Any, users: dict[str, Any]) -> None:
    # A worker was killed in the middle of writing: half of the rows exist under a running run.
    dead = AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=timezone.now() - timedelta(hours=1))
    half = ProposalGroup.objects.create(run=dead, kind="cluster", key="c0", size=1)
    ProposalAnalysis.objects.create(run=dead, proposal=Proposal.objects.first(), group=half)
    visible = ProposalAnalysis.objects.filter(run__current=True).count()
    assert visible == Proposal.objects.count()  # the half-written rows are not visible
    fresh = actions.start_analysis(user=users["analyst"], kind="full")
    dead.refresh_from_db()
    assert dead.status == "interrupted"
    assert not ProposalAnalysis.objects.filter(run=dead).exists()
    assert fresh.status == "done" and fresh.current


def test_failed_run_leaves_published_results(run: Any, users: dict[str, Any], monkeypatch: Any) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "store_results", boom)
    actions.start_analysis(user=users["analyst"], kind="full")  # the task backend records the failure
    failed = AnalysisRun.objects.exclude(pk=run.pk).get()
    assert failed.status == "failed" and "disk full" in failed.error
    assert not ProposalAnalysis.objects.filter(run=failed).exists()
    assert AnalysisRun.objects.current() == run


def test_queued_run_is_executed_once(run: Any) -> None:
    assert actions.execute_run(run_id=run.pk) == "skipped"


def test_citizen_cannot_start_a_run(demo: Any, users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        actions.start_analysis(user=users["citizen"], kind="full")


# ---------------------------------------------------------------- corrections


def test_themes_correction_is_recorded_undone_and_trains_the_model(run: Any, users: dict[str, Any]) -> None:
    analysis = ProposalAnalysis.objects.filter(run=run).first()
    assert analysis is not None
    before = analysis.theme_list
    correction = actions.set_themes(
        proposal=analysis.proposal, user=users["analyst"], themes=["identity_culture", "human_rights"]
    )
    analysis.refresh_from_db()
    assert analysis.theme_list == ["identity_culture", "human_rights"] and analysis.theme == "identity_culture"
    assert correction.before == {"themes": before} and correction.user == users["analyst"]
    actions.undo_correction(correction=correction, user=users["analyst"])
    analysis.refresh_from_db()
    assert analysis.theme_list == before
    with pytest.raises(actions.InsightsError):
        actions.undo_correction(correction=correction, user=users["analyst"])
    with pytest.raises(actions.InsightsError):
        actions.set_themes(proposal=analysis.proposal, user=users["analyst"], themes=["<script>"])


def test_labels_are_kept_by_the_next_run(run: Any, users: dict[str, Any]) -> None:
    proposals = list(Proposal.objects.order_by("pk")[:30])
    for i, proposal in enumerate(proposals):
        actions.set_themes(
            proposal=proposal, user=users["analyst"], themes=["identity_culture"] if i % 2 else ["economy_property"]
        )
    assert actions.train_theme_model() is not None
    second = actions.start_analysis(user=users["analyst"], kind="full")
    for i, proposal in enumerate(proposals):
        row = ProposalAnalysis.objects.get(run=second, proposal=proposal)
        assert row.theme == ("identity_culture" if i % 2 else "economy_property")
    assert ThemeLabel.objects.count() == 30


def test_article_correction_and_undo(run: Any, users: dict[str, Any]) -> None:
    from kenes.drafts.models import Article

    analysis = (
        ProposalAnalysis.objects.filter(run=run).exclude(proposal__article=None).select_related("proposal").first()
    )
    assert analysis is not None
    proposal = analysis.proposal
    old_article = proposal.article
    other = Article.objects.filter(version=proposal.version).exclude(pk=old_article.pk).first()
    correction = actions.set_article(proposal=proposal, user=users["analyst"], article=other)
    proposal.refresh_from_db()
    analysis.refresh_from_db()
    assert proposal.article == other and analysis.article_number == other.number
    assert ProposalChange.objects.filter(proposal=proposal, field="article").exists()
    actions.undo_correction(correction=correction, user=users["analyst"])
    proposal.refresh_from_db()
    analysis.refresh_from_db()
    assert proposal.article == old_article and analysis.article_number == old_article.number


def test_move_merge_split_and_undo(run: Any, users: dict[str, Any]) -> None:
    analyst = users["analyst"]
    groups = list(ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size")[:2])
    a, b = groups
    size_a, size_b = a.size, b.size
    members_a = member_ids(a)
    move = actions.move_proposal(proposal=Proposal.objects.get(pk=members_a[0]), user=analyst, group=b)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.size, b.size) == (size_a - 1, size_b + 1)
    actions.undo_correction(correction=move, user=analyst)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.size, b.size) == (size_a, size_b)

    merge = actions.merge_groups(target=a, sources=[b], user=analyst)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.size == size_a + size_b and b.size == 0 and b.merged_into == a
    actions.undo_correction(correction=merge, user=analyst)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.size, b.size) == (size_a, size_b) and b.merged_into is None

    split = actions.split_group(group=a, proposal_ids=members_a[:1], user=analyst, label="<b>new</b>")
    new = ProposalGroup.objects.get(pk=split.after["new_group"])
    a.refresh_from_db()
    assert new.size == 1 and a.size == size_a - 1 and new.label == "<b>new</b>"
    with pytest.raises(actions.InsightsError):
        actions.split_group(group=new, proposal_ids=members_a[:1], user=analyst)  # would empty the group
    actions.undo_correction(correction=split, user=analyst)
    a.refresh_from_db()
    assert a.size == size_a and not ProposalGroup.objects.filter(pk=new.pk).exists()
    assert Correction.objects.filter(undone_at__isnull=False).count() == 3


def test_group_changes_of_an_earlier_run_cannot_be_undone(run: Any, users: dict[str, Any]) -> None:
    group = form_letter(run)
    correction = actions.assign_group(group=group, user=users["analyst"], assignee=users["analyst"])
    actions.start_analysis(user=users["analyst"], kind="full")
    with pytest.raises(actions.InsightsError):
        actions.undo_correction(correction=correction, user=users["analyst"])


def test_corrections_need_an_analyst(run: Any, users: dict[str, Any]) -> None:
    group = form_letter(run)
    proposal = Proposal.objects.get(pk=member_ids(group)[0])
    for role in ("citizen", "coordinator", "moderator", "commission"):
        with pytest.raises(PermissionDenied):
            actions.set_themes(proposal=proposal, user=users[role], themes=["human_rights"])
        with pytest.raises(PermissionDenied):
            actions.merge_groups(target=group, sources=[], user=users[role])
    with pytest.raises(actions.InsightsError):
        actions.assign_group(group=group, user=users["analyst"], assignee=users["citizen"])


# ---------------------------------------------------------------- answers at scale


def test_answer_group_answers_every_member_in_its_language_and_mails_each_author_once(
    run: Any,
    users: dict[str, Any],
) -> None:
    group = form_letter(run)
    ids = member_ids(group)
    author = users["citizen"]
    author.preferred_language = "ru"
    author.save()
    Proposal.objects.filter(pk__in=ids[:2]).update(author=author)
    hidden = ids[-1]
    Proposal.objects.filter(pk=hidden).update(is_hidden=True)
    result = actions.answer_group(
        group=group, user=users["analyst"], status="accepted", text_kk="Қабылданды <b>.", text_ru="Принято <b>."
    )
    assert result.answered == len(ids) - 1 and result.skipped_hidden == 1
    for proposal in Proposal.objects.filter(pk__in=ids).exclude(pk=hidden):
        assert proposal.status == "accepted"
        assert proposal.answer_text == ("Қабылданды <b>." if proposal.language == "kk" else "Принято <b>.")
        assert proposal.answered_by == users["analyst"] and proposal.answered_at is not None
        assert ProposalChange.objects.filter(proposal=proposal, field="status", after="accepted").exists()
    assert Proposal.objects.get(pk=hidden).status != "accepted"
    to_author = [m for m in mail.outbox if m.to == [author.email]]
    assert len(to_author) == 1
    assert "Ответ" in to_author[0].subject or "ответ" in to_author[0].subject
    again = actions.answer_group(
        group=group, user=users["analyst"], status="accepted", text_kk="Қабылданды <b>.", text_ru="Принято <b>."
    )
    assert again.answered == 0 and again.unchanged == len(ids) - 1


def test_answer_group_refuses_bad_input(run: Any, users: dict[str, Any]) -> None:
    group = form_letter(run)
    with pytest.raises(actions.InsightsError):
        actions.answer_group(group=group, user=users["analyst"], status="accepted", text_kk=" ", text_ru="")
    with pytest.raises(actions.InsightsError):
        actions.answer_group(group=group, user=users["analyst"], status="bogus", text_kk="a", text_ru="a")
    with pytest.raises(actions.InsightsError):
        actions.answer_group(group=group, user=users["analyst"], status="accepted", text_kk="x" * 20001, text_ru="")
    with pytest.raises(PermissionDenied):
        actions.answer_group(group=group, user=users["coordinator"], status="accepted", text_kk="a", text_ru="a")
    assert not Proposal.objects.filter(pk__in=member_ids(group), status="accepted", answer_text="a").exists()

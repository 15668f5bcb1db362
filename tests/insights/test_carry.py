"""A full run keeps the analysts' group corrections (kenes/insights/carry.py): moves, merges,
splits and assignments of the published run are replayed on the new run before it is published."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from kenes.insights import actions, carry
from kenes.insights.models import AnalysisRun, Correction, ProposalAnalysis, ProposalGroup
from kenes.proposals.models import Proposal


def grouping(run: Any) -> set[frozenset[int]]:
    """The partition of the run's proposals into groups (ungrouped proposals as one more set)."""
    by_group: dict[int | None, set[int]] = {}
    for proposal_id, group_id in ProposalAnalysis.objects.filter(run=run).values_list("proposal_id", "group_id"):
        by_group.setdefault(group_id, set()).add(proposal_id)
    return {frozenset(members) for members in by_group.values()}


def groups(run: Any, kind: str) -> list[ProposalGroup]:
    return list(ProposalGroup.objects.filter(run=run, kind=kind).live().order_by("-size", "pk"))


def member_ids(group: ProposalGroup) -> list[int]:
    return list(
        ProposalAnalysis.objects.filter(group=group).order_by("proposal_id").values_list("proposal_id", flat=True)
    )


def full_run(user: Any) -> AnalysisRun:
    new = actions.start_analysis(user=user, kind="full")
    new.refresh_from_db()
    assert new.status == "done" and new.current, new.error
    return new


def group_of(run: Any, proposal_id: int) -> ProposalGroup | None:
    return ProposalAnalysis.objects.select_related("group").get(run=run, proposal_id=proposal_id).group


@pytest.fixture
def analyst(users: dict[str, Any]) -> Any:
    return users["analyst"]


def test_without_corrections_a_full_run_reports_nothing_carried(run: Any, analyst: Any) -> None:
    expected = grouping(run)
    new = full_run(analyst)
    assert new.summary["carried"] == {"carried": 0, "unchanged": 0, "skipped": 0, "skipped_list": []}
    assert grouping(new) == expected  # the same texts give the same groups: the tests below rely on it
    assert not Correction.objects.filter(run=new).exists()


def test_a_move_is_carried_into_the_next_full_run(run: Any, analyst: Any) -> None:
    a, b = groups(run, "form_letter")[:2]
    moved = member_ids(a)[0]
    move = actions.move_proposal(proposal=Proposal.objects.get(pk=moved), user=analyst, group=b)
    expected = grouping(run)
    new = full_run(analyst)
    assert grouping(new) == expected
    target = group_of(new, moved)
    assert target is not None and target.key == b.key and target.size == b.size + 1
    carried = Correction.objects.get(run=new)
    assert (carried.kind, carried.user, carried.proposal_id, carried.group) == ("move", analyst, moved, target)
    assert carried.after == {"group": target.pk, "carried_from": move.pk}
    before = ProposalGroup.objects.get(pk=carried.before["group"])
    assert before.run == new and before.key == a.key
    assert new.summary["carried"]["carried"] == 1


def test_a_move_out_of_any_group_is_carried(run: Any, analyst: Any) -> None:
    a = groups(run, "cluster")[0]
    moved = member_ids(a)[-1]
    actions.move_proposal(proposal=Proposal.objects.get(pk=moved), user=analyst, group=None)
    expected = grouping(run)
    new = full_run(analyst)
    assert grouping(new) == expected and group_of(new, moved) is None


def test_a_merge_is_carried_into_the_next_full_run(run: Any, analyst: Any) -> None:
    letters = groups(run, "form_letter")
    clusters = groups(run, "cluster")
    merge = actions.merge_groups(target=letters[0], sources=letters[1:3], user=analyst)
    actions.merge_groups(target=clusters[1], sources=[clusters[0]], user=analyst)  # a larger source into a smaller
    expected = grouping(run)
    new = full_run(analyst)
    assert grouping(new) == expected
    target = ProposalGroup.objects.get(run=new, key=letters[0].key)
    assert target.size == sum(g.size for g in letters[:3])
    assert {g.key for g in ProposalGroup.objects.filter(run=new, merged_into=target)} == {g.key for g in letters[1:3]}
    cluster_target = ProposalGroup.objects.get(run=new, key=clusters[1].key)
    assert cluster_target.merged_into is None
    assert ProposalGroup.objects.get(run=new, key=clusters[0].key).merged_into == cluster_target
    carried = Correction.objects.filter(run=new).order_by("pk").first()
    assert carried is not None and carried.kind == "merge" and carried.group == target
    assert carried.after == {"target": target.pk, "carried_from": merge.pk}
    new.refresh_from_db()
    live = ProposalGroup.objects.filter(run=new).live()
    assert new.groups_count == live.filter(kind="form_letter").count() == len(letters) - 2
    assert new.clusters_count == live.filter(kind="cluster").count()


def test_a_split_is_carried_with_its_label(run: Any, analyst: Any) -> None:
    a = groups(run, "form_letter")[0]
    off = member_ids(a)[:3]
    split = actions.split_group(group=a, proposal_ids=off, user=analyst, label="Талап: жер")
    expected = grouping(run)
    new = full_run(analyst)
    assert grouping(new) == expected
    part = group_of(new, off[0])
    assert part is not None and part.label == "Талап: жер" and part.size == 3 and part.kind == "form_letter"
    carried = Correction.objects.get(run=new)
    source = ProposalGroup.objects.get(pk=carried.before["group"])
    assert source.key == a.key and source.size == a.size - 3
    assert carried.after == {"new_group": part.pk, "carried_from": split.pk} and carried.user == analyst


def test_groups_are_mapped_by_their_members_at_the_time_of_the_correction(run: Any, analyst: Any) -> None:
    letters = groups(run, "form_letter")
    big, other, small = letters[0], letters[1], letters[-1]
    assert big.size > small.size + 1
    moved = member_ids(other)[0]
    actions.move_proposal(proposal=Proposal.objects.get(pk=moved), user=analyst, group=small)
    actions.merge_groups(target=small, sources=[big], user=analyst)  # afterwards most of `small` comes from `big`
    expected = grouping(run)
    new = full_run(analyst)
    assert grouping(new) == expected
    move, merge = Correction.objects.filter(run=new).order_by("pk")
    assert move.group is not None and move.group.key == small.key  # not the group of the (later) majority
    assert merge.group is not None and merge.group.key == small.key
    assert ProposalGroup.objects.get(run=new, key=big.key).merged_into == merge.group


def test_a_sequence_of_corrections_with_an_undone_one(run: Any, analyst: Any, make_user: Any) -> None:
    other = make_user("analyst2", "analyst")
    letters = groups(run, "form_letter")
    clusters = groups(run, "cluster")
    a, b, c = letters[:3]
    members_a = member_ids(a)
    split = actions.split_group(group=a, proposal_ids=members_a[:2], user=analyst, label="бөлінген")
    part = ProposalGroup.objects.get(pk=split.after["new_group"])
    actions.move_proposal(proposal=Proposal.objects.get(pk=member_ids(c)[0]), user=other, group=part)
    actions.merge_groups(target=b, sources=[c], user=analyst)
    undone = actions.move_proposal(proposal=Proposal.objects.get(pk=member_ids(b)[0]), user=other, group=clusters[0])
    actions.undo_correction(correction=undone, user=analyst)
    actions.move_proposal(proposal=Proposal.objects.get(pk=member_ids(clusters[1])[0]), user=other, group=b)
    actions.assign_group(group=part, user=analyst, assignee=other)
    expected = grouping(run)
    new = full_run(analyst)
    assert grouping(new) == expected
    carried = list(Correction.objects.filter(run=new).order_by("pk"))
    assert [x.kind for x in carried] == ["split", "move", "merge", "move", "assign"]
    assert [x.user for x in carried] == [analyst, other, analyst, other, analyst]
    assert undone.pk not in {x.after["carried_from"] for x in carried}
    new_part = group_of(new, members_a[0])
    assert new_part is not None and new_part.label == "бөлінген" and new_part.assigned_to == other
    assert new.summary["carried"]["carried"] == 5 and new.summary["carried"]["skipped"] == 0


def test_carried_corrections_are_listed_and_can_be_undone(run: Any, analyst: Any, make_user: Any, client: Any) -> None:
    author = make_user("analyst2", "analyst")
    a, b, c = groups(run, "form_letter")[:3]
    moved = member_ids(a)[0]
    actions.move_proposal(proposal=Proposal.objects.get(pk=moved), user=author, group=b)
    actions.merge_groups(target=a, sources=[c], user=author)
    new = full_run(analyst)
    client.force_login(analyst)
    page = client.get(reverse("insights:corrections")).content.decode()
    assert page.count("analyst2") >= 4 and "carried_from" in page  # the originals and their replays
    merge, move = Correction.objects.filter(run=new).order_by("-pk")
    assert (merge.kind, move.kind) == ("merge", "move") and merge.user == move.user == author
    response = client.post(reverse("insights:correction_undo", args=[merge.pk]))
    assert response.status_code == 302
    actions.undo_correction(correction=move, user=analyst)
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == analyst
    new_a, new_b, new_c = (ProposalGroup.objects.get(run=new, key=g.key) for g in (a, b, c))
    assert new_c.merged_into is None
    assert (new_a.size, new_b.size, new_c.size) == (a.size, b.size, c.size)  # as analysed
    assert group_of(new, moved) == new_a


def test_a_correction_whose_proposals_were_deleted_is_skipped_and_reported(run: Any, analyst: Any, client: Any) -> None:
    a, b = groups(run, "form_letter")[:2]
    off = member_ids(a)[:2]
    split = actions.split_group(group=a, proposal_ids=off, user=analyst, label="жойылады")
    move = actions.move_proposal(proposal=Proposal.objects.get(pk=member_ids(b)[0]), user=analyst, group=a)
    Proposal.objects.filter(pk__in=off).delete()
    new = full_run(analyst)
    report = new.summary["carried"]
    assert report["carried"] == 1 and report["skipped"] == 1
    assert report["skipped_list"] == [{"correction": split.pk, "kind": "split", "reason": carry.PROPOSALS_GONE}]
    assert Correction.objects.get(run=new).after["carried_from"] == move.pk
    client.force_login(analyst)
    with translation.override("en"):
        page = client.get(reverse("insights:runs")).content.decode()
    assert "Carried over: 1; already in place: 0; skipped: 1." in page
    assert "none of the split-off proposals is left" in page
    page = client.get(reverse("insights:runs")).content.decode()
    assert "бөлінген ұсыныстардың ешқайсысы қалмады" in page


def test_a_moved_proposal_that_is_deleted_takes_its_correction_along(run: Any, analyst: Any) -> None:
    a, b = groups(run, "form_letter")[:2]
    moved = member_ids(a)[0]
    actions.move_proposal(proposal=Proposal.objects.get(pk=moved), user=analyst, group=b)
    Proposal.objects.filter(pk=moved).delete()  # Correction.proposal cascades: nothing left to carry
    expected = grouping_without(run, moved)
    new = full_run(analyst)
    assert new.summary["carried"] == {"carried": 0, "unchanged": 0, "skipped": 0, "skipped_list": []}
    assert grouping(new) == expected


def grouping_without(run: Any, proposal_id: int) -> set[frozenset[int]]:
    return {members - {proposal_id} for members in grouping(run)} - {frozenset()}


def test_corrections_made_before_an_incremental_run_survive_the_next_full_run(run: Any, analyst: Any) -> None:
    letters = groups(run, "form_letter")
    a, b = letters[:2]
    moved = member_ids(a)[0]
    off = member_ids(b)[:2]
    apart = [frozenset(member_ids(letters[2])), frozenset(member_ids(letters[3]))]
    actions.move_proposal(proposal=Proposal.objects.get(pk=moved), user=analyst, group=b)
    actions.split_group(group=b, proposal_ids=off, user=analyst, label="ертерек")
    merge = actions.merge_groups(target=letters[2], sources=[letters[3]], user=analyst)
    incremental = actions.start_analysis(user=analyst, kind="incremental")
    assert incremental.status == "done" and incremental.current, incremental.error
    expected = grouping(incremental)
    new = full_run(analyst)
    report = new.summary["carried"]
    # The earlier run's groups were removed with it: its merge cannot be mapped, and the run says so.
    assert report["skipped_list"] == [{"correction": merge.pk, "kind": "merge", "reason": carry.GROUP_GONE}]
    assert report["carried"] == 2
    target = group_of(new, moved)
    assert target is not None and target.key == b.key
    part = group_of(new, off[0])
    assert part is not None and part.label == "ертерек" and set(member_ids(part)) == set(off)
    assert grouping(new) == {m for m in expected if m != apart[0] | apart[1]} | set(apart)


def test_a_failure_while_carrying_fails_the_run_cleanly(run: Any, analyst: Any, monkeypatch: Any) -> None:
    a, b = groups(run, "form_letter")[:2]
    actions.move_proposal(proposal=Proposal.objects.get(pk=member_ids(a)[0]), user=analyst, group=b)
    actions.merge_groups(target=a, sources=[b], user=analyst)
    expected = grouping(run)

    def boom(self: Any, correction: Correction) -> Correction:
        raise RuntimeError("carrying broke")

    monkeypatch.setattr(carry._Carrier, "merge", boom)  # the move is replayed first, then this fails
    actions.start_analysis(user=analyst, kind="full")  # the task backend records the failure
    failed = AnalysisRun.objects.exclude(pk=run.pk).get()
    assert failed.status == "failed" and "carrying broke" in failed.error and not failed.current
    assert not ProposalAnalysis.objects.filter(run=failed).exists()
    assert not ProposalGroup.objects.filter(run=failed).exists()
    assert not Correction.objects.filter(run=failed).exists()  # the replayed move was rolled back
    assert AnalysisRun.objects.current() == run and grouping(run) == expected


def test_a_failure_after_carrying_takes_the_carried_corrections_along(
    run: Any, analyst: Any, monkeypatch: Any
) -> None:
    a, b = groups(run, "form_letter")[:2]
    actions.move_proposal(proposal=Proposal.objects.get(pk=member_ids(a)[0]), user=analyst, group=b)

    def boom(run: Any, figures: Any) -> None:
        raise RuntimeError("publishing broke")

    monkeypatch.setattr(actions, "publish_run", boom)  # after the carry has committed its corrections
    actions.start_analysis(user=analyst, kind="full")
    failed = AnalysisRun.objects.exclude(pk=run.pk).get()
    assert failed.status == "failed" and "publishing broke" in failed.error
    assert not Correction.objects.filter(run=failed).exists()
    assert Correction.objects.filter(run=run, kind="move").count() == 1  # the analyst's own stays
    assert AnalysisRun.objects.current() == run


def test_carrying_refuses_a_published_run(run: Any) -> None:
    other = AnalysisRun.objects.create(kind="full", status="done")
    with pytest.raises(actions.InsightsError):
        carry.carry_corrections(run, other)

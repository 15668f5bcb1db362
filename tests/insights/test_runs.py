from __future__ import annotations

from typing import Any

import pytest

from kenes.insights.models import UNCLUSTERED, AnalysisState, ProposalAnalysis, ProposalGroup
from kenes.nlp.clusters import ClusterModel
from kenes.proposals.models import Proposal
from tests.nlp.test_clusters_incremental import BASE_SUBJECTS, NEAR_COPIES, subject_texts


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


def test_heartbeat_thread_survives_a_database_error(transactional_db: Any, monkeypatch: Any) -> None:
    """A beat that fails (SQLite busy with the run's own writes, a dropped connection) is logged and the
    next one is tried: the thread must not die and leave a live run looking dead."""
    import time

    from django.db import OperationalError
    from django.db.models import QuerySet
    from django.utils import timezone

    from kenes.insights.actions import heartbeat
    from kenes.insights.models import AnalysisRun

    old = timezone.now() - timezone.timedelta(hours=1)
    run = AnalysisRun.objects.create(kind="full", status="running", heartbeat_at=old)
    update = QuerySet.update
    failures = []

    def flaky(self: Any, **kwargs: Any) -> int:
        if "heartbeat_at" in kwargs and len(failures) < 2:
            failures.append(1)
            raise OperationalError("database table is locked: insights_analysisrun")
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", flaky)
    with heartbeat(run, every=0.05):
        for _ in range(200):
            run.refresh_from_db()
            if run.heartbeat_at > old:
                break
            time.sleep(0.05)
    assert len(failures) == 2 and run.heartbeat_at > old


# ---------------------------------------------------------------- incremental runs and clusters


_sequence = iter(range(1, 1_000_000))


def add_proposals(version: Any, texts: list[str], region: str = "atyrau") -> list[int]:
    from kenes.proposals.actions import create_proposals, prepare_proposal

    batch = [
        prepare_proposal(
            version=version,
            article=None,
            text=text,
            kind="comment",
            region=region,
            channel="import",
            author_name="Test",
            source="test-clusters",
            source_id=f"T-{next(_sequence)}",
        )
        for text in texts
    ]
    return [p.pk for p in create_proposals(proposals=batch).created]


def analysis_run(user: Any, kind: str) -> Any:
    from kenes.insights.actions import start_analysis

    started = start_analysis(user=user, kind=kind)
    started.refresh_from_db()
    assert started.status == "done", started.error
    assert started.kind == kind
    return started


def group_of(run: Any, proposal_id: int) -> ProposalGroup:
    analysis = ProposalAnalysis.objects.select_related("group").get(run=run, proposal_id=proposal_id)
    assert analysis.group is not None
    return analysis.group


def majority_group(run: Any, proposal_ids: list[int]) -> ProposalGroup:
    from collections import Counter

    counts = Counter(group_of(run, pk).pk for pk in proposal_ids)
    return ProposalGroup.objects.get(pk=counts.most_common(1)[0][0])


def stored_model(run: Any) -> ClusterModel:
    data = AnalysisState.objects.get(run=run).clusters
    assert data is not None
    return ClusterModel.from_bytes(bytes(data))


@pytest.fixture
def clustered(draft: Any, users: dict[str, Any]) -> dict[str, Any]:
    """A full run over four subjects (kk and ru, 30 texts each, none a form letter)."""
    ids = {subject: add_proposals(draft, subject_texts(subject, 30)) for subject in BASE_SUBJECTS}
    run = analysis_run(users["analyst"], "full")
    assert not ProposalGroup.objects.filter(run=run, kind="form_letter").exists()
    assert AnalysisState.objects.get(run=run).clusters is not None
    return {"run": run, "ids": ids, "version": draft}


def test_incremental_run_puts_a_near_copy_into_its_cluster_and_a_new_subject_into_new_clusters(
    clustered: dict[str, Any], users: dict[str, Any]
) -> None:
    base = clustered["run"]
    pensions = majority_group(base, clustered["ids"]["pensions"])
    ecology = majority_group(base, clustered["ids"]["ecology"])
    assert pensions.kind == "cluster" and pensions.key.startswith("c") and pensions != ecology
    sizes = {pensions.key: pensions.size, ecology.key: ecology.size}
    old_keys = set(ProposalGroup.objects.filter(run=base, kind="cluster").values_list("key", flat=True))
    near_ru, near_kk = add_proposals(clustered["version"], [NEAR_COPIES["pensions"], NEAR_COPIES["ecology"]], "almaty")
    animals = add_proposals(clustered["version"], subject_texts("animals", 30))
    run = analysis_run(users["analyst"], "incremental")
    joined_ru, joined_kk = group_of(run, near_ru), group_of(run, near_kk)
    assert (joined_ru.key, joined_kk.key) == (pensions.key, ecology.key)
    assert joined_ru.size == sizes[pensions.key] + 1 and joined_kk.size == sizes[ecology.key] + 1
    assert joined_ru.last_seen is not None and pensions.last_seen is not None
    assert joined_ru.regions.get("almaty") == 1 and joined_ru.last_seen >= pensions.last_seen
    # The new subject forms clusters of this run, not members of the old ones.
    new_keys = {group_of(run, pk).key for pk in animals}
    assert all(key.startswith(f"r{run.pk}c") for key in new_keys), new_keys
    assert old_keys <= set(ProposalGroup.objects.filter(run=run).values_list("key", flat=True))
    # The stored model: the old clusters and this run's new ones.
    model = stored_model(run)
    assert set(model.keys) == old_keys | new_keys
    for group in ProposalGroup.objects.filter(run=run, kind="cluster"):
        assert group.size == ProposalAnalysis.objects.filter(run=run, group=group).count()


def test_a_new_text_near_a_merged_cluster_joins_the_merge_target(
    clustered: dict[str, Any], users: dict[str, Any]
) -> None:
    from kenes.insights.actions import merge_groups

    base = clustered["run"]
    pensions = majority_group(base, clustered["ids"]["pensions"])
    transport = majority_group(base, clustered["ids"]["transport"])
    merge_groups(target=transport, sources=[pensions], user=users["analyst"])
    transport.refresh_from_db()
    size = transport.size
    (near,) = add_proposals(clustered["version"], [NEAR_COPIES["pensions"]])
    run = analysis_run(users["analyst"], "incremental")
    group = group_of(run, near)
    assert group.key == transport.key and group.merged_into_id is None
    assert group.size == size + 1
    merged = ProposalGroup.objects.get(run=run, key=pensions.key)
    assert merged.merged_into_id == group.pk and merged.size == 0


def test_cluster_state_survives_two_incremental_runs(clustered: dict[str, Any], users: dict[str, Any]) -> None:
    base = clustered["run"]
    pensions = majority_group(base, clustered["ids"]["pensions"])
    animals = add_proposals(clustered["version"], subject_texts("animals", 30))
    second = analysis_run(users["analyst"], "incremental")
    animal_group = majority_group(second, animals)
    assert animal_group.key.startswith(f"r{second.pk}c")
    animal_size = animal_group.size
    pension_size = ProposalGroup.objects.get(run=second, key=pensions.key).size
    near_animal, near_pension = add_proposals(
        clustered["version"], [NEAR_COPIES["animals"], NEAR_COPIES["pensions"]]
    )
    third = analysis_run(users["analyst"], "incremental")
    assert third.based_on_id == second.pk
    # The cluster the second run formed is known to the third: its near-copy joins it.
    joined = group_of(third, near_animal)
    assert joined.key == animal_group.key and joined.size == animal_size + 1
    assert group_of(third, near_pension).key == pensions.key
    assert ProposalGroup.objects.get(run=third, key=pensions.key).size == pension_size + 1
    model = stored_model(third)
    assert pensions.key in model.keys and animal_group.key in model.keys
    assert not any(key.startswith(f"r{third.pk}c") for key in model.keys)  # nothing new to cluster
    assert ProposalAnalysis.objects.filter(run=third).count() == Proposal.objects.count()


def test_a_state_without_clusters_falls_back_to_clustering_new_texts_anew(
    clustered: dict[str, Any], users: dict[str, Any]
) -> None:
    base = clustered["run"]
    AnalysisState.objects.filter(run=base).update(clusters=None)  # stored before cluster models existed
    pensions = majority_group(base, clustered["ids"]["pensions"])
    near = add_proposals(clustered["version"], [NEAR_COPIES["pensions"]])
    animals = add_proposals(clustered["version"], subject_texts("animals", 30))
    run = analysis_run(users["analyst"], "incremental")
    assert group_of(run, near[0]).key != pensions.key
    assert ProposalGroup.objects.get(run=run, key=pensions.key).size == pensions.size
    assert all(group_of(run, pk).key.startswith(f"r{run.pk}c") or group_of(run, pk).key == UNCLUSTERED
               for pk in [*near, *animals])
    # From here on the new clusters are kept: a model of this run's clusters only.
    model = stored_model(run)
    assert model.keys and all(key.startswith(f"r{run.pk}c") for key in model.keys)


def test_incremental_run_with_nothing_new_keeps_the_cluster_state(
    clustered: dict[str, Any], users: dict[str, Any]
) -> None:
    base_state = AnalysisState.objects.get(run=clustered["run"]).clusters
    assert base_state is not None
    run = analysis_run(users["analyst"], "incremental")
    assert AnalysisState.objects.get(run=run).clusters == base_state

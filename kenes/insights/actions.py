"""Writes of the insights app: analysis runs (start, execute, publish, recover), analysts'
corrections (each recorded and reversible), answers for whole groups, group assignment."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kenes.drafts.models import Article
from kenes.insights.models import (
    UNCLUSTERED,
    AnalysisRun,
    AnalysisState,
    Correction,
    CorrectionKind,
    GroupKind,
    ProposalAnalysis,
    ProposalGroup,
    RunKind,
    RunStatus,
    ThemeLabel,
    pack,
)
from kenes.nlp import clusters, dedup, pipeline
from kenes.nlp.text import normalize
from kenes.nlp.themes import THEMES, ThemeModel, classify_batch
from kenes.proposals.actions import can_answer, record_change
from kenes.proposals.models import ANSWER_STATUSES, Proposal, ProposalChange, Status

BATCH = 2000
STALE_AFTER = timedelta(seconds=getattr(settings, "KENES_ANALYSIS_STALE_SECONDS", 600))
MIN_LABELS_TO_TRAIN = 20
HEARTBEAT_SECONDS = 30.0

logger = logging.getLogger(__name__)


class InsightsError(Exception):
    """An action that cannot be done; str(error) is a translated message for the person."""


def require_analyst(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_analyst:
        raise PermissionDenied


def current_run() -> AnalysisRun | None:
    return AnalysisRun.objects.current()


# ---------------------------------------------------------------- runs


def stale_after() -> timedelta:
    """How long a running run may go without a heartbeat before it is taken for dead:
    `KENES_ANALYSIS_STALE_SECONDS` from the environment (or settings), else STALE_AFTER. Keep it
    well above HEARTBEAT_SECONDS: a shorter one would interrupt runs that are alive."""
    value = os.environ.get("KENES_ANALYSIS_STALE_SECONDS", "").strip()
    if not value:
        return STALE_AFTER
    try:
        seconds = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"KENES_ANALYSIS_STALE_SECONDS must be a number of seconds, not {value!r}") from None
    if not seconds > 0:
        raise ImproperlyConfigured("KENES_ANALYSIS_STALE_SECONDS must be more than 0")
    return timedelta(seconds=seconds)


def recover_stale_runs(*, now: datetime | None = None) -> list[AnalysisRun]:
    """Runs whose worker stopped (no heartbeat for `stale_after()`) are marked interrupted, their
    half-written results removed and their queue entries marked failed. Returns them."""
    from kenes.insights.tasks import abandon_task

    now = now or timezone.now()
    recovered = []
    for run in list(AnalysisRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=now - stale_after())):
        updated = AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, heartbeat_at=run.heartbeat_at).update(
            status=RunStatus.INTERRUPTED,
            finished_at=now,
            error="The worker stopped before the run was finished; its partial results were removed.",
        )
        if updated:
            discard_unpublished(run)
            abandon_task(run.task_id)
            recovered.append(run)
    return recovered


def discard_unpublished(run: AnalysisRun) -> None:
    """Remove everything a run that failed or was interrupted wrote, the corrections carried into it
    from the published run included (that run was never visible: nobody corrected it by hand)."""
    if AnalysisRun.objects.filter(pk=run.pk, current=True).exists():
        return
    Correction.objects.filter(run=run).delete()
    discard_results(run)


def discard_results(run: AnalysisRun) -> None:
    """Remove what a run that is not current has written (its corrections stay: for a replaced
    published run they are the history of who changed what)."""
    if AnalysisRun.objects.filter(pk=run.pk, current=True).exists():
        return
    ProposalAnalysis.objects.filter(run=run).delete()
    ProposalGroup.objects.filter(run=run).update(merged_into=None)
    ProposalGroup.objects.filter(run=run).delete()
    AnalysisState.objects.filter(run=run).delete()


def start_analysis(*, user: Any, kind: str = RunKind.FULL, restart_stale: bool = True) -> AnalysisRun:
    """Queue a run (a background task). Refused while another run is queued or running; stale runs
    are recovered first. An incremental run with nothing published yet becomes a full run."""
    if user is not None:
        require_analyst(user)
    if kind not in RunKind.values:
        raise InsightsError(_("Unknown kind of analysis run."))
    if restart_stale:
        recover_stale_runs()
    with transaction.atomic():
        if AnalysisRun.objects.select_for_update().active().exists():
            raise InsightsError(_("An analysis is already queued or running."))
        base = current_run()
        if base is None:
            kind = RunKind.FULL
        run = AnalysisRun.objects.create(kind=kind, created_by=user, based_on=base, phase="queued")
    from kenes.insights.tasks import run_analysis

    result = run_analysis.enqueue(run.pk)
    AnalysisRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def _beat(run: AnalysisRun, **fields: Any) -> None:
    fields["heartbeat_at"] = timezone.now()
    for name, value in fields.items():
        setattr(run, name, value)
    AnalysisRun.objects.filter(pk=run.pk).update(**fields)


@contextmanager
def heartbeat(run: AnalysisRun, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Keep the run's heartbeat fresh from a thread while a long step (the pipeline) runs, so that
    `recover_stale_runs` does not take a slow run for a dead one."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as error:  # e.g. SQLite busy with the run's own writes: beat again later
                    logger.warning("analysis run %s: heartbeat not written (%s)", run.pk, error)
                    connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"kenes-run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@dataclass
class Export:
    path: Path
    ids: list[int] = field(default_factory=list)
    created: list[float] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    article_numbers: list[int | None] = field(default_factory=list)


def export_proposals(run: AnalysisRun, path: Path, *, after_id: int, expected: int) -> Export:
    """Stream the proposals with id > after_id (in id order) into a JSONL file for the pipeline."""
    export = Export(path=path)
    rows = (
        Proposal.objects.filter(pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "text", "region", "created_at", "article__number")
    )
    with path.open("w", encoding="utf-8") as out:
        for n, (pk, text, region, created_at, article_number) in enumerate(rows.iterator(chunk_size=BATCH), start=1):
            out.write(json.dumps({"id": str(pk), "text": text, "region": region}, ensure_ascii=False) + "\n")
            export.ids.append(pk)
            export.created.append(created_at.timestamp())
            export.regions.append(region)
            export.article_numbers.append(article_number)
            if n % BATCH == 0:
                _beat(run, analysed=n, progress=min(30, 30 * n // max(expected, 1)))
    return export


def train_theme_model() -> ThemeModel | None:
    """A theme model trained on the analysts' labels, when there are enough of them."""
    labels = list(ThemeLabel.objects.exclude(themes=[]).values_list("proposal__text", "themes")[:50_000])
    distinct = {slug for _text, themes in labels for slug in themes}
    if len(labels) < MIN_LABELS_TO_TRAIN or len(distinct) < 2:
        return None
    return ThemeModel().fit([text for text, _t in labels], [themes for _t, themes in labels])


@dataclass
class GroupStats:
    regions: Counter[str] = field(default_factory=Counter)
    size: int = 0
    first: float | None = None
    last: float | None = None

    def add(self, region: str, created: float) -> None:
        self.size += 1
        if region:
            self.regions[region] += 1
        self.first = created if self.first is None else min(self.first, created)
        self.last = created if self.last is None else max(self.last, created)


def _aware(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=timezone.get_current_timezone())


def copy_forward(run: AnalysisRun, base: AnalysisRun) -> dict[str, ProposalGroup]:
    """Copy the results of the published run (with the analysts' corrections) under the new run.
    Returns the new run's groups by key."""
    old_groups = list(ProposalGroup.objects.filter(run=base).order_by("pk"))
    new_groups = ProposalGroup.objects.bulk_create(
        [
            ProposalGroup(
                run=run,
                kind=g.kind,
                key=g.key,
                label=g.label,
                terms=g.terms,
                summary=g.summary,
                representative_id=g.representative_id,
                representative_text=g.representative_text,
                representatives=g.representatives,
                language=g.language,
                size=g.size,
                regions=g.regions,
                first_seen=g.first_seen,
                last_seen=g.last_seen,
                assigned_to_id=g.assigned_to_id,
            )
            for g in old_groups
        ],
        batch_size=500,
    )
    mapping = {old.pk: new.pk for old, new in zip(old_groups, new_groups, strict=True)}
    merged = [(mapping[g.pk], mapping.get(g.merged_into_id or 0)) for g in old_groups if g.merged_into_id]
    for new_pk, target in merged:
        ProposalGroup.objects.filter(pk=new_pk).update(merged_into_id=target)
    for old, new in zip(old_groups, new_groups, strict=True):  # the returned groups know their merges
        new.merged_into_id = mapping.get(old.merged_into_id or 0)
    rows = (
        ProposalAnalysis.objects.filter(run=base)
        .order_by("pk")
        .values_list("proposal_id", "group_id", "language", "script", "themes", "theme", "articles", "article_number")
    )
    batch: list[ProposalAnalysis] = []
    for proposal_id, group_id, language, script, themes, theme, articles, article_number in rows.iterator(
        chunk_size=BATCH
    ):
        batch.append(
            ProposalAnalysis(
                run=run,
                proposal_id=proposal_id,
                group_id=mapping.get(group_id) if group_id else None,
                language=language,
                script=script,
                themes=themes,
                theme=theme,
                articles=articles,
                article_number=article_number,
            )
        )
        if len(batch) >= BATCH:
            ProposalAnalysis.objects.bulk_create(batch)
            batch = []
            _beat(run)
    ProposalAnalysis.objects.bulk_create(batch)
    return {g.key: g for g in new_groups}


def cluster_prefix(run: AnalysisRun) -> str:
    """Key prefix of the clusters a run forms: "c" (c0, c1 …) for a full run, "r<run>c" for an
    incremental one (its clusters sit beside the copied ones)."""
    return f"r{run.pk}c" if run.kind == RunKind.INCREMENTAL else "c"


def live_group(group: ProposalGroup, by_pk: dict[int, ProposalGroup]) -> ProposalGroup:
    """The group an analyst merged `group` into (following merges of merges), or `group` itself."""
    seen = {group.pk}
    while group.merged_into_id and group.merged_into_id in by_pk and group.merged_into_id not in seen:
        group = by_pk[group.merged_into_id]
        seen.add(group.pk)
    return group


def store_results(
    run: AnalysisRun,
    export: Export,
    result: pipeline.AnalysisResult,
    groups_by_key: dict[str, ProposalGroup],
    joined_keys: Sequence[str] = (),
) -> None:
    """Groups and per-proposal rows of the analysed proposals, under the run. `joined_keys`: the keys
    of the cluster model given to the pipeline (`result.joined` indexes them): a proposal that joined
    an earlier cluster goes to that cluster's group, or to the group an analyst merged it into."""
    n = len(result)
    row_of_id = {pk: i for i, pk in enumerate(export.ids)}
    rows = [row_of_id[int(rid)] for rid in result.ids]  # export row of each analysed record
    labels = (
        dict(
            ThemeLabel.objects.filter(proposal_id__in=[export.ids[r] for r in rows]).values_list(
                "proposal_id", "themes"
            )
        )
        if n <= 50_000
        else None
    )
    model = train_theme_model()
    # Form-letter groups: new keys become new groups; known keys (incremental) grow.
    touched: dict[str, GroupStats] = defaultdict(GroupStats)
    new_groups: list[ProposalGroup] = []
    gids = result.groups
    if (gids != 0).any():
        uniq, first = np.unique(gids[gids != 0], return_index=True)
        first_rows = np.flatnonzero(gids != 0)[first]
        order = np.argsort(first_rows)
        texts = result.text_of([int(first_rows[j]) for j in order])
        for j, text in zip(order, texts, strict=True):
            key = dedup.group_id_str(int(uniq[j])) or ""
            if key in groups_by_key:
                continue
            i = int(first_rows[j])
            new_groups.append(
                ProposalGroup(
                    run=run,
                    kind=GroupKind.FORM_LETTER,
                    key=key,
                    representative_id=export.ids[rows[i]],
                    representative_text=text,
                    label=" ".join(text.split()[:12])[:300],
                    language=pipeline.LANGUAGES[int(result.languages[i])],
                )
            )
    prefix = cluster_prefix(run)
    for info in result.cluster_info:
        rep_ids = [export.ids[rows[r]] for r in info.representatives]
        rep_text = result.text_of(info.representatives[:1])[0] if info.representatives else ""
        new_groups.append(
            ProposalGroup(
                run=run,
                kind=GroupKind.CLUSTER,
                key=f"{prefix}{info.id}",
                label=info.label[:300],
                terms=info.terms,
                summary=info.summary,
                representative_id=rep_ids[0] if rep_ids else None,
                representative_text=rep_text,
                representatives=rep_ids,
                language=info.language,
            )
        )
    if UNCLUSTERED not in groups_by_key and bool(((gids == 0) & (result.cluster_ids < 0)).any()):
        # Texts without any term to cluster on (very short, digits only …) still need an answer.
        new_groups.append(ProposalGroup(run=run, kind=GroupKind.CLUSTER, key=UNCLUSTERED))
    for group in ProposalGroup.objects.bulk_create(new_groups, batch_size=500):
        groups_by_key[group.key] = group
    by_pk = {g.pk: g for g in groups_by_key.values()}
    joined = result.joined if len(result.joined) == n else np.full(n, -1, dtype=np.int32)
    _beat(run, phase="storing", progress=65)
    batch: list[ProposalAnalysis] = []
    for start in range(0, n, BATCH):
        stop = min(n, start + BATCH)
        model_themes: list[list[str]] | None = None
        if model is not None:
            model_themes = [
                [hit.slug for hit in hits]
                for hits in classify_batch(result.text_of(list(range(start, stop))), model=model)
            ]
        chunk_labels = (
            labels
            if labels is not None
            else dict(
                ThemeLabel.objects.filter(
                    proposal_id__in=[export.ids[rows[i]] for i in range(start, stop)]
                ).values_list("proposal_id", "themes")
            )
        )
        for i in range(start, stop):
            r = rows[i]
            pk = export.ids[r]
            if pk in chunk_labels:
                themes = list(chunk_labels[pk])
            elif model_themes is not None:
                themes = model_themes[i - start]
            else:
                themes = result.theme_slugs(i)
            refs = result.articles(i)
            article_number = (
                export.article_numbers[r] if export.article_numbers[r] is not None else (refs[0] if refs else None)
            )
            if article_number is not None and article_number not in refs:
                refs = [article_number, *refs]
            gid = int(gids[i])
            cluster = int(result.cluster_ids[i])
            if gid:
                member_key = dedup.group_id_str(gid)
            elif joined[i] >= 0:
                member_key = joined_keys[int(joined[i])]
            else:
                member_key = f"{prefix}{cluster}" if cluster >= 0 else UNCLUSTERED
            member_group = groups_by_key.get(member_key) if member_key else None
            if member_group is not None and member_group.merged_into_id:
                member_group = live_group(member_group, by_pk)
            if member_group is not None:
                touched[member_group.key].add(export.regions[r], export.created[r])
            batch.append(
                ProposalAnalysis(
                    run=run,
                    proposal_id=pk,
                    group=member_group,
                    language=pipeline.LANGUAGES[int(result.languages[i])],
                    script=pipeline.SCRIPTS[int(result.scripts[i])],
                    themes=pack(themes)[:300],
                    theme=themes[0] if themes else "",
                    articles=pack(refs)[:300],
                    article_number=article_number,
                )
            )
        ProposalAnalysis.objects.bulk_create(batch)
        batch = []
        _beat(run, analysed=stop, progress=65 + 30 * stop // max(n, 1))
    update_group_stats(groups_by_key, touched)


def update_group_stats(groups_by_key: dict[str, ProposalGroup], touched: dict[str, GroupStats]) -> None:
    changed = []
    for key, stats in touched.items():
        group = groups_by_key[key]
        regions = Counter(group.regions)
        regions.update(stats.regions)
        group.regions = dict(regions)
        group.size += stats.size
        first, last = _aware(stats.first), _aware(stats.last)
        group.first_seen = min(filter(None, [group.first_seen, first]), default=None)
        group.last_seen = max(filter(None, [group.last_seen, last]), default=None)
        changed.append(group)
    ProposalGroup.objects.bulk_update(changed, ["regions", "size", "first_seen", "last_seen"], batch_size=500)


def execute_run(*, run_id: int) -> str:
    """The body of the background task: analyse, store under the run, publish. Returns the status."""
    now = timezone.now()
    claimed = AnalysisRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        phase="reading",
    )
    if not claimed:
        return "skipped"
    run = AnalysisRun.objects.get(pk=run_id)
    try:
        publish_run(run, analyse(run))
    except Exception as exc:
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        discard_unpublished(run)
        raise
    return RunStatus.DONE


def analyse(run: AnalysisRun) -> dict[str, Any]:
    base = run.based_on if run.kind == RunKind.INCREMENTAL else None
    index = dedup.DedupIndex()
    model: clusters.ClusterModel | None = None
    stored_clusters: bytes | None = None
    after_id = 0
    groups_by_key: dict[str, ProposalGroup] = {}
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kenes-analysis-") as tmp:
        buffer = Path(tmp) / "dedup.npz"
        if base is not None:
            state = AnalysisState.objects.filter(run=base).first()
            if state is None:
                raise InsightsError("the published run has no stored dedup state; start a full run")
            buffer.write_bytes(bytes(state.dedup))
            index = dedup.DedupIndex.load(buffer)
            after_id = base.last_proposal_id
            _beat(run, phase="copying")
            groups_by_key = copy_forward(run, base)
            if state.clusters is not None:  # None: a state from before cluster models, new texts cluster anew
                stored_clusters = bytes(state.clusters)
                kept = [key for key, g in groups_by_key.items() if g.kind == GroupKind.CLUSTER]
                model = clusters.ClusterModel.from_bytes(stored_clusters).subset(kept)
        expected = Proposal.objects.filter(pk__gt=after_id).count()
        _beat(run, total=expected, phase="reading")
        export = export_proposals(run, Path(tmp) / "proposals.jsonl", after_id=after_id, expected=expected)
        _beat(run, phase="analysing", progress=30, total=len(export.ids))
        if export.ids:
            with heartbeat(run):
                result = pipeline.analyze_file(
                    export.path,
                    workers=1,
                    index=index,
                    progress=False,
                    report=errors.append,
                    model=model,
                    cluster_prefix=cluster_prefix(run),
                )
            store_results(run, export, result, groups_by_key, joined_keys=model.keys if model is not None else ())
            summary = result.summary(groups_listed=0)
            if result.cluster_model is not None:
                stored_clusters = result.cluster_model.to_bytes()
        else:
            summary = {"proposals": 0}
        index.save(buffer)
        AnalysisState.objects.create(run=run, dedup=buffer.read_bytes(), clusters=stored_clusters)
    carried = None
    if run.kind == RunKind.FULL and run.based_on_id is not None:  # analysts' group corrections of the published run
        from kenes.insights.carry import carry_corrections  # here: carry.py uses this module

        carried = carry_corrections(run, run.based_on).as_summary()
    last_id = max(export.ids, default=base.last_proposal_id if base is not None else 0)
    live = ProposalGroup.objects.filter(run=run).live()
    return {
        "last_proposal_id": last_id,
        "new_proposals": len(export.ids),
        "groups_count": live.filter(kind=GroupKind.FORM_LETTER).count(),
        "clusters_count": live.filter(kind=GroupKind.CLUSTER).count(),
        "summary": {
            "new_proposals": len(export.ids),
            "skipped": errors[:20],
            "languages": summary.get("languages", {}),
            "timings_seconds": summary.get("timings_seconds", {}),
            "carried": carried,
        },
    }


def publish_run(run: AnalysisRun, figures: dict[str, Any]) -> None:
    """Make the run's results the visible ones, in one transaction; then remove older results."""
    with transaction.atomic():
        if not AnalysisRun.objects.select_for_update().filter(pk=run.pk, status=RunStatus.RUNNING).exists():
            raise InsightsError("the run was stopped while it was being published")
        previous = list(AnalysisRun.objects.filter(current=True).values_list("pk", flat=True))
        AnalysisRun.objects.filter(current=True).update(current=False)
        AnalysisRun.objects.filter(pk=run.pk).update(
            current=True,
            status=RunStatus.DONE,
            progress=100,
            phase="done",
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            last_proposal_id=figures["last_proposal_id"],
            groups_count=figures["groups_count"],
            clusters_count=figures["clusters_count"],
            summary=figures["summary"],
            analysed=ProposalAnalysis.objects.filter(run=run).count(),
        )
    for old in AnalysisRun.objects.filter(pk__in=previous):
        discard_results(old)


# ---------------------------------------------------------------- corrections


def _current_analysis(proposal: Proposal) -> ProposalAnalysis:
    run = current_run()
    analysis = ProposalAnalysis.objects.filter(run=run, proposal=proposal).first() if run else None
    if analysis is None:
        raise InsightsError(_("This proposal is not in the current analysis yet."))
    return analysis


def clean_themes(themes: Iterable[str]) -> list[str]:
    result: list[str] = []
    for slug in themes:
        if slug not in THEMES:
            raise InsightsError(_("Unknown theme: %(theme)s.") % {"theme": str(slug)[:40]})
        if slug not in result:
            result.append(slug)
    return result


def set_themes(*, proposal: Proposal, user: Any, themes: Sequence[str]) -> Correction:
    """Give a proposal the themes an analyst chose; the label trains the theme model next run."""
    require_analyst(user)
    chosen = clean_themes(themes)
    analysis = _current_analysis(proposal)
    with transaction.atomic():
        before = analysis.theme_list
        ThemeLabel.objects.update_or_create(proposal=proposal, defaults={"themes": chosen, "user": user})
        _write_themes(analysis, chosen)
        return Correction.objects.create(
            kind=CorrectionKind.THEMES,
            run=analysis.run,
            proposal=proposal,
            user=user,
            before={"themes": before},
            after={"themes": chosen},
        )


def _write_themes(analysis: ProposalAnalysis, themes: list[str]) -> None:
    analysis.themes = pack(themes)
    analysis.theme = themes[0] if themes else ""
    analysis.save(update_fields=["themes", "theme"])


def set_article(*, proposal: Proposal, user: Any, article: Article | None) -> Correction:
    """Attach a proposal to another article of its version (or to the draft as a whole)."""
    require_analyst(user)
    if article is not None and article.version_id != proposal.version_id:
        raise InsightsError(_("This article does not belong to the version of the proposal."))
    analysis = _current_analysis(proposal)
    with transaction.atomic():
        before = {"article": proposal.article_id, "number": analysis.article_number}
        record_change(
            proposal=proposal,
            user=user,
            field="article",
            before=proposal.article_id,
            after=article.pk if article else None,
        )
        proposal.article = article
        proposal.save(update_fields=["article"])
        _write_article(analysis, article.number if article else None)
        return Correction.objects.create(
            kind=CorrectionKind.ARTICLE,
            run=analysis.run,
            proposal=proposal,
            user=user,
            before=before,
            after={"article": article.pk if article else None, "number": article.number if article else None},
        )


def _write_article(analysis: ProposalAnalysis, number: int | None) -> None:
    refs = [n for n in analysis.article_list if n != analysis.article_number]
    if number is not None:
        refs = [number, *[n for n in refs if n != number]]
    analysis.article_number = number
    analysis.articles = pack(refs)
    analysis.save(update_fields=["article_number", "articles"])


def refresh_groups(group_ids: Iterable[int | None]) -> None:
    """Size, regions, first and last seen of groups, from their members (one query)."""
    ids = [pk for pk in set(group_ids) if pk]
    if not ids:
        return
    stats: dict[int, GroupStats] = {pk: GroupStats() for pk in ids}
    first: dict[int, datetime] = {}
    last: dict[int, datetime] = {}
    rows = (
        ProposalAnalysis.objects.filter(group_id__in=ids)
        .values("group_id", "proposal__region")
        .annotate(n=Count("pk"), first=Min("proposal__created_at"), last=Max("proposal__created_at"))
        .order_by()
    )
    for row in rows:
        gid = row["group_id"]
        stats[gid].size += row["n"]
        if row["proposal__region"]:
            stats[gid].regions[row["proposal__region"]] += row["n"]
        first[gid] = min(first.get(gid, row["first"]), row["first"])
        last[gid] = max(last.get(gid, row["last"]), row["last"])
    groups = list(ProposalGroup.objects.filter(pk__in=ids))
    for group in groups:
        group.size = stats[group.pk].size
        group.regions = dict(stats[group.pk].regions)
        group.first_seen = first.get(group.pk)
        group.last_seen = last.get(group.pk)
    ProposalGroup.objects.bulk_update(groups, ["size", "regions", "first_seen", "last_seen"])


def _group_in_current_run(group: ProposalGroup) -> AnalysisRun:
    run = current_run()
    if run is None or group.run_id != run.pk:
        raise InsightsError(_("This group belongs to an earlier analysis."))
    if group.merged_into_id:
        raise InsightsError(_("This group was merged into another one."))
    return run


def move_proposal(*, proposal: Proposal, user: Any, group: ProposalGroup | None) -> Correction:
    """Move a proposal into another group of the current analysis (None: out of any group)."""
    require_analyst(user)
    analysis = _current_analysis(proposal)
    if group is not None:
        _group_in_current_run(group)
    if analysis.group_id == (group.pk if group else None):
        raise InsightsError(_("The proposal is already in this group."))
    with transaction.atomic():
        before = analysis.group_id
        analysis.group = group
        analysis.save(update_fields=["group"])
        refresh_groups([before, group.pk if group else None])
        return Correction.objects.create(
            kind=CorrectionKind.MOVE,
            run=analysis.run,
            proposal=proposal,
            group=group,
            user=user,
            before={"group": before},
            after={"group": group.pk if group else None},
        )


def merge_groups(*, target: ProposalGroup, sources: Sequence[ProposalGroup], user: Any) -> Correction:
    """Move every member of the source groups into the target; the sources stay, marked merged."""
    require_analyst(user)
    run = _group_in_current_run(target)
    sources = [g for g in sources if g.pk != target.pk]
    if not sources:
        raise InsightsError(_("Choose at least one other group to merge."))
    for source in sources:
        _group_in_current_run(source)
    with transaction.atomic():
        members = {
            str(source.pk): list(ProposalAnalysis.objects.filter(group=source).values_list("pk", flat=True))
            for source in sources
        }
        ProposalAnalysis.objects.filter(group__in=sources).update(group=target)
        ProposalGroup.objects.filter(pk__in=[g.pk for g in sources]).update(merged_into=target)
        refresh_groups([target.pk, *[g.pk for g in sources]])
        return Correction.objects.create(
            kind=CorrectionKind.MERGE,
            run=run,
            group=target,
            user=user,
            before={"members": members},
            after={"target": target.pk},
        )


def split_group(*, group: ProposalGroup, proposal_ids: Sequence[int], user: Any, label: str = "") -> Correction:
    """Move the chosen members of a group into a new group of the same kind."""
    require_analyst(user)
    run = _group_in_current_run(group)
    rows = list(
        ProposalAnalysis.objects.filter(group=group, proposal_id__in=list(proposal_ids)[:10_000]).values_list(
            "pk", "proposal_id"
        )
    )
    if not rows:
        raise InsightsError(_("Choose the proposals to move into the new group."))
    if len(rows) >= group.size:
        raise InsightsError(_("A split must leave at least one proposal in the group."))
    with transaction.atomic():
        first = Proposal.objects.filter(pk=rows[0][1]).values_list("text", flat=True).first() or ""
        new = ProposalGroup.objects.create(
            run=run,
            kind=group.kind,
            key=f"split-{group.pk}-{timezone.now().timestamp():.0f}",
            label=normalize(label)[:300] or " ".join(first.split()[:12])[:300],
            representative_id=rows[0][1],
            representative_text=first,
            language=group.language,
            assigned_to=group.assigned_to,
        )
        ProposalAnalysis.objects.filter(pk__in=[pk for pk, _p in rows]).update(group=new)
        refresh_groups([group.pk, new.pk])
        return Correction.objects.create(
            kind=CorrectionKind.SPLIT,
            run=run,
            group=group,
            user=user,
            before={"group": group.pk, "members": [pk for pk, _p in rows]},
            after={"new_group": new.pk},
        )


def assign_group(*, group: ProposalGroup, user: Any, assignee: Any | None) -> Correction:
    require_analyst(user)
    if assignee is not None and not assignee.is_analyst:
        raise InsightsError(_("Groups can be assigned to analysts only."))
    run = _group_in_current_run(group)
    with transaction.atomic():
        before = group.assigned_to_id
        group.assigned_to = assignee
        group.save(update_fields=["assigned_to"])
        return Correction.objects.create(
            kind=CorrectionKind.ASSIGN,
            run=run,
            group=group,
            user=user,
            before={"user": before},
            after={"user": assignee.pk if assignee else None},
        )


def undo_correction(*, correction: Correction, user: Any) -> Correction:
    """Reverse a correction. Group changes can be undone only on the analysis they were made on."""
    require_analyst(user)
    if correction.undone_at is not None:
        raise InsightsError(_("This change was already undone."))
    run = current_run()
    kind = correction.kind
    if kind not in (CorrectionKind.THEMES, CorrectionKind.ARTICLE) and (run is None or correction.run_id != run.pk):
        raise InsightsError(_("This change was made on an earlier analysis and cannot be undone now."))
    with transaction.atomic():
        if kind == CorrectionKind.THEMES:
            assert correction.proposal is not None
            themes = list(correction.before.get("themes", []))
            ThemeLabel.objects.update_or_create(proposal=correction.proposal, defaults={"themes": themes, "user": user})
            analysis = ProposalAnalysis.objects.filter(run=run, proposal=correction.proposal).first()
            if analysis is not None:
                _write_themes(analysis, themes)
        elif kind == CorrectionKind.ARTICLE:
            proposal = correction.proposal
            assert proposal is not None
            article_id = correction.before.get("article")
            record_change(proposal=proposal, user=user, field="article", before=proposal.article_id, after=article_id)
            Proposal.objects.filter(pk=proposal.pk).update(article_id=article_id)
            analysis = ProposalAnalysis.objects.filter(run=run, proposal=proposal).first()
            if analysis is not None:
                _write_article(analysis, correction.before.get("number"))
        elif kind == CorrectionKind.MOVE:
            analysis = ProposalAnalysis.objects.filter(run=run, proposal=correction.proposal).first()
            if analysis is not None:
                now_in = analysis.group_id
                analysis.group_id = correction.before.get("group")
                analysis.save(update_fields=["group"])
                refresh_groups([now_in, analysis.group_id])
        elif kind == CorrectionKind.MERGE:
            touched: list[int | None] = [correction.group_id]
            for source_pk, member_ids in correction.before.get("members", {}).items():
                ProposalAnalysis.objects.filter(run=run, pk__in=member_ids).update(group_id=int(source_pk))
                ProposalGroup.objects.filter(pk=int(source_pk)).update(merged_into=None)
                touched.append(int(source_pk))
            refresh_groups(touched)
        elif kind == CorrectionKind.SPLIT:
            new_pk = correction.after.get("new_group")
            ProposalAnalysis.objects.filter(run=run, group_id=new_pk).update(group_id=correction.before["group"])
            ProposalGroup.objects.filter(pk=new_pk).delete()
            refresh_groups([correction.before["group"]])
        elif kind == CorrectionKind.ASSIGN:
            ProposalGroup.objects.filter(pk=correction.group_id or 0).update(
                assigned_to_id=correction.before.get("user")
            )
        correction.undone_at = timezone.now()
        correction.undone_by = user
        correction.save(update_fields=["undone_at", "undone_by"])
    return correction


# ---------------------------------------------------------------- answers at scale


@dataclass
class GroupAnswer:
    answered: int
    unchanged: int
    skipped_hidden: int
    mails: int


def clean_answer(text: str) -> str:
    answer = "\n".join(normalize(line) for line in (text or "").splitlines()).strip()
    if len(answer) > settings.KENES_PROPOSAL_MAX_CHARS * 2:
        raise InsightsError(_("The answer is too long."))
    return answer


def answer_group(
    *,
    group: ProposalGroup,
    user: Any,
    status: str,
    text_kk: str,
    text_ru: str,
    notify: bool = True,
    send: Callable[[list[mail.EmailMessage]], int] | None = None,
) -> GroupAnswer:
    """One answer and status for every (not hidden) member of a group: each proposal gets the text
    in its language (Kazakh for Kazakh, Russian otherwise; the other text when one is empty). Every
    change is recorded in ProposalChange as `answer_proposal` does; authors get one mail each."""
    if not can_answer(user):
        raise PermissionDenied
    _group_in_current_run(group)
    if status not in Status.values:
        raise InsightsError(_("Unknown status: %(status)s.") % {"status": str(status)[:40]})
    kk, ru = clean_answer(text_kk), clean_answer(text_ru)
    if status in ANSWER_STATUSES and not (kk or ru):
        raise InsightsError(_("An official answer needs a text."))
    now = timezone.now()
    members = (
        Proposal.objects.filter(analyses__group=group)
        .order_by("pk")
        .values_list("pk", "language", "status", "answer_text", "is_hidden")
    )
    answered: list[int] = []
    unchanged = hidden = 0
    with transaction.atomic():
        changes: list[ProposalChange] = []
        by_text: dict[str, list[int]] = defaultdict(list)
        for pk, language, old_status, old_text, is_hidden in members.iterator(chunk_size=BATCH):
            if is_hidden:
                hidden += 1
                continue
            answer = (kk or ru) if language == "kk" else (ru or kk)
            if old_status == status and old_text == answer:
                unchanged += 1
                continue
            if old_status != status:
                changes.append(
                    ProposalChange(proposal_id=pk, user=user, field="status", before=old_status, after=status)
                )
            if old_text != answer:
                changes.append(
                    ProposalChange(proposal_id=pk, user=user, field="answer_text", before=old_text, after=answer)
                )
            by_text[answer].append(pk)
            answered.append(pk)
        ProposalChange.objects.bulk_create(changes, batch_size=1000)
        for answer, ids in by_text.items():
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                fields: dict[str, Any] = {"status": status, "answer_text": answer}
                if status in ANSWER_STATUSES:
                    fields.update(answered_at=now, answered_by=user)
                Proposal.objects.filter(pk__in=chunk).update(**fields)
    mails = 0
    if notify and status in ANSWER_STATUSES and answered:
        mails = notify_authors(proposal_ids=answered, send=send)
    return GroupAnswer(answered=len(answered), unchanged=unchanged, skipped_hidden=hidden, mails=mails)


def notify_authors(*, proposal_ids: Sequence[int], send: Callable[[list[mail.EmailMessage]], int] | None = None) -> int:
    """One e-mail per author (with an address) about their answered proposals, in their language."""
    by_author: dict[int, list[Proposal]] = defaultdict(list)
    authors: dict[int, Any] = {}
    for start in range(0, len(proposal_ids), BATCH):
        chunk = (
            Proposal.objects.filter(pk__in=proposal_ids[start : start + BATCH], author__isnull=False)
            .exclude(author__email="")
            .select_related("author")
            .only("receipt_code", "status", "answer_text", "author__email", "author__preferred_language")
        )
        for proposal in chunk:
            assert proposal.author is not None
            authors[proposal.author.pk] = proposal.author
            by_author[proposal.author.pk].append(proposal)
    messages = []
    site = settings.SITE_URL.rstrip("/")
    for author_id, proposals in by_author.items():
        author = authors[author_id]
        language = author.preferred_language if author.preferred_language in ("kk", "ru", "en") else "kk"
        with translation.override(language):
            lines = [
                _("Your proposal has received an official answer.")
                if len(proposals) == 1
                else _("Your proposals have received official answers."),
                "",
            ]
            for proposal in proposals[:50]:
                lines.append(f"{proposal.receipt_code} · {Status(proposal.status).label}")
                lines.append(proposal.answer_text)
                lines.append(site + reverse("proposals:detail", args=[proposal.receipt_code]))
                lines.append("")
            messages.append(
                mail.EmailMessage(
                    subject=_("An answer to your proposal"),
                    body="\n".join(lines),
                    to=[author.email],
                )
            )
    if not messages:
        return 0
    if send is not None:
        return send(messages)
    with mail.get_connection() as connection:
        return connection.send_messages(messages) or 0

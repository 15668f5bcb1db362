"""Carry the analysts' group corrections into a full run.

A full run analyses everything from scratch, so the moves, merges, splits and assignments that
analysts made on the published run would be lost. `carry_corrections` replays them on the new
run after its groups and rows are stored and before it is published (inside the run's
lifecycle: an exception fails the run and `actions.execute_run` removes its results; the replay
itself is one transaction, so no carried correction outlives a failed carry).

Groups are mapped through membership: a group of the old run maps to the new group that holds
most of its members, ties going to the larger new group (a form-letter group with the same key
first: form-letter keys are stable). The members are those the group had when the correction
was made: the published run's final membership with the later corrections taken back (they hold
what undo needs), so a proposal moved or merged into a group afterwards does not pull the
mapping. Each replay is recorded as a new `Correction` on the new run (same kind and author,
`after["carried_from"]` = the old correction), so it is listed and can be undone like any other.
A correction that cannot be replayed is reported in the run's summary, not fatal.

Corrections of an incremental run's predecessors count too (an incremental run copies the
grouping forward but not the corrections), back to the last full run. Their groups were removed
with their run, so a move is replayed through the group its proposal sits in on the published
run, a split through its group's key (`split-<group>-<time>`); merges and assignments whose
groups are gone are reported as skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from kenes.insights import actions
from kenes.insights.models import (
    AnalysisRun,
    Correction,
    CorrectionKind,
    GroupKind,
    ProposalAnalysis,
    ProposalGroup,
    RunKind,
)
from kenes.nlp.text import normalize
from kenes.proposals.models import Proposal

CARRIED_KINDS = (CorrectionKind.MOVE, CorrectionKind.MERGE, CorrectionKind.SPLIT, CorrectionKind.ASSIGN)
CHUNK = 900  # ids per IN (…) list, under SQLite's older 999-variable limit
LISTED = 50  # skipped corrections listed in the run's summary
PASSES = 3  # corrections made on the published run while carrying are picked up by another pass

# Why a correction was not replayed (codes stored in the run's summary; the run list translates them).
PROPOSAL_GONE = "proposal_gone"  # the moved proposal is not in the new run
PROPOSALS_GONE = "proposals_gone"  # none of the split-off proposals is left
GROUP_GONE = "group_gone"  # its groups no longer exist or none of their members is left
USER_GONE = "user_gone"  # the assignee's account was removed


@dataclass
class Skipped:
    correction: int
    kind: str
    reason: str


@dataclass
class CarryReport:
    carried: list[tuple[int, int]] = field(default_factory=list)  # (old correction, its replay)
    unchanged: list[int] = field(default_factory=list)  # already true of the new run: nothing to record
    skipped: list[Skipped] = field(default_factory=list)

    def as_summary(self) -> dict[str, Any]:
        return {
            "carried": len(self.carried),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "skipped_list": [
                {"correction": s.correction, "kind": s.kind, "reason": s.reason} for s in self.skipped[:LISTED]
            ],
        }


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Unchanged(Exception):
    pass


def carry_corrections(run: AnalysisRun, base: AnalysisRun | None) -> CarryReport:
    """Replay the group corrections in force on `base` (and on the incremental runs it was copied
    from) on the freshly analysed, not yet published `run`, in the order they were made."""
    report = CarryReport()
    if base is None or base.pk == run.pk:
        return report
    if run.current:
        raise actions.InsightsError("corrections are carried only into a run that is not published yet")
    runs = _lineage(base)
    in_force = Correction.objects.filter(run_id__in=runs, kind__in=CARRIED_KINDS, undone_at__isnull=True)
    seen: set[int] = set()
    with actions.heartbeat(run), transaction.atomic():
        carrier: _Carrier | None = None
        for _pass in range(PASSES):
            pending = [c for c in in_force.order_by("created_at", "pk") if c.pk not in seen]
            if not pending:
                break
            if carrier is None:
                carrier = _Carrier(run, base, pending)
            for correction in pending:
                seen.add(correction.pk)
                carrier.track(correction)  # made while carrying: its groups as they are now
                try:
                    replay = carrier.replay(correction)
                except _Skip as skip:
                    report.skipped.append(Skipped(correction.pk, correction.kind, skip.reason))
                except _Unchanged:
                    report.unchanged.append(correction.pk)
                else:
                    report.carried.append((correction.pk, replay.pk))
                carrier.apply(correction, forward=True)
    return report


def _lineage(base: AnalysisRun) -> list[int]:
    """The published run and, when it is incremental, the runs it was copied from, back to the
    last full run (whose own carried corrections stand for the older ones)."""
    runs = [base.pk]
    run: AnalysisRun | None = base
    while run is not None and run.kind == RunKind.INCREMENTAL and run.based_on_id and len(runs) < 1000:
        run = AnalysisRun.objects.filter(pk=run.based_on_id).first()
        if run is None or run.pk in runs:
            break
        runs.append(run.pk)
    return runs


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _int(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _groups_named(c: Correction) -> set[int]:
    """The groups of the published run (or of an earlier one) a correction refers to."""
    if c.kind == CorrectionKind.MOVE:
        named = [c.before.get("group"), c.after.get("group")]
    elif c.kind == CorrectionKind.MERGE:
        named = [c.after.get("target", c.group_id), *(c.before.get("members") or {})]
    elif c.kind == CorrectionKind.SPLIT:
        named = [c.before.get("group"), c.after.get("new_group")]
    else:
        named = [c.group_id]
    return {pk for pk in map(_int, named) if pk is not None}


class _Carrier:
    """Replays corrections on `run`. `members` holds, for every group of the published run that a
    correction names, its members at the moment of the correction being replayed: the final
    membership with every correction taken back (as undo would), then advanced one by one."""

    def __init__(self, run: AnalysisRun, base: AnalysisRun, corrections: Sequence[Correction]) -> None:
        self.run = run
        self.base = base
        self.members: dict[int, set[int]] = {}
        self.moved: dict[int, dict[int, list[int]]] = {}  # correction -> {group: proposal ids}
        self.load({pk for c in corrections for pk in _groups_named(c)})
        for correction in reversed(corrections):
            self.apply(correction, forward=False)

    # ------------------------------------------------------------ the published run, as it was

    def load(self, group_ids: set[int]) -> None:
        """Start following groups of the published run, from their members now."""
        wanted = sorted(pk for pk in group_ids if pk not in self.members)
        for chunk in _chunks(wanted):
            for pk in ProposalGroup.objects.filter(run=self.base, pk__in=chunk).values_list("pk", flat=True):
                self.members[pk] = set()
            rows = ProposalAnalysis.objects.filter(run=self.base, group_id__in=chunk)
            for group_id, proposal_id in rows.values_list("group_id", "proposal_id").iterator(chunk_size=5000):
                self.members[group_id].add(proposal_id)

    def track(self, c: Correction) -> None:
        self.load(_groups_named(c))

    def proposals_of_rows(self, row_ids: Iterable[Any]) -> list[int]:
        """Proposal ids of rows of the published run (rows of removed runs or proposals are gone)."""
        ids = [pk for pk in row_ids if isinstance(pk, int)]
        found: list[int] = []
        for chunk in _chunks(ids):
            found += ProposalAnalysis.objects.filter(run=self.base, pk__in=chunk).values_list("proposal_id", flat=True)
        return found

    def shifted(self, c: Correction) -> dict[int, list[int]]:
        """Merge: the proposals each source gave the target; split: the proposals split off."""
        if c.pk not in self.moved:
            if c.kind == CorrectionKind.MERGE:
                self.moved[c.pk] = {
                    pk: self.proposals_of_rows(rows if isinstance(rows, list) else [])
                    for key, rows in (c.before.get("members") or {}).items()
                    if (pk := _int(key)) is not None
                }
            else:
                self.moved[c.pk] = {0: self.proposals_of_rows(c.before.get("members") or [])}
        return self.moved[c.pk]

    def apply(self, c: Correction, *, forward: bool) -> None:
        """Advance the followed membership over a correction (or take it back)."""

        def shift(ids: Iterable[int], source: Any, target: Any) -> None:
            if not forward:
                source, target = target, source
            ids = set(ids)
            if source in self.members:
                self.members[source] -= ids
            if target in self.members:
                self.members[target] |= ids

        if c.kind == CorrectionKind.MOVE and c.proposal_id is not None:
            shift([c.proposal_id], c.before.get("group"), c.after.get("group"))
        elif c.kind == CorrectionKind.MERGE:
            target = _int(c.after.get("target", c.group_id))
            for source, ids in self.shifted(c).items():
                shift(ids, source, target)
        elif c.kind == CorrectionKind.SPLIT:
            shift(self.shifted(c)[0], c.before.get("group"), c.after.get("new_group"))

    def base_group(self, pk: Any) -> ProposalGroup | None:
        pk = _int(pk)
        if pk is None:
            return None
        return ProposalGroup.objects.filter(pk=pk, run=self.base).first()

    def members_of(self, group: ProposalGroup) -> set[int]:
        if group.pk in self.members:
            return self.members[group.pk]
        return set(ProposalAnalysis.objects.filter(run=self.base, group=group).values_list("proposal_id", flat=True))

    def group_of(self, proposal_id: int) -> ProposalGroup | None:
        """The group of the published run a proposal is in (at the replayed moment, when followed)."""
        for pk, members in self.members.items():
            if proposal_id in members:
                return self.base_group(pk)
        row = ProposalAnalysis.objects.filter(run=self.base, proposal_id=proposal_id).select_related("group").first()
        return row.group if row is not None else None

    # ------------------------------------------------------------ mapping into the new run

    def counts(self, proposal_ids: Iterable[int]) -> Counter[int]:
        """How many of the proposals each group of the new run holds."""
        counts: Counter[int] = Counter()
        for chunk in _chunks(sorted(proposal_ids)):
            rows = ProposalAnalysis.objects.filter(run=self.run, group__isnull=False, proposal_id__in=chunk)
            for row in rows.values("group_id").annotate(n=Count("pk")).order_by():
                counts[row["group_id"]] += row["n"]
        return counts

    def pick(self, counts: Counter[int], old: ProposalGroup | None) -> ProposalGroup | None:
        """The new group holding most of the members; ties: a form-letter group with the old key,
        then the larger group. No member left: a form-letter group maps by its key."""
        counts = +counts
        if counts:
            top = max(counts.values())
            tied = list(ProposalGroup.objects.filter(run=self.run, pk__in=[pk for pk, n in counts.items() if n == top]))
            if tied:
                return max(tied, key=lambda g: (self.same_key(g, old), g.size, -g.pk))
        if old is not None and old.kind == GroupKind.FORM_LETTER and old.key:
            group = ProposalGroup.objects.filter(run=self.run, kind=GroupKind.FORM_LETTER, key=old.key).first()
            for _step in range(100):
                if group is None or not group.merged_into_id:
                    break
                group = ProposalGroup.objects.filter(run=self.run, pk=group.merged_into_id).first()
            return group
        return None

    @staticmethod
    def same_key(group: ProposalGroup, old: ProposalGroup | None) -> bool:
        return old is not None and old.kind == GroupKind.FORM_LETTER == group.kind and old.key == group.key

    def map(self, old: ProposalGroup, *, leaving_out: int | None = None) -> ProposalGroup | None:
        return self.pick(self.counts(self.members_of(old) - {leaving_out}), old)

    # ------------------------------------------------------------ replays

    def replay(self, correction: Correction) -> Correction:
        if correction.kind == CorrectionKind.MOVE:
            return self.move(correction)
        if correction.kind == CorrectionKind.MERGE:
            return self.merge(correction)
        if correction.kind == CorrectionKind.SPLIT:
            return self.split(correction)
        return self.assign(correction)

    def record(self, old: Correction, **fields: Any) -> Correction:
        fields["after"] = {**fields["after"], "carried_from": old.pk}
        return Correction.objects.create(kind=old.kind, run=self.run, user_id=old.user_id, **fields)

    def move(self, c: Correction) -> Correction:
        if c.proposal_id is None:
            raise _Skip(PROPOSAL_GONE)
        row = ProposalAnalysis.objects.filter(run=self.run, proposal_id=c.proposal_id).first()
        if row is None:
            raise _Skip(PROPOSAL_GONE)
        target: ProposalGroup | None = None
        if c.after.get("group") is not None:
            old = self.base_group(c.after.get("group"))
            if old is None:  # a group of an earlier run: where the move left the proposal on the published run
                old = self.group_of(c.proposal_id)
            if old is None:
                raise _Skip(GROUP_GONE)
            target = self.map(old, leaving_out=c.proposal_id)
            if target is None:
                raise _Skip(GROUP_GONE)
        before = row.group_id
        if before == (target.pk if target else None):
            raise _Unchanged
        row.group = target
        row.save(update_fields=["group"])
        actions.refresh_groups([before, target.pk if target else None])
        return self.record(
            c,
            proposal_id=c.proposal_id,
            group=target,
            before={"group": before},
            after={"group": target.pk if target else None},
        )

    def merge(self, c: Correction) -> Correction:
        old_target = self.base_group(c.after.get("target", c.group_id))
        if old_target is None:
            raise _Skip(GROUP_GONE)
        target = self.map(old_target)
        if target is None:
            raise _Skip(GROUP_GONE)
        sources: list[ProposalGroup] = []
        mapped_any = False
        for source_pk, ids in self.shifted(c).items():
            source = self.pick(self.counts(ids), self.base_group(source_pk))
            mapped_any = mapped_any or source is not None
            if source is None or source.pk == target.pk or source in sources or source.merged_into_id:
                continue
            sources.append(source)
        if not sources:
            if not mapped_any:
                raise _Skip(GROUP_GONE)
            raise _Unchanged
        members = {
            str(source.pk): list(ProposalAnalysis.objects.filter(group=source).values_list("pk", flat=True))
            for source in sources
        }
        ProposalAnalysis.objects.filter(group__in=sources).update(group=target)
        ProposalGroup.objects.filter(pk__in=[g.pk for g in sources]).update(merged_into=target)
        actions.refresh_groups([target.pk, *[g.pk for g in sources]])
        return self.record(c, group=target, before={"members": members}, after={"target": target.pk})

    def split_group_of(self, c: Correction) -> ProposalGroup | None:
        """The group a split made, on the published run: by pk, or (split on an earlier run) by
        its key `split-<group>-<time>`, copied forward with the group."""
        group = self.base_group(c.after.get("new_group"))
        source = _int(c.before.get("group"))
        if group is not None or source is None:
            return group
        made = c.created_at.timestamp()
        candidates = []
        for candidate in ProposalGroup.objects.filter(run=self.base, key__startswith=f"split-{source}-"):
            parts = candidate.key.split("-")
            if len(parts) >= 3 and parts[2].isdigit():
                candidates.append((abs(int(parts[2]) - made), candidate.pk, candidate))
        return min(candidates)[2] if candidates and min(candidates)[0] <= 120 else None

    def split(self, c: Correction) -> Correction:
        old_new = self.split_group_of(c)
        proposal_ids = self.shifted(c)[0]
        if not proposal_ids and old_new is not None:  # split on an earlier run: its group's members
            proposal_ids = sorted(self.members_of(old_new))
        rows: list[tuple[int, int, int | None]] = []
        for chunk in _chunks(proposal_ids):
            rows += ProposalAnalysis.objects.filter(run=self.run, proposal_id__in=chunk).values_list(
                "pk", "proposal_id", "group_id"
            )
        if not rows:
            raise _Skip(PROPOSALS_GONE)
        rows.sort(key=lambda row: row[1])
        source = self.pick(Counter(gid for _pk, _p, gid in rows if gid), None)
        if source is None:
            raise _Skip(GROUP_GONE)
        if all(gid == source.pk for _pk, _p, gid in rows) and source.size == len(rows):
            raise _Unchanged  # the new analysis already keeps them apart, in a group of their own
        first_id = rows[0][1]
        first = Proposal.objects.filter(pk=first_id).values_list("text", flat=True).first() or ""
        label = (old_new.label if old_new is not None else "") or " ".join(first.split()[:12])
        new = ProposalGroup.objects.create(
            run=self.run,
            kind=source.kind,
            key=f"split-{source.pk}-{timezone.now().timestamp():.0f}-{c.pk}"[:40],
            label=normalize(label)[:300],
            representative_id=first_id,
            representative_text=first,
            language=source.language,
            assigned_to_id=source.assigned_to_id,  # as split_group does; a later assignment is replayed by itself
        )
        moved = [pk for pk, _p, _g in rows]
        for chunk in _chunks(moved):
            ProposalAnalysis.objects.filter(pk__in=chunk).update(group=new)
        actions.refresh_groups([new.pk, *{gid for _pk, _p, gid in rows}])
        return self.record(c, group=source, before={"group": source.pk, "members": moved}, after={"new_group": new.pk})

    def assign(self, c: Correction) -> Correction:
        old = self.base_group(c.group_id)
        if old is None:
            raise _Skip(GROUP_GONE)
        target = self.map(old)
        if target is None:
            raise _Skip(GROUP_GONE)
        assignee = c.after.get("user")
        if assignee is not None and not get_user_model().objects.filter(pk=assignee).exists():
            raise _Skip(USER_GONE)
        before = target.assigned_to_id
        if before == assignee:
            raise _Unchanged
        ProposalGroup.objects.filter(pk=target.pk).update(assigned_to_id=assignee)
        return self.record(c, group=target, before={"user": before}, after={"user": assignee})

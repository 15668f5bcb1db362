"""Analysis runs and their stored results, analysts' corrections, answer templates.

Results of a run (`ProposalAnalysis`, `ProposalGroup`) are written under the run while it is not
`current`; pages read only the current run. `actions.publish_run` flips the flag in one
transaction, so an interrupted run never leaves half-written results visible.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.proposals.models import Proposal


class RunKind(models.TextChoices):
    FULL = "full", _("Full")
    INCREMENTAL = "incremental", _("Incremental")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
PHASES = {
    "queued": _("waiting for a worker"),
    "copying": _("copying the published results"),
    "reading": _("reading the proposals"),
    "analysing": _("analysing the texts"),
    "storing": _("storing the results"),
    "done": _("done"),
}


class AnalysisRunQuerySet(models.QuerySet["AnalysisRun"]):
    def active(self) -> AnalysisRunQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def current(self) -> AnalysisRun | None:
        return self.filter(current=True).first()


class AnalysisRun(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices, default=RunKind.FULL)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    current = models.BooleanField(_("current"), default=False)
    phase = models.CharField(_("phase"), max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("proposals"), default=0)
    analysed = models.PositiveIntegerField(_("analysed"), default=0)
    groups_count = models.PositiveIntegerField(_("form-letter groups"), default=0)
    clusters_count = models.PositiveIntegerField(_("clusters"), default=0)
    last_proposal_id = models.BigIntegerField(default=0, help_text="Highest proposal id covered by this run.")
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    objects = AnalysisRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["current"], condition=models.Q(current=True), name="insights_one_current_run"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status}"

    @property
    def phase_label(self) -> str:
        return str(PHASES.get(self.phase, self.phase))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AnalysisState(models.Model):
    """What incremental runs need of a run, kept apart from the run so listing runs never loads it:
    the dedup index (`kenes.nlp.dedup.DedupIndex` as .npz bytes), to match new proposals against
    known form letters, and the clusters (`kenes.nlp.clusters.ClusterModel.to_bytes`: centroids and
    IDF weights, keyed by group key), so new proposals join the clusters they are close to. `clusters`
    is None for states stored before it existed: new proposals are then clustered anew."""

    run = models.OneToOneField(AnalysisRun, on_delete=models.CASCADE, related_name="state")
    dedup = models.BinaryField()
    clusters = models.BinaryField(null=True, blank=True)

    def __str__(self) -> str:
        return f"state of run {self.run_id}"


class GroupKind(models.TextChoices):
    FORM_LETTER = "form_letter", _("Form letter")
    CLUSTER = "cluster", _("Cluster")


UNCLUSTERED = "unclustered"  # the key of the group of texts the clustering could not place


class ProposalGroupQuerySet(models.QuerySet["ProposalGroup"]):
    def of_run(self, run: AnalysisRun | None) -> ProposalGroupQuerySet:
        if run is None:
            return self.none()
        return self.filter(run=run)

    def live(self) -> ProposalGroupQuerySet:
        """Groups not merged into another one."""
        return self.filter(merged_into__isnull=True)


class ProposalGroup(models.Model):
    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("kind"), max_length=12, choices=GroupKind.choices)
    key = models.CharField(max_length=40, help_text="Dedup group id, cluster number or a manual key.")
    label = models.CharField(_("label"), max_length=300, blank=True)
    terms = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=list, blank=True)
    representative = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    representative_text = models.TextField(blank=True)
    representatives = models.JSONField(default=list, blank=True, help_text="Proposal ids closest to the centre.")
    language = models.CharField(_("language"), max_length=8, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    regions = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ProposalGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal group")
        verbose_name_plural = _("proposal groups")
        ordering = ["-size", "id"]
        indexes = [models.Index(fields=["run", "kind", "-size"], name="insights_group_list")]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        if self.key == UNCLUSTERED:
            return str(_("Proposals outside any cluster"))
        return self.label or self.key

    @property
    def region_list(self) -> list[tuple[str, int]]:
        return sorted(self.regions.items(), key=lambda item: (-item[1], item[0]))


def pack(values: list[Any]) -> str:
    """A list as `|a|b|`, so that `contains="|a|"` finds it on every database."""
    return "|" + "|".join(str(v) for v in values) + "|" if values else ""


def unpack(packed: str) -> list[str]:
    return [v for v in packed.split("|") if v]


class ProposalAnalysis(models.Model):
    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="analyses")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="analyses")
    group = models.ForeignKey(ProposalGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    language = models.CharField(_("language"), max_length=8, blank=True)
    script = models.CharField(max_length=8, blank=True)
    themes = models.CharField(_("themes"), max_length=300, blank=True)
    theme = models.CharField(_("theme"), max_length=40, blank=True, help_text="The first (best) theme.")
    articles = models.CharField(_("articles"), max_length=300, blank=True)
    article_number = models.IntegerField(_("article"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal analysis")
        verbose_name_plural = _("proposal analyses")
        constraints = [models.UniqueConstraint(fields=["run", "proposal"], name="insights_one_analysis_per_run")]
        indexes = [
            # (…, proposal): the latest proposals of a group, theme or article come straight from the index.
            models.Index(fields=["run", "group", "proposal"], name="insights_analysis_group"),
            models.Index(fields=["run", "theme", "proposal"], name="insights_analysis_theme"),
            models.Index(fields=["run", "article_number", "proposal"], name="insights_analysis_article"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} in run {self.run_id}"

    @property
    def theme_list(self) -> list[str]:
        return unpack(self.themes)

    @property
    def article_list(self) -> list[int]:
        return [int(v) for v in unpack(self.articles)]


class ThemeLabel(models.Model):
    """The themes an analyst gave a proposal: kept across runs and used to train the theme model."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="theme_label")
    themes = models.JSONField(default=list)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("theme label")
        verbose_name_plural = _("theme labels")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {', '.join(self.themes)}"


class CorrectionKind(models.TextChoices):
    THEMES = "themes", _("Themes changed")
    ARTICLE = "article", _("Article changed")
    MOVE = "move", _("Moved to another group")
    MERGE = "merge", _("Groups merged")
    SPLIT = "split", _("Group split")
    ASSIGN = "assign", _("Group assigned")


class Correction(models.Model):
    """One change by an analyst: who, when, before and after; `actions.undo_correction` reverses it."""

    kind = models.CharField(_("kind"), max_length=10, choices=CorrectionKind.choices)
    run = models.ForeignKey(AnalysisRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    group = models.ForeignKey(ProposalGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id}"


class AnswerTemplate(models.Model):
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[
            (value, label)
            for value, label in Proposal._meta.get_field("status").choices  # type: ignore[union-attr]
        ],
    )
    text_kk = models.TextField(_("text in Kazakh"))
    text_ru = models.TextField(_("text in Russian"))

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

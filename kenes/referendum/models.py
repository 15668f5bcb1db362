"""Referendum: questions and rules, the commission tree, precinct protocols with double entry,
their history, running tallies per commission, and turnout reports through the day."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kenes.nlp import tally
from kenes.regions import region_choices

TURNOUT_HOURS = (10, 12, 14, 16, 18, 20)


def _localized(obj: Any, prefix: str, language: str) -> str:
    lang = (language or "kk")[:2]
    return getattr(obj, f"{prefix}_{lang}", "") or getattr(obj, f"{prefix}_kk", "") or getattr(obj, f"{prefix}_ru", "")


class Referendum(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    date = models.DateField(_("voting day"))
    validity_threshold = models.DecimalField(
        _("validity threshold, %"), max_digits=5, decimal_places=2, default=50,
        help_text=_("Valid when more than this share of eligible citizens took part (Article 31.2)."),
    )
    adoption_threshold = models.DecimalField(
        _("adoption threshold, %"), max_digits=5, decimal_places=2, default=50,
        help_text=_("Adopted when more than this share of those who took part voted for (Article 31.3)."),
    )
    territorial_rule = models.BooleanField(
        _("constitutional rule"), default=False,
        help_text=_("Amendments to the Constitution: also adopted in at least the given share of regions, "
                    "cities of republican significance and the capital."),
    )
    territorial_numerator = models.PositiveSmallIntegerField(_("share of regions: numerator"), default=2)
    territorial_denominator = models.PositiveSmallIntegerField(_("share of regions: denominator"), default=3)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("referendum")
        verbose_name_plural = _("referendums")
        constraints = [
            models.CheckConstraint(condition=models.Q(territorial_denominator__gt=0), name="referendum_share_denominator"),
        ]

    def __str__(self) -> str:
        return self.title_en or self.title_ru

    def get_absolute_url(self) -> str:
        return reverse("referendum:results", args=[self.slug])

    def title(self, language: str) -> str:
        return _localized(self, "title", language)

    def rules(self) -> tally.Rules:
        return tally.Rules(
            validity=Fraction(self.validity_threshold) / 100,
            adoption=Fraction(self.adoption_threshold) / 100,
            territorial=self.territorial_rule,
            territorial_share=Fraction(self.territorial_numerator, self.territorial_denominator),
        )

    def central(self) -> Commission:
        return self.commissions.get(level=Level.CENTRAL)


class Question(models.Model):
    referendum = models.ForeignKey(Referendum, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    text_kk = models.TextField(_("question (Kazakh)"))
    text_ru = models.TextField(_("question (Russian)"))
    text_en = models.TextField(_("question (English)"), blank=True)

    class Meta:
        ordering = ["referendum", "number"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["referendum", "number"], name="question_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text_en or self.text_ru}"

    def text(self, language: str) -> str:
        return _localized(self, "text", language)


class Level(models.TextChoices):
    CENTRAL = "central", _("Central commission")
    REGIONAL = "regional", _("Regional commission")
    TERRITORIAL = "territorial", _("Territorial commission")
    PRECINCT = "precinct", _("Precinct commission")


class CommissionQuerySet(models.QuerySet["Commission"]):
    def precincts(self) -> CommissionQuerySet:
        return self.filter(level=Level.PRECINCT)

    def regional(self) -> CommissionQuerySet:
        return self.filter(level=Level.REGIONAL)

    def under(self, commission: Commission) -> CommissionQuerySet:
        """The commission itself and every commission below it."""
        if commission.level == Level.CENTRAL:
            return self.filter(referendum_id=commission.referendum_id)
        if commission.level == Level.REGIONAL:
            return self.filter(models.Q(pk=commission.pk) | models.Q(parent=commission) | models.Q(parent__parent=commission))
        if commission.level == Level.TERRITORIAL:
            return self.filter(models.Q(pk=commission.pk) | models.Q(parent=commission))
        return self.filter(pk=commission.pk)


class Commission(models.Model):
    """A referendum commission: central → regional (20) → territorial (districts) → precinct.

    A precinct commission is the polling precinct: number, address, voters on the list.
    `code` is unique within a referendum: "kz", a region slug, a district KATO code, or the
    precinct number.
    """

    referendum = models.ForeignKey(Referendum, on_delete=models.CASCADE, related_name="commissions")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    code = models.CharField(_("code"), max_length=40)
    region = models.CharField(_("region"), max_length=40, blank=True, choices=region_choices("en"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    number = models.PositiveIntegerField(_("precinct number"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    voters = models.PositiveIntegerField(_("voters on the list"), default=0)

    objects = CommissionQuerySet.as_manager()

    class Meta:
        ordering = ["referendum", "level", "code"]
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        constraints = [models.UniqueConstraint(fields=["referendum", "code"], name="commission_unique_code")]
        indexes = [models.Index(fields=["referendum", "level"])]

    def __str__(self) -> str:
        return self.name_en or self.name_ru

    def get_absolute_url(self) -> str:
        return reverse("referendum:unit", args=[self.referendum.slug, self.code])

    def name(self, language: str) -> str:
        return _localized(self, "name", language)

    def ancestors(self) -> list[Commission]:
        """Parent, grandparent … up to the central commission (a query per level, at most three)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def ancestor_ids(self) -> list[int]:
        """Ids of the parent, grandparent … (one query)."""
        row = Commission.objects.filter(pk=self.pk).values_list(
            "parent_id", "parent__parent_id", "parent__parent__parent_id").get()
        return [pk for pk in row if pk is not None]



class MemberRole(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    CHAIR = "chair", _("Chair")


class Membership(models.Model):
    """An operator attached to a commission: they may enter and correct the protocols of every
    precinct under it. A chair may also resolve mismatched double entries."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referendum_memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.OPERATOR)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission membership")
        verbose_name_plural = _("commission memberships")
        constraints = [models.UniqueConstraint(fields=["commission", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.commission.code} ({self.role})"


class Status(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting second entry")
    MISMATCH = "mismatch", _("Entries differ")
    CONFIRMED = "confirmed", _("Confirmed")


class ProtocolQuerySet(models.QuerySet["Protocol"]):
    def confirmed(self) -> ProtocolQuerySet:
        return self.filter(status=Status.CONFIRMED)

    def counted(self) -> ProtocolQuerySet:
        """Confirmed precinct protocols: what the tally adds up."""
        return self.filter(status=Status.CONFIRMED, commission__level=Level.PRECINCT)

    def flagged(self) -> ProtocolQuerySet:
        return self.filter(is_flagged=True)

    def under(self, commission: Commission) -> ProtocolQuerySet:
        return self.filter(commission__in=Commission.objects.under(commission))


class Protocol(models.Model):
    """The voting result of one commission on one question.

    Precinct protocols are entered twice (or imported) and added up. A protocol of a higher
    commission is a published summary, checked and compared with the tally, never added up.
    The figure fields hold the confirmed values; entries in progress live in ProtocolEntry.
    """

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="protocols")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="protocols")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.AWAITING)
    voters = models.PositiveIntegerField(_("citizens on the list"), null=True, blank=True)
    received = models.PositiveIntegerField(_("ballots received"), null=True, blank=True)
    issued_premises = models.PositiveIntegerField(_("ballots issued in the premises"), null=True, blank=True)
    issued_outside = models.PositiveIntegerField(_("ballots issued outside the premises"), null=True, blank=True)
    found = models.PositiveIntegerField(_("ballots found in the boxes"), null=True, blank=True)
    invalid = models.PositiveIntegerField(_("invalid ballots"), null=True, blank=True)
    valid = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    unused = models.PositiveIntegerField(_("unused and cancelled ballots"), null=True, blank=True)
    is_flagged = models.BooleanField(_("flagged"), default=False, db_index=True)
    violations = models.JSONField(_("control violations"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        ordering = ["commission", "question"]
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        constraints = [models.UniqueConstraint(fields=["commission", "question"], name="protocol_unique")]
        indexes = [models.Index(fields=["question", "status"])]

    def __str__(self) -> str:
        return f"{self.commission.code} / {self.question.number}"

    def figures(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in tally.FIELDS}

    def set_figures(self, figures: tally.Figures) -> None:
        for name in tally.FIELDS:
            setattr(self, name, figures.get(name))

    def counted_figures(self) -> dict[str, int]:
        """What this protocol adds to the tally (zero unless it is a confirmed precinct protocol)."""
        if self.status != Status.CONFIRMED or self.commission.level != Level.PRECINCT:
            return tally.zero()
        return tally.as_counts(self.figures())

    @property
    def is_counted(self) -> bool:
        return self.status == Status.CONFIRMED and self.commission.level == Level.PRECINCT


class ProtocolEntry(models.Model):
    """One operator's entry of a protocol. The active entry of each operator is the latest one;
    two active entries by different operators are compared line by line."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="entries")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(_("figures"))
    explanation = models.TextField(_("explanation"), blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("protocol entry")
        verbose_name_plural = _("protocol entries")

    def __str__(self) -> str:
        return f"{self.protocol_id} by {self.operator_id} at {self.created_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    ENTRY = "entry", _("Entry")
    CONFIRM = "confirm", _("Confirmed: entries match")
    MISMATCH = "mismatch", _("Entries differ")
    RESOLVE = "resolve", _("Resolved by the chair")
    CORRECT = "correct", _("Correction")
    IMPORT = "import", _("Import")


class ProtocolEvent(models.Model):
    """Append-only history of a protocol: who, when, what, before and after."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("protocol event")
        verbose_name_plural = _("protocol events")

    def __str__(self) -> str:
        return f"{self.kind} {self.protocol_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def changed(self) -> list[tuple[str, Any, Any]]:
        before, after = self.before or {}, self.after or {}
        return [(name, before.get(name), after.get(name)) for name in tally.FIELDS if before.get(name) != after.get(name)]


class Tally(models.Model):
    """Running sums of the counted precinct protocols under a central, regional or territorial
    commission, per question. Kept up to date by deltas; `kenes referendum_recount` rebuilds it."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="tallies")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    protocols = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    voters = models.BigIntegerField(default=0)
    received = models.BigIntegerField(default=0)
    issued_premises = models.BigIntegerField(default=0)
    issued_outside = models.BigIntegerField(default=0)
    found = models.BigIntegerField(default=0)
    invalid = models.BigIntegerField(default=0)
    valid = models.BigIntegerField(default=0)
    votes_for = models.BigIntegerField(default=0)
    votes_against = models.BigIntegerField(default=0)
    unused = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [models.UniqueConstraint(fields=["commission", "question"], name="tally_unique")]

    def __str__(self) -> str:
        return f"tally {self.commission_id} / {self.question_id}"

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in tally.FIELDS}


class TurnoutReport(models.Model):
    """How many citizens had voted in a precinct by a fixed hour of voting day."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="turnout_reports")
    hour = models.PositiveSmallIntegerField(_("hour"), choices=[(h, f"{h}:00") for h in TURNOUT_HOURS])
    voted = models.PositiveIntegerField(_("voted"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["commission", "hour"]
        verbose_name = _("turnout report")
        verbose_name_plural = _("turnout reports")
        constraints = [models.UniqueConstraint(fields=["commission", "hour"], name="turnout_unique_hour")]

    def __str__(self) -> str:
        return f"{self.commission_id} {self.hour}:00 {self.voted}"

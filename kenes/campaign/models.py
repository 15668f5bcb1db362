"""Campaign coordination: coalitions, member organisations, volunteers, work plans, events and
their reports.

Every object carries the region it belongs to (empty: national). Access is decided by that
region alone (see `kenes.campaign.access`): a coordinator sees and changes their own region's
subtree, a national coordinator everything.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kenes.campaign.districts import district_name
from kenes.regions import region_choices, region_name
from kenes.translated import pick


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    TERRITORIAL = "territorial", _("Territorial")


class EventType(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    ROUND_TABLE = "round_table", _("Round table")
    PLENARY_SESSION = "plenary_session", _("Plenary session")
    VISIT = "visit", _("Visit")
    FORUM = "forum", _("Forum")
    PUBLIC_HEARING = "public_hearing", _("Public hearing")
    EXPLANATORY_WORK = "explanatory_work", _("Explanatory work")
    COALITION_FOUNDING = "coalition_founding", _("Coalition founding")


class EventFormat(models.TextChoices):
    OFFLINE = "offline", _("Offline")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Audience(models.TextChoices):
    GENERAL_PUBLIC = "general_public", _("General public")
    YOUTH = "youth", _("Youth")
    WORKERS = "workers", _("Workers")
    BUSINESS = "business", _("Business")
    VETERANS = "veterans", _("Veterans")
    TEACHERS = "teachers", _("Teachers")
    MEDICS = "medics", _("Medical workers")
    INTELLIGENTSIA = "intelligentsia", _("Intelligentsia")
    OFFICIALS = "officials", _("Officials")
    DEPUTIES = "deputies", _("Deputies")
    PARTY_MEMBERS = "party_members", _("Party members")
    NGO = "ngo", _("NGOs")
    EXPERTS = "experts", _("Experts")
    VOLUNTEERS = "volunteers", _("Volunteers")


class OrganisationKind(models.TextChoices):
    PARTY = "party", _("Party")
    PARTY_BRANCH = "party_branch", _("Party branch")
    NGO = "ngo", _("NGO")
    COMPANY = "company", _("Company")
    STATE_BODY = "state_body", _("State body")
    MEDIA = "media", _("Media")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class Availability(models.TextChoices):
    ANY = "any", _("Any time")
    WEEKDAYS = "weekdays", _("Weekdays")
    EVENINGS = "evenings", _("Evenings")
    WEEKENDS = "weekends", _("Weekends")


class RegionScopedQuerySet(models.QuerySet[Any]):
    """Objects with a `region` field, filtered to what a user's scope covers."""

    def in_scope_of(self, user: Any) -> Any:
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self.all() if user.is_national else self.filter(region=user.region)
        if user.is_commission:
            return self.all()
        return self.none()


class CoalitionQuerySet(RegionScopedQuerySet):
    def subtree(self, coalition: Coalition) -> CoalitionQuerySet:
        """The coalition and everything below it (the tree is three levels deep)."""
        return self.filter(
            models.Q(pk=coalition.pk) | models.Q(parent=coalition.pk) | models.Q(parent__parent=coalition.pk)
        )


class Coalition(models.Model):
    name_kk = models.CharField(_("name (kk)"), max_length=300)
    name_ru = models.CharField(_("name (ru)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent coalition"),
    )
    region = models.CharField(_("region"), max_length=40, blank=True, db_index=True, choices=region_choices("en"))
    district = models.CharField(_("district"), max_length=12, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CoalitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("coalition")
        verbose_name_plural = _("coalitions")
        ordering = ["level", "region", "district", "id"]

    def __str__(self) -> str:
        return self.name("en")

    def get_absolute_url(self) -> str:
        return reverse("campaign:coalition", args=[self.pk])

    def name(self, language: str = "") -> str:
        return pick(self, "name", language or get_language() or "kk")

    def region_label(self, language: str = "") -> str:
        return region_name(self.region, language or get_language() or "kk")

    def district_label(self, language: str = "") -> str:
        return district_name(self.district, language or get_language() or "kk")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="branches", verbose_name=_("parent organisation"),
    )
    region = models.CharField(_("region"), max_length=40, blank=True, db_index=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An organisation (or a person in their own right) in a coalition, with a role."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    person_name = models.CharField(_("person"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("coalition member")
        verbose_name_plural = _("coalition members")
        ordering = ["coalition", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(person_name=""), name="membership_has_member",
            ),
            models.UniqueConstraint(
                fields=["coalition", "organisation"], condition=models.Q(organisation__isnull=False),
                name="membership_once_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.person_name or str(self.organisation)


class Volunteer(models.Model):
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    coalition = models.ForeignKey(Coalition, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteers")
    region = models.CharField(_("region"), max_length=40, db_index=True)
    district = models.CharField(_("district"), max_length=12, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    availability = models.CharField(_("availability"), max_length=10, choices=Availability.choices, default=Availability.ANY)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["region", "full_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    def district_label(self, language: str = "") -> str:
        return district_name(self.district, language or get_language() or "kk")


class Plan(models.Model):
    """A work plan: the events a coalition means to hold in a period, with targets."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["coalition", "title"], name="plan_unique_title")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign:plan", args=[self.pk])

    @property
    def region(self) -> str:
        return self.coalition.region


class PlanTarget(models.Model):
    """How many events of one type, for one audience (or any), a plan promises."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    event_type = models.CharField(_("event type"), max_length=20, choices=EventType.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, blank=True)
    count = models.PositiveIntegerField(_("events"))

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["plan", "event_type", "audience"]
        constraints = [models.UniqueConstraint(fields=["plan", "event_type", "audience"], name="plan_target_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.event_type}/{self.audience or '*'} × {self.count}"


class EventQuerySet(RegionScopedQuerySet):
    def public(self) -> EventQuerySet:
        return self.exclude(status=EventStatus.CANCELLED)

    def upcoming(self, now: Any = None) -> EventQuerySet:
        now = now or timezone.now()
        return self.filter(status=EventStatus.PLANNED, starts_at__gte=now).order_by("starts_at", "id")

    def near(self, region: str = "", district: str = "") -> EventQuerySet:
        qs = self
        if region:
            qs = qs.filter(region=region)
        if district:
            qs = qs.filter(district=district)
        return qs

    def of_coalitions(self, coalitions: Any) -> EventQuerySet:
        return self.filter(coalition__in=coalitions)


class Event(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.PROTECT, related_name="events", verbose_name=_("coalition"))
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    import_key = models.CharField(max_length=64, blank=True, help_text="Identity of the plan row it came from.")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    event_type = models.CharField(_("type"), max_length=20, choices=EventType.choices, default=EventType.MEETING)
    format = models.CharField(_("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.OFFLINE)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=40, choices=region_choices("en"))
    district = models.CharField(_("district"), max_length=12, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    organisers = models.CharField(_("organisers"), max_length=500, blank=True)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "import_key"], condition=~models.Q(import_key=""), name="event_unique_import_key",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "starts_at"], name="event_region_status"),
            models.Index(fields=["coalition", "status"], name="event_coalition_status"),
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign:event", args=[self.pk])

    def region_label(self, language: str = "") -> str:
        return region_name(self.region, language or get_language() or "kk")

    def district_label(self, language: str = "") -> str:
        return district_name(self.district, language or get_language() or "kk")

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels[a]) for a in self.audiences if a in labels]

    @property
    def is_planned(self) -> bool:
        return self.status == EventStatus.PLANNED


class EventReport(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="report")
    attendance = models.PositiveIntegerField(_("actual attendance"))
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    themes = models.JSONField(_("themes discussed"), default=list, blank=True)
    questions = models.TextField(_("questions raised"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    media_links = models.JSONField(_("media coverage"), default=list, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("event report")
        verbose_name_plural = _("event reports")

    def __str__(self) -> str:
        return f"report on {self.event_id}"

    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class EventProposal(models.Model):
    """A proposal collected at an event; the proposal itself lives in `proposals`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="collected_proposals")
    proposal = models.OneToOneField("proposals.Proposal", on_delete=models.CASCADE, related_name="campaign_event")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal collected at an event")
        verbose_name_plural = _("proposals collected at events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"event {self.event_id}: proposal {self.proposal_id}"


def photo_path(instance: EventPhoto, filename: str) -> str:
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(instance.content_type, "bin")
    return f"campaign/photos/{timezone.now():%Y/%m}/event-{instance.event_id}-{timezone.now():%H%M%S%f}.{extension}"


class EventPhoto(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of event {self.event_id}"


class Assignment(models.Model):
    """A volunteer assigned to an event, and the hours they logged there."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="assignments")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="assignments")
    task = models.CharField(_("task"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("volunteer assignment")
        verbose_name_plural = _("volunteer assignments")
        ordering = ["event", "volunteer"]
        constraints = [models.UniqueConstraint(fields=["volunteer", "event"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.volunteer_id} at {self.event_id}"


class ChangeRecord(models.Model):
    """Who changed what in the campaign, when, with the values before and after."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    region = models.CharField(max_length=40, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("campaign change")
        verbose_name_plural = _("campaign changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"

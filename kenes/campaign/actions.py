"""Campaign writes that touch several models or leave a record: every change a coordinator makes
is written to ChangeRecord (who, when, before, after). Callers check access first (access.py)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.campaign.images import ImageInfo
from kenes.campaign.models import (
    Assignment,
    ChangeRecord,
    Coalition,
    Event,
    EventPhoto,
    EventProposal,
    EventReport,
    EventStatus,
    Membership,
    Organisation,
    Plan,
    PlanTarget,
    Volunteer,
)
from kenes.campaign.plan_import import ParsedPlan, PlanRow, RowError, parse_plan

EVENT_FIELDS = (
    "title", "description", "event_type", "format", "online_url", "starts_at", "ends_at", "district", "place",
    "organisers", "audiences", "themes", "expected_attendance",
)
PROPOSAL_SOURCE = "campaign-event"


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "pk"):
            value = value.pk
        out[key] = value
    return out


def _actor(user: Any) -> Any:
    """The user to record, or None for the system (commands, demo loader)."""
    return user if user is not None and user.is_authenticated else None


def record_change(*, user: Any, action: str, obj: Any, region: str, before: dict[str, Any] | None = None,
                  after: dict[str, Any] | None = None) -> ChangeRecord:
    return ChangeRecord.objects.create(
        user=_actor(user), action=action,
        object_type=type(obj).__name__, object_id=obj.pk, region=region,
        before=_jsonable(before or {}), after=_jsonable(after or {}),
    )


def create_coalition(*, user: Any, level: str, name_kk: str, name_ru: str = "", name_en: str = "",
                     parent: Coalition | None = None, region: str = "", district: str = "",
                     founded_on: date | None = None) -> Coalition:
    with transaction.atomic():
        coalition = Coalition.objects.create(
            level=level, name_kk=name_kk, name_ru=name_ru, name_en=name_en, parent=parent, region=region,
            district=district, founded_on=founded_on,
        )
        record_change(user=user, action="create", obj=coalition, region=region, after=model_to_dict(coalition))
    return coalition


def add_member(*, user: Any, coalition: Coalition, role: str, organisation: Organisation | None = None,
               person_name: str = "") -> Membership:
    with transaction.atomic():
        membership = Membership.objects.create(
            coalition=coalition, organisation=organisation, person_name=person_name, role=role,
        )
        record_change(user=user, action="add_member", obj=membership, region=coalition.region,
                      after=model_to_dict(membership))
    return membership


def create_organisation(*, user: Any, name: str, kind: str, region: str = "",
                        parent: Organisation | None = None) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, kind=kind, region=region, parent=parent)
        record_change(user=user, action="create", obj=organisation, region=region, after=model_to_dict(organisation))
    return organisation


def create_event(*, user: Any, coalition: Coalition, region: str, values: dict[str, Any],
                 plan: Plan | None = None) -> Event:
    with transaction.atomic():
        event = Event(coalition=coalition, plan=plan, region=region, created_by=_actor(user))
        for name in EVENT_FIELDS:
            if name in values:
                setattr(event, name, values[name])
        event.full_clean()
        event.save()
        record_change(user=user, action="create", obj=event, region=region,
                      after={name: getattr(event, name) for name in EVENT_FIELDS})
    return event


def update_event(*, user: Any, event: Event, values: dict[str, Any]) -> Event:
    with transaction.atomic():
        before = {name: getattr(event, name) for name in EVENT_FIELDS}
        for name in EVENT_FIELDS:
            if name in values:
                setattr(event, name, values[name])
        event.full_clean()
        event.save()
        after = {name: getattr(event, name) for name in EVENT_FIELDS}
        changed = [name for name in EVENT_FIELDS if before[name] != after[name]]
        record_change(user=user, action="update", obj=event, region=event.region,
                      before={n: before[n] for n in changed}, after={n: after[n] for n in changed})
    return event


def cancel_event(*, user: Any, event: Event) -> Event:
    with transaction.atomic():
        before = event.status
        event.status = EventStatus.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        record_change(user=user, action="cancel", obj=event, region=event.region,
                      before={"status": before}, after={"status": event.status})
    return event


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def _row_values(row: PlanRow) -> dict[str, Any]:
    return {
        "title": row.title, "description": row.description, "event_type": row.event_type, "format": row.format,
        "online_url": row.online_url, "starts_at": row.starts_at, "ends_at": row.ends_at, "district": row.district,
        "place": row.place, "organisers": row.organisers, "audiences": row.audiences, "themes": row.themes,
        "expected_attendance": row.expected_attendance,
    }


def get_or_create_plan(*, user: Any, coalition: Coalition, title: str, starts_on: date, ends_on: date) -> Plan:
    plan = Plan.objects.filter(coalition=coalition, title=title).first()
    if plan is not None:
        return plan
    with transaction.atomic():
        plan = Plan.objects.create(coalition=coalition, title=title, starts_on=starts_on, ends_on=ends_on)
        record_change(user=user, action="create", obj=plan, region=coalition.region, after=model_to_dict(plan))
    return plan


def import_plan(*, user: Any, plan: Plan, data: bytes, filename: str = "") -> ImportResult:
    """Import the events of a plan file into `plan`. Idempotent: a row already imported (same id
    column, or same date, time, title, place and district) updates its event instead of adding
    one; the status of an event already held or cancelled is never changed. Bad rows are reported
    and skipped. Raises ImportFileError when the file as a whole cannot be read."""
    coalition = plan.coalition
    parsed: ParsedPlan = parse_plan(data, region=coalition.region, filename=filename)
    result = ImportResult(errors=list(parsed.errors))
    if coalition.level != "national":
        region = coalition.region
    else:
        region = ""
    if not region:
        for row in parsed.rows:
            result.errors.append(RowError(row.line, _("a national coalition's events are entered one by one, with a region")))
        parsed.rows = []
    existing = {
        e.import_key: e for e in Event.objects.filter(coalition=coalition, import_key__in=[r.key for r in parsed.rows])
    }
    to_create: list[Event] = []
    to_update: list[Event] = []
    now = timezone.now()
    for row in parsed.rows:
        values = _row_values(row)
        event = existing.get(row.key)
        if event is None:
            to_create.append(Event(coalition=coalition, plan=plan, import_key=row.key, region=region,
                                   created_by=_actor(user), **values))
            continue
        if all(getattr(event, name) == value for name, value in values.items()) and event.plan_id == plan.pk:
            result.unchanged += 1
            continue
        for name, value in values.items():
            setattr(event, name, value)
        event.plan = plan
        event.updated_at = now
        to_update.append(event)
    with transaction.atomic():
        # A concurrent import of the same file may have stored some rows a moment ago: skip those.
        Event.objects.bulk_create(to_create, batch_size=500, ignore_conflicts=True)
        if to_update:
            Event.objects.bulk_update(to_update, [*EVENT_FIELDS, "plan", "updated_at"], batch_size=500)
        if not plan.targets.exists() and parsed.rows:
            counts = Counter(row.event_type for row in parsed.rows)
            PlanTarget.objects.bulk_create(
                [PlanTarget(plan=plan, event_type=kind, audience="", count=n) for kind, n in sorted(counts.items())]
            )
        result.created, result.updated = len(to_create), len(to_update)
        record_change(user=user, action="import_plan", obj=plan, region=coalition.region, after={
            "file": filename[:200], "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "errors": len(result.errors),
        })
    result.errors.sort(key=lambda e: e.line)
    return result


def fit_plan_period(*, user: Any, plan: Plan) -> Plan:
    """Set a plan's period to the days of its events (after a first import without dates)."""
    bounds = plan.events.aggregate(first=models.Min("starts_at"), last=models.Max("starts_at"))
    if bounds["first"] is None:
        return plan
    before = {"starts_on": plan.starts_on, "ends_on": plan.ends_on}
    plan.starts_on = timezone.localdate(bounds["first"])
    plan.ends_on = timezone.localdate(bounds["last"])
    plan.save(update_fields=["starts_on", "ends_on"])
    record_change(user=user, action="fit_period", obj=plan, region=plan.coalition.region, before=before,
                  after={"starts_on": plan.starts_on, "ends_on": plan.ends_on})
    return plan


def set_plan_target(*, user: Any, plan: Plan, event_type: str, audience: str, count: int) -> PlanTarget | None:
    """Set how many events of a type (for an audience, or any) the plan promises; 0 removes it."""
    with transaction.atomic():
        target = PlanTarget.objects.filter(plan=plan, event_type=event_type, audience=audience).first()
        before = {"count": target.count} if target else {}
        if count == 0:
            if target is not None:
                target.delete()
            result = None
        else:
            target, _created = PlanTarget.objects.update_or_create(
                plan=plan, event_type=event_type, audience=audience, defaults={"count": count},
            )
            result = target
        record_change(user=user, action="set_target", obj=plan, region=plan.coalition.region, before=before,
                      after={"event_type": event_type, "audience": audience, "count": count})
    return result


@dataclass
class CollectedProposal:
    """A proposal voiced at an event, as the coordinator wrote it down."""

    text: str
    article: Any = None  # kenes.drafts.models.Article or None (the draft as a whole)
    kind: str = "amend"
    author_name: str = ""


@dataclass
class Photo:
    name: str
    data: bytes
    info: ImageInfo


def _proposal_source_id(event: Event, item: CollectedProposal) -> str:
    article = item.article.pk if item.article is not None else 0
    digest = hashlib.sha256(f"{article}|{item.kind}|{item.text.strip()}".encode()).hexdigest()[:24]
    return f"{event.pk}:{digest}"


class ReportError(ValueError):
    """A collected proposal was refused; nothing of the report was saved."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def report_event(*, user: Any, event: Event, attendance: int, audiences: list[str], themes: list[str],
                 questions: str = "", summary: str = "", media_links: list[str] | None = None,
                 proposals: list[CollectedProposal] | None = None, version: Any = None,
                 photos: list[Photo] | None = None) -> EventReport:
    """Write (or correct) the report of an event and mark it held. Each collected proposal becomes
    a proposal with channel "meeting" linked to the event; the same proposal sent twice is kept
    once. Photos must already be checked (images.inspect_image). Raises ReportError (and saves
    nothing) when a proposal is refused."""
    from kenes.proposals.actions import SubmissionError, submit_proposal

    proposals = proposals or []
    if proposals and version is None:
        raise ValueError("collected proposals need the draft version they concern")
    with transaction.atomic():
        # One report per event: a second submission of the same form waits here, then corrects it.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        report = EventReport.objects.filter(event=event).first()
        before = model_to_dict(report, exclude=["id", "event"]) if report else {}
        if report is None:
            report = EventReport(event=event)
        report.attendance = attendance
        report.audiences = list(audiences)
        report.themes = list(themes)
        report.questions = questions
        report.summary = summary
        report.media_links = list(media_links or [])
        report.reported_by = _actor(user)
        report.reported_at = timezone.now()
        report.save()
        status_before = event.status
        if event.status != EventStatus.HELD:
            event.status = EventStatus.HELD
            event.save(update_fields=["status", "updated_at"])
        known = set(
            EventProposal.objects.filter(event=event).values_list("proposal__source_id", flat=True)
        )
        created_at = event.starts_at if event.starts_at <= timezone.now() else None
        added = []
        for index, item in enumerate(proposals):
            source_id = _proposal_source_id(event, item)
            if source_id in known:
                continue
            try:
                proposal = submit_proposal(
                    version=version, article=item.article, text=item.text.strip(), kind=item.kind,
                    region=event.region, channel="meeting", author=None, author_name=item.author_name,
                    source=PROPOSAL_SOURCE, source_id=source_id, created_at=created_at,
                )
            except SubmissionError as exc:
                raise ReportError(index, str(exc)) from exc
            EventProposal.objects.create(event=event, proposal=proposal)
            known.add(source_id)
            added.append(proposal.pk)
        for photo in photos or []:
            stored = EventPhoto(event=event, content_type=photo.info.content_type, size=len(photo.data),
                                width=photo.info.width, height=photo.info.height,
                                uploaded_by=_actor(user))
            stored.image.save(photo.name, ContentFile(photo.data), save=False)
            stored.save()
        after = model_to_dict(report, exclude=["id", "event"])
        after.update({"status": event.status, "proposals_added": added, "photos_added": len(photos or [])})
        before["status"] = status_before
        record_change(user=user, action="report", obj=event, region=event.region, before=before, after=after)
    return report


def create_volunteer(*, user: Any, full_name: str, region: str, district: str = "", phone: str = "",
                     skills: str = "", languages: list[str] | None = None, availability: str = "any",
                     coalition: Coalition | None = None) -> Volunteer:
    with transaction.atomic():
        volunteer = Volunteer.objects.create(
            full_name=full_name, region=region, district=district, phone=phone, skills=skills,
            languages=list(languages or []), availability=availability, coalition=coalition,
        )
        record_change(user=user, action="create", obj=volunteer, region=region,
                      after={"full_name": full_name, "district": district})
    return volunteer


def assign_volunteer(*, user: Any, event: Event, volunteer: Volunteer, task: str = "") -> Assignment:
    if volunteer.region != event.region:
        raise ValueError("a volunteer works in their own region")
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(volunteer=volunteer, event=event, defaults={"task": task})
        if not created and task and assignment.task != task:
            assignment.task = task
            assignment.save(update_fields=["task"])
        record_change(user=user, action="assign", obj=assignment, region=event.region,
                      after={"volunteer": volunteer.pk, "event": event.pk, "task": task})
    return assignment


def log_hours(*, user: Any, assignment: Assignment, hours: Decimal) -> Assignment:
    if hours < 0 or hours > 24:
        raise ValueError("hours must be between 0 and 24 for one event")
    with transaction.atomic():
        before = assignment.hours
        assignment.hours = hours
        assignment.save(update_fields=["hours"])
        record_change(user=user, action="log_hours", obj=assignment, region=assignment.event.region,
                      before={"hours": before}, after={"hours": hours})
    return assignment

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kenes.campaign.models import (
    Assignment,
    ChangeRecord,
    Coalition,
    Event,
    EventReport,
    Membership,
    Organisation,
    Plan,
    PlanTarget,
    Volunteer,
)


class MembershipInline(admin.TabularInline[Membership, Coalition]):
    model = Membership
    extra = 0
    raw_id_fields = ("organisation",)


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin[Coalition]):
    list_display = ("name_kk", "level", "region", "district")
    list_filter = ("level", "region")
    search_fields = ("name_kk", "name_ru", "name_en")
    raw_id_fields = ("parent",)
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind", "region")
    list_filter = ("kind", "region")
    search_fields = ("name",)
    raw_id_fields = ("parent",)


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin[Volunteer]):
    list_display = ("full_name", "region", "district", "availability")
    list_filter = ("region", "availability")
    search_fields = ("full_name",)
    raw_id_fields = ("coalition", "user")


class PlanTargetInline(admin.TabularInline[PlanTarget, Plan]):
    model = PlanTarget
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ("title", "coalition", "starts_on", "ends_on")
    raw_id_fields = ("coalition",)
    inlines = [PlanTargetInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("title", "event_type", "format", "status", "region", "starts_at")
    list_filter = ("status", "event_type", "format", "region")
    search_fields = ("title", "place")
    raw_id_fields = ("coalition", "plan", "created_by")
    date_hierarchy = "starts_at"


@admin.register(EventReport)
class EventReportAdmin(admin.ModelAdmin[EventReport]):
    list_display = ("event", "attendance", "reported_at")
    raw_id_fields = ("event", "reported_by")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin[Assignment]):
    list_display = ("volunteer", "event", "hours")
    raw_id_fields = ("volunteer", "event")


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin[ChangeRecord]):
    list_display = ("at", "user", "action", "object_type", "object_id", "region")
    list_filter = ("action", "object_type", "region")

    def has_change_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False

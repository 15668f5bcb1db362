"""Who may see and change what in the campaign: decided by the region an object belongs to.

A coordinator covers their own region (`user.covers_region`); a national coordinator (no region)
and an admin cover every region. Commission members read every region's campaign but change
nothing. Everyone else sees only the public event pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kenes.campaign.models import Coalition, Event, Plan, Volunteer


def can_view_region(user: Any, region: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return bool(user.covers_region(region))
    if user.is_commission:
        return True
    return False


def can_change_region(user: Any, region: str) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_coordinator:
        return False
    return bool(user.covers_region(region))


def can_use_campaign(user: Any) -> bool:
    """The coordinators' pages at all (each object is still checked by region)."""
    return bool(user.is_authenticated and (user.is_coordinator or user.is_commission))


def require_campaign_user(user: Any) -> None:
    if not can_use_campaign(user):
        raise PermissionDenied


def get_coalition_for_user(user: Any, coalition_id: int, *, change: bool = False) -> Coalition:
    coalition: Coalition = get_object_or_404(Coalition.objects.select_related("parent"), pk=coalition_id)
    allowed = can_change_region if change else can_view_region
    if not allowed(user, coalition.region):
        raise PermissionDenied
    return coalition


def get_plan_for_user(user: Any, plan_id: int, *, change: bool = False) -> Plan:
    plan: Plan = get_object_or_404(Plan.objects.select_related("coalition"), pk=plan_id)
    allowed = can_change_region if change else can_view_region
    if not allowed(user, plan.coalition.region):
        raise PermissionDenied
    return plan


def get_event_for_user(user: Any, event_id: int, *, change: bool = False) -> Event:
    """An event the user may manage: its region and its coalition's region must both be covered."""
    event: Event = get_object_or_404(Event.objects.select_related("coalition"), pk=event_id)
    allowed = can_change_region if change else can_view_region
    if not allowed(user, event.region):
        raise PermissionDenied
    if change and not allowed(user, event.coalition.region):
        raise PermissionDenied
    return event


def get_public_event(event_id: int) -> Event:
    """An event page anyone may read (a cancelled event says so on its page)."""
    event: Event = get_object_or_404(Event.objects.select_related("coalition"), pk=event_id)
    return event


def get_volunteer_for_user(user: Any, volunteer_id: int, *, change: bool = False) -> Volunteer:
    volunteer: Volunteer = get_object_or_404(Volunteer, pk=volunteer_id)
    allowed = can_change_region if change else can_view_region
    if not allowed(user, volunteer.region):
        raise PermissionDenied
    return volunteer

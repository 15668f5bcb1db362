from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command

from kenes.campaign.demo import load_demo
from kenes.campaign.models import Coalition, Event, EventProposal, EventReport, Level, Volunteer

pytestmark = pytest.mark.django_db


def digest() -> str:
    rows = Event.objects.order_by("import_key").values_list("import_key", "title", "event_type", "region", "district",
                                                            "status", "expected_attendance")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_demo_loads_once_and_is_deterministic(draft: Any, capsys: Any) -> None:
    call_command("load_campaign_demo", "--events", "400")
    out = capsys.readouterr().out
    assert "420 events" in out
    assert Coalition.objects.filter(level=Level.NATIONAL).count() == 1
    assert Coalition.objects.filter(level=Level.REGIONAL).count() == 20
    national = Coalition.objects.get(level=Level.NATIONAL)
    assert national.memberships.filter(organisation__kind="party").count() == 5
    assert national.memberships.filter(organisation__kind="ngo").count() >= 300
    assert Coalition.objects.filter(level=Level.TERRITORIAL).count() == 224
    assert Volunteer.objects.filter(region="atyrau").count() >= 200
    assert Coalition.objects.get(level=Level.REGIONAL, region="atyrau").memberships.count() >= 349
    held = Event.objects.filter(status="held").count()
    assert EventReport.objects.count() == held and 0.3 * 420 < held < 0.8 * 420
    assert Event.objects.filter(status="planned", starts_at__gt=draft.created_at).exists()
    assert EventProposal.objects.exists()
    assert set(EventProposal.objects.values_list("proposal__channel", flat=True)) == {"meeting"}
    assert not Event.objects.filter(format="offline").exclude(online_url="").exists()
    assert not Event.objects.exclude(format="offline").filter(online_url="").exists()

    call_command("load_campaign_demo")
    assert "already exist" in capsys.readouterr().out
    assert Event.objects.count() == 420



def wipe() -> None:
    EventProposal.objects.all().delete()
    Event.objects.all().delete()
    Volunteer.objects.all().delete()
    for level in (Level.TERRITORIAL, Level.REGIONAL, Level.NATIONAL):
        Coalition.objects.filter(level=level).delete()


def test_same_seed_same_content() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    load_demo(events=300, now=now)
    first = digest()
    wipe()
    load_demo(events=300, now=now)
    assert digest() == first
    wipe()
    load_demo(events=300, now=now, seed=1)
    assert digest() != first

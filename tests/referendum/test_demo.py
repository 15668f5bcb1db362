"""The demo referendum loads, adds up, and flags the published national figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kenes.referendum import actions
from kenes.referendum.demo import load_demo
from kenes.referendum.models import Protocol, Status, TurnoutReport

pytestmark = pytest.mark.django_db


def test_demo_referendum(users: dict[str, Any]) -> None:
    referendum = load_demo(precincts_per_district=1)
    assert load_demo(precincts_per_district=1).pk == referendum.pk  # idempotent
    counted = Protocol.objects.counted().filter(question__referendum=referendum).count()
    assert counted == 224 - 3
    assert Protocol.objects.filter(status=Status.MISMATCH).count() == 1
    assert Protocol.objects.filter(status=Status.AWAITING).count() == 1
    assert actions.recount(referendum, write=False).differences == []
    central = Protocol.objects.get(commission=referendum.central())
    assert central.is_flagged and central.violations[0]["gap"] == 127_868
    for precinct_id in TurnoutReport.objects.values_list("commission_id", flat=True).distinct()[:50]:
        voted = list(TurnoutReport.objects.filter(commission_id=precinct_id).order_by("hour").values_list("voted", flat=True))
        assert voted == sorted(voted)
    page = Client().get(referendum.get_absolute_url()).content.decode()
    assert 'data-testid="published-protocol"' in page and "127" in page
    assert 'data-testid="violation-valid_invalid_eq_found"' in page

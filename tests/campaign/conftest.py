"""Campaign fixtures: a national coalition, regional coalitions in Atyrau and Kyzylorda, a
territorial one in Atyrau, and a few events of each region."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """The shared `users` fixture hashes ten passwords per test; a fast hasher keeps the role matrix quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign(db: Any) -> dict[str, Any]:
    from kenes.campaign.models import Coalition, Event, Level, Plan, PlanTarget

    national = Coalition.objects.create(level=Level.NATIONAL, name_kk="Жалпыұлттық коалиция", name_ru="Общенациональная коалиция")
    atyrau = Coalition.objects.create(level=Level.REGIONAL, parent=national, region="atyrau", name_kk="Атырау өңірлік коалициясы")
    kyzylorda = Coalition.objects.create(level=Level.REGIONAL, parent=national, region="kyzylorda", name_kk="Қызылорда өңірлік коалициясы")
    zhylyoi = Coalition.objects.create(level=Level.TERRITORIAL, parent=atyrau, region="atyrau", district="KZ233600",
                                       name_kk="Жылыой аумақтық коалициясы")
    soon = timezone.now() + timedelta(days=3)
    plan = Plan.objects.create(coalition=atyrau, title="Ақпан–наурыз", starts_on=soon.date(), ends_on=soon.date() + timedelta(days=30))
    PlanTarget.objects.create(plan=plan, event_type="meeting", count=10)
    a1 = Event.objects.create(coalition=atyrau, plan=plan, title="Мұнайшылармен кездесу", event_type="meeting", region="atyrau",
                              district="KZ233600", place="Құлсары", starts_at=soon, audiences=["workers"], themes=["labour"],
                              expected_attendance=200)
    a2 = Event.objects.create(coalition=zhylyoi, title="Жастармен дөңгелек үстел", event_type="round_table", region="atyrau",
                              starts_at=soon + timedelta(days=1), audiences=["youth"], expected_attendance=50)
    k1 = Event.objects.create(coalition=kyzylorda, title="Ардагерлермен кездесу", event_type="meeting", region="kyzylorda",
                              starts_at=soon, audiences=["veterans"], expected_attendance=80)
    return {"national": national, "atyrau": atyrau, "kyzylorda": kyzylorda, "zhylyoi": zhylyoi, "plan": plan,
            "a1": a1, "a2": a2, "k1": k1}

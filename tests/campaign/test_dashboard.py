"""Dashboards: plan against done, by region, type, week, audience and theme; a fixed number of
queries whatever the number of events; CSV/XLSX export; the sortable table of regions."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kenes.campaign.actions import report_event
from kenes.campaign.dashboard import build_dashboard, sort_rows
from kenes.campaign.models import Coalition, Event, PlanTarget

pytestmark = pytest.mark.django_db


def add_events(coalition: Coalition, n: int, *, held: int = 0) -> None:
    start = timezone.now() - timedelta(days=20)
    events = Event.objects.bulk_create([
        Event(coalition=coalition, title=f"Іс-шара {i}", event_type="meeting" if i % 2 else "visit", region=coalition.region,
              starts_at=start + timedelta(days=i % 40), audiences=["youth"], themes=["labour"], expected_attendance=10)
        for i in range(n)
    ])
    for event in events[:held]:
        report_event(user=None, event=event, attendance=7, audiences=["youth", "veterans"], themes=["labour", "ecology_health"])


def test_numbers(campaign: dict[str, Any]) -> None:
    add_events(campaign["atyrau"], 6, held=2)
    campaign["a2"].status = "cancelled"
    campaign["a2"].save()
    board = build_dashboard(Event.objects.filter(region="atyrau"), PlanTarget.objects.filter(plan__coalition__region="atyrau"))
    totals = board.totals
    assert (totals.target, totals.scheduled, totals.held, totals.cancelled) == (10, 7, 2, 1)
    assert totals.attendance == 14 and totals.expected == 6 * 10 + 200
    assert totals.completion == 20.0
    assert dict((s, (p, d)) for s, _l, p, d in board.audiences) == {"youth": (6, 2), "veterans": (0, 2), "workers": (1, 0)}
    assert dict((s, (p, d)) for s, _l, p, d in board.themes) == {"labour": (7, 2), "ecology_health": (0, 2)}
    assert {r.key: (r.target, r.scheduled, r.held) for r in board.types} == {"meeting": (10, 4, 1), "visit": (0, 3, 1)}
    assert sum(h for _w, _s, h in board.weeks) == 2


def test_region_table_and_sorting(campaign: dict[str, Any]) -> None:
    add_events(campaign["kyzylorda"], 4, held=3)
    add_events(campaign["atyrau"], 4, held=1)
    board = build_dashboard(Event.objects.all(), PlanTarget.objects.all())
    assert len(board.regions) == 20
    by_key = {r.key: r for r in board.regions}
    assert (by_key["kyzylorda"].held, by_key["kyzylorda"].scheduled) == (3, 5)
    assert (by_key["atyrau"].held, by_key["atyrau"].target) == (1, 10)
    assert [r.key for r in sort_rows(board.regions, "-held")][:2] == ["kyzylorda", "atyrau"]
    assert sort_rows(board.regions, "name")[0].name <= sort_rows(board.regions, "name")[1].name
    assert sort_rows(board.regions, "__class__") == board.regions


def test_dashboard_queries_do_not_grow_with_events(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator_national"])
    url = reverse("campaign:dashboard")
    add_events(campaign["atyrau"], 5, held=2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_events(campaign["kyzylorda"], 120, held=40)
    add_events(campaign["zhylyoi"], 60, held=10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 14


def test_page_shows_charts_and_changes_when_an_event_is_reported(client: Any, users: dict[str, Any],
                                                                 campaign: dict[str, Any]) -> None:
    client.force_login(users["coordinator"])
    url = reverse("campaign:dashboard")
    before = client.get(url)
    assert before.context["board"].totals.held == 0
    assert before.content.decode().count("<svg") >= 3
    report_event(user=users["coordinator"], event=campaign["a1"], attendance=250, audiences=["workers"], themes=["labour"])
    after = client.get(url)
    assert after.context["board"].totals.held == 1 and after.context["board"].totals.attendance == 250


def test_sorting_with_htmx_renders_only_the_table(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    add_events(campaign["kyzylorda"], 3, held=3)
    client.force_login(users["coordinator_national"])
    response = client.get(reverse("campaign:dashboard") + "?sort=-held", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and 'data-testid="regions-table"' in page
    assert page.index("Қызылорда") < page.index("Атырау")
    assert client.get(reverse("campaign:dashboard") + "?sort=evil;drop").context["sort"] == "-completion"


def test_exports(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    add_events(campaign["atyrau"], 4, held=2)
    client.force_login(users["coordinator_national"])
    response = client.get(reverse("campaign:dashboard_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = rows[1]
    assert total[2:5] == ["10", "7", "2"]
    assert [r[1] for r in rows if r[0] == rows[2][0]][:1] == ["Абай облысы"]
    response = client.get(reverse("campaign:dashboard_xlsx") + "?region=atyrau")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][2:5] == (10, 6, 2)
    assert len(values[0]) == 9


def test_spreadsheet_cells_cannot_start_a_formula() -> None:
    from kenes.campaign.views import _safe_cell

    assert _safe_cell('=HYPERLINK("http://evil")') == "'=HYPERLINK(\"http://evil\")"
    assert _safe_cell("+1") == "'+1" and _safe_cell("@x") == "'@x" and _safe_cell("-2") == "'-2"
    assert _safe_cell("Атырау") == "Атырау" and _safe_cell(5) == 5


def test_htmx_sorting_runs_only_the_table_queries(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    add_events(campaign["kyzylorda"], 30, held=5)
    client.force_login(users["coordinator_national"])
    with CaptureQueriesContext(connection) as full:
        client.get(reverse("campaign:dashboard") + "?sort=-held")
    with CaptureQueriesContext(connection) as table:
        response = client.get(reverse("campaign:dashboard") + "?sort=-held", HTTP_HX_REQUEST="true")
    assert response.context["rows"][0].key == "kyzylorda"
    assert len(table) <= 4 < len(full)  # session and user, then the two grouped queries

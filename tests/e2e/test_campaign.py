"""Browser journey: a regional coordinator imports a work plan, reports an event with proposals
collected there and sees the dashboard change; a coordinator of another region cannot touch it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone


def test_regional_coordinator_runs_the_campaign(page: Any, login: Any, users: dict[str, Any], draft: Any,
                                                tmp_path: Path) -> None:
    from kenes.campaign.models import Coalition, Event, EventProposal, Level

    national = Coalition.objects.create(level=Level.NATIONAL, name_kk="Жалпыұлттық коалиция")
    atyrau = Coalition.objects.create(level=Level.REGIONAL, parent=national, region="atyrau",
                                      name_kk="Атырау өңірлік коалициясы")
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    plan_file = tmp_path / "plan.csv"
    plan_file.write_text(
        "id;date;time;type;format;title;place;district;audiences;expected;link\n"
        f"A-1;{day};11:00;кездесу;офлайн;Мұнайшылармен кездесу;Құлсары;Жылыой;жұмысшылар;200;\n"
        f"A-2;{day};15:00;round_table;hybrid;Жастармен дөңгелек үстел;Атырау;Атырау;youth;60;https://meet.example.kz/a2\n"
        f"A-3;{day};10:00;visit;offline;Индер ауданына сапар;Индер;Индер;general_public;300;\n"
        f"A-4;{day};10:00;meeting;offline;Қате жол;;Арал;;;\n",
        encoding="utf-8",
    )

    login("coord_atyrau")
    page.goto(f"/en/campaign/coalitions/{atyrau.pk}/")
    page.click("[data-testid=import-plan]")
    page.fill("#id_plan_title", "Ақпан жоспары")
    page.set_input_files("#id_file", str(plan_file))
    page.click("[data-testid=import-submit]")
    result = page.locator("[data-testid=import-result]")
    assert "3 new events" in result.inner_text()
    errors = page.locator("[data-testid=import-errors]").inner_text()
    assert "5" in errors and "not in this region" in errors  # row 5 (the header is row 1)
    assert Event.objects.filter(coalition=atyrau).count() == 3

    page.goto("/en/campaign/dashboard/")
    assert page.locator("[data-testid=total-plan]").inner_text() == "3"
    assert page.locator("[data-testid=total-held]").inner_text() == "0"

    event = Event.objects.get(coalition=atyrau, import_key="id:A-1")
    page.goto(f"/en/campaign/events/{event.pk}/")
    page.click("[data-testid=report-event]")
    page.fill("#id_attendance", "230")
    page.check("input[name=audiences][value=workers]")
    page.fill("#id_questions", "Жалақы қалай қорғалады?")
    page.select_option("#id_proposals-0-article", label="2. 2-бап тақырыбы")
    page.fill("#id_proposals-0-text", "2-бапқа еңбек құқықтары туралы норма қосу керек.")
    page.fill("#id_proposals-1-text", "Жоба жалпы қолдау тапты.")
    page.click("[data-testid=save-report]")
    page.wait_for_selector("[data-testid=event-report]")
    assert "230" in page.locator("[data-testid=event-report]").inner_text()
    assert "2-бапқа еңбек құқықтары" in page.locator("[data-testid=event-proposals]").inner_text()
    event.refresh_from_db()
    assert event.status == "held"
    links = EventProposal.objects.filter(event=event).select_related("proposal__article")
    assert sorted((link.proposal.channel, link.proposal.article.number if link.proposal.article else 0)
                  for link in links) == [("meeting", 0), ("meeting", 2)]

    page.goto("/en/campaign/dashboard/")
    assert page.locator("[data-testid=total-held]").inner_text() == "1"
    assert page.locator("[data-testid=total-attendance]").inner_text() == "230"
    assert page.locator("[data-testid=total-proposals]").inner_text() == "2"

    # A coordinator of Kyzylorda cannot touch Atyrau's campaign.
    page.context.clear_cookies()
    login("coord_kyzylorda")
    for url in (f"/en/campaign/events/{event.pk}/report/", f"/en/campaign/coalitions/{atyrau.pk}/import/",
                "/en/campaign/dashboard/?region=atyrau"):
        response = page.goto(url)
        assert response is not None and response.status == 403, url
    page.goto(f"/en/campaign/events/{event.pk}/")
    assert page.locator("[data-testid=report-event]").count() == 0
    token = page.evaluate("document.cookie.split('; ').find(c => c.startsWith('csrftoken='))?.split('=')[1] || ''")
    response = page.request.post(f"/en/campaign/events/{event.pk}/cancel/", headers={"X-CSRFToken": token})
    assert response.status == 403
    event.refresh_from_db()
    assert event.status == "held"
    page.goto("/en/campaign/dashboard/")
    assert page.locator("[data-testid=total-plan]").inner_text() == "0"

"""Browser journey of the analyst workspace: on the demo's proposals (2,000 by default;
KENES_E2E_INSIGHTS_PROPOSALS to change), an analyst runs the analysis, then answers group after
group and cluster after cluster until nothing is left unanswered, and the public page shows it."""

from __future__ import annotations

import os
import re
from typing import Any

from django.core.cache import cache

from kenes.insights.models import AnalysisRun
from kenes.proposals.models import ANSWER_STATUSES, Proposal

PROPOSALS = int(os.environ.get("KENES_E2E_INSIGHTS_PROPOSALS", "2000"))


def test_analyst_answers_every_proposal_through_groups_and_clusters(
    page: Any, login: Any, users: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    from kenes.demo.load import load_demo

    load_demo(proposals=PROPOSALS, constitution=False, seed=11)
    public = Proposal.objects.public()
    assert public.unanswered().exists()

    login("analyst")
    page.goto("/en/insights/runs/")
    page.select_option("#id_kind", "full")
    page.click("[data-testid=run-start]")
    expect(page.locator("[data-testid=run-current]")).to_be_visible(timeout=120_000)
    run = AnalysisRun.objects.current()
    assert run is not None and run.analysed == Proposal.objects.count()

    page.goto("/en/insights/?open=on")
    rows = page.locator("[data-testid=group-row]")
    expect(rows.first).to_be_visible()
    kinds: set[str] = set()
    answered_groups = 0
    for _round in range(400):
        page.goto("/en/insights/?open=on")
        if rows.count() == 0:
            break
        rows.first.locator("a").click()
        page.wait_for_url(re.compile(r"/en/insights/groups/\d+/$"))
        kinds.add(page.locator("[data-testid=group-title]").inner_text().split(" #")[0])
        page.select_option(
            "#id_status",
            "accepted" if answered_groups % 3 == 0 else "partly_accepted" if answered_groups % 3 == 1 else "rejected",
        )
        page.fill("#id_text_kk", "Жұмыс тобы ұсынысты қарады. Рақмет!")
        page.fill("#id_text_ru", "Рабочая группа рассмотрела предложение. Спасибо!")
        page.click("[data-testid=group-answer]")
        page.wait_for_url(re.compile(r"/en/insights/groups/\d+/$"))
        progress = page.locator("[data-testid=group-progress]").inner_text()
        answered, total = (int(n) for n in re.findall(r"\d+", progress)[:2])
        hidden = Proposal.objects.filter(
            analyses__run=run, analyses__group_id=int(page.url.rstrip("/").split("/")[-1]), is_hidden=True
        ).count()
        assert answered == total - hidden, progress
        answered_groups += 1
    else:
        raise AssertionError("groups with unanswered proposals are left after 400 answers")
    assert {"Form letter", "Cluster"} <= kinds
    assert not public.unanswered().exists()
    assert answered_groups < public.count() / 5  # answered by groups, not one by one

    cache.clear()  # the public figures are recomputed at most once a minute
    page.goto("/en/insights/public/")
    total = public.count()
    totals = page.locator("[data-testid=public-totals]")
    expect(totals).to_contain_text(f"{total} proposals arrived; {total} have an official answer.")
    accepted = public.filter(status="accepted").count()
    expect(page.locator("[data-testid=public-statuses] tr[data-status=accepted]")).to_contain_text(str(accepted))
    assert public.filter(status__in=ANSWER_STATUSES).count() == total
    expect(page.locator("[data-testid=public-articles] tbody tr").first).to_be_visible()

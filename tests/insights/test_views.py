from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kenes.insights.models import ProposalAnalysis, ProposalGroup


def analyst_pages(run: Any) -> list[str]:
    group = ProposalGroup.objects.filter(run=run, kind="form_letter").first()
    cluster = ProposalGroup.objects.filter(run=run, kind="cluster").first()
    analysis = ProposalAnalysis.objects.filter(run=run).exclude(article_number=None).first()
    assert group and cluster and analysis
    return [
        reverse("insights:workspace"),
        reverse("insights:workspace") + "?kind=form_letter&region=atyrau&assigned=none&open=on&q=бап",
        reverse("insights:runs"),
        reverse("insights:group", args=[group.pk]),
        reverse("insights:group", args=[cluster.pk]),
        reverse("insights:proposal", args=[analysis.proposal_id]),
        reverse("insights:corrections"),
        reverse("insights:browse"),
        reverse("insights:article", args=[analysis.article_number]),
        reverse("insights:theme", args=[analysis.theme or "human_rights"]),
        reverse("insights:region", args=["atyrau"]),
        reverse("insights:templates"),
    ]


def test_analyst_pages_render(client: Any, users: dict[str, Any], run: Any) -> None:
    client.force_login(users["analyst"])
    for url in analyst_pages(run):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("role", ["citizen", "coordinator", "coordinator_other", "moderator", "operator", "commission"])
def test_others_get_nothing(client: Any, users: dict[str, Any], run: Any, role: str) -> None:
    client.force_login(users[role])
    for url in analyst_pages(run):
        response = client.get(url)
        assert response.status_code == 403, (role, url)
        assert b"group-table" not in response.content


def test_anonymous_is_sent_to_login(client: Any, run: Any) -> None:
    for url in analyst_pages(run):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_public_pages_render_for_everyone(client: Any, run: Any) -> None:
    for url in [reverse("insights:public"), reverse("insights:open_csv"), reverse("insights:open_json")]:
        response = client.get(url)
        assert response.status_code == 200, url

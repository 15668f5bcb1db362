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


def member_ids(response: Any) -> list[int]:
    return [row["proposal"].pk for row in response.context["rows"]]


def test_group_members_page_by_keyset_both_ways(
    client: Any, users: dict[str, Any], run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kenes.insights import views

    monkeypatch.setattr(views, "MEMBERS_PAGE", 3)
    client.force_login(users["analyst"])
    group = ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size").first()
    expected = list(
        ProposalAnalysis.objects.filter(group=group).order_by("proposal_id").values_list("proposal_id", flat=True)
    )
    assert len(expected) > 7
    url = reverse("insights:group", args=[group.pk])
    pages, response = [], client.get(url)
    assert response.context["previous"] is None
    while True:
        pages.append(member_ids(response))
        following = response.context["next"]
        if following is None:
            break
        assert f'href="?after={following}"' in response.content.decode()
        response = client.get(url, {"after": following}, headers={"HX-Request": "true"})
        assert response.templates[0].name == "insights/proposalgroup_members.html"
    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == 3 for page in pages[:-1])
    backwards = []
    while response.context["previous"] is not None:
        response = client.get(url, {"before": response.context["previous"]})
        backwards.append(member_ids(response))
    assert backwards == pages[-2::-1]
    assert response.context["next"] == pages[0][-1]


@pytest.mark.parametrize("cursor", ["abc", "-5", "١٢", "9" * 40, ""])
def test_group_members_bad_cursor_is_the_first_page(client: Any, users: dict[str, Any], run: Any, cursor: str) -> None:
    client.force_login(users["analyst"])
    group = ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size").first()
    url = reverse("insights:group", args=[group.pk])
    first = member_ids(client.get(url))
    for name in ("after", "before"):
        response = client.get(url, {name: cursor})
        assert response.status_code == 200 and member_ids(response) == first


def test_group_members_past_either_end(client: Any, users: dict[str, Any], run: Any) -> None:
    client.force_login(users["analyst"])
    group = ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size").first()
    ids = list(
        ProposalAnalysis.objects.filter(group=group).order_by("proposal_id").values_list("proposal_id", flat=True)
    )
    url = reverse("insights:group", args=[group.pk])
    past = client.get(url, {"after": ids[-1]})
    assert member_ids(past) == [] and past.context["next"] is None and past.context["previous"] == ids[-1] + 1
    assert member_ids(client.get(url, {"before": past.context["previous"]}))[-1] == ids[-1]
    before_all = client.get(url, {"before": ids[0]})
    assert member_ids(before_all) == [] and before_all.context["previous"] is None
    assert member_ids(client.get(url, {"after": before_all.context["next"]}))[0] == ids[0]


def test_split_members_chosen_on_any_page(client: Any, users: dict[str, Any], run: Any) -> None:
    client.force_login(users["analyst"])
    group = ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size").first()
    last = ProposalAnalysis.objects.filter(group=group).order_by("-proposal_id").first().proposal_id
    outsider = ProposalAnalysis.objects.filter(run=run).exclude(group=group).first().proposal_id
    split = reverse("insights:group_split", args=[group.pk])
    for chosen in ([str(outsider)], [str(last), "x"], [str(last), "١"]):
        client.post(split, {"members": chosen})
        assert not ProposalGroup.objects.filter(run=run, key__startswith=f"split-{group.pk}-").exists(), chosen
    client.post(split, {"members": [str(last)]})
    moved = ProposalAnalysis.objects.get(run=run, proposal_id=last).group
    assert moved.pk != group.pk and moved.key.startswith(f"split-{group.pk}-")


@pytest.mark.parametrize("kind", ["article", "theme", "region"])
def test_slice_search_lists_the_latest_matches_of_the_slice(
    client: Any, users: dict[str, Any], run: Any, kind: str
) -> None:
    from kenes.insights.models import pack
    from kenes.proposals.models import Proposal

    client.force_login(users["analyst"])
    analysis = ProposalAnalysis.objects.filter(run=run).exclude(article_number=None).exclude(theme="").first()
    in_slice = {
        "article": ProposalAnalysis.objects.filter(run=run, articles__contains=pack([analysis.article_number])),
        "theme": ProposalAnalysis.objects.filter(run=run, theme=analysis.theme),
        "region": ProposalAnalysis.objects.filter(run=run, proposal__region=analysis.proposal.region),
    }[kind]
    url = {
        "article": reverse("insights:article", args=[analysis.article_number]),
        "theme": reverse("insights:theme", args=[analysis.theme]),
        "region": reverse("insights:region", args=[analysis.proposal.region]),
    }[kind]
    slice_ids = set(in_slice.values_list("proposal_id", flat=True))
    found = 0
    for word in ["бап", "мерзім", analysis.proposal.text.split()[0], "жоқсөзқайда"]:
        matches = set(Proposal.objects.search(word).values_list("pk", flat=True))
        expected = sorted(slice_ids & matches, reverse=True)[:50]
        response = client.get(url, {"q": word})
        assert response.status_code == 200
        assert [a.proposal_id for a in response.context["proposals"]] == expected, word
        found += len(expected)
    assert found  # some words match some proposals of the slice
    assert [a.proposal_id for a in client.get(url, {"q": "а"}).context["proposals"]] == []  # no searchable term


def test_search_condition_through_a_join_and_in_a_subquery(run: Any) -> None:
    from kenes.proposals.models import Proposal, search_condition

    for word in ["бап", "мерзім", "жоқсөзқайда"]:
        expected = set(Proposal.objects.search(word).values_list("pk", flat=True))
        joined = ProposalAnalysis.objects.filter(run=run).filter(search_condition(word, prefix="proposal__"))
        nested = ProposalAnalysis.objects.filter(run=run, proposal__in=Proposal.objects.search(word))
        assert set(joined.values_list("proposal_id", flat=True)) == expected
        assert set(nested.values_list("proposal_id", flat=True)) == expected

"""Workspace forms through the views, reports, open data, and query counts."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kenes.insights.models import AnswerTemplate, Correction, CorrectionKind, ProposalAnalysis, ProposalGroup
from kenes.proposals.models import ANSWER_STATUSES, Proposal, Status, generate_receipt_code


def biggest(run: Any, kind: str = "form_letter") -> ProposalGroup:
    group = ProposalGroup.objects.filter(run=run, kind=kind).order_by("-size").first()
    assert group is not None
    return group


@pytest.fixture
def analyst_client(client: Any, users: dict[str, Any]) -> Any:
    client.force_login(users["analyst"])
    return client


def test_group_answer_through_the_page(analyst_client: Any, run: Any) -> None:
    group = biggest(run, "cluster")
    template = AnswerTemplate.objects.create(
        title="t", status="noted", text_kk="Назарға алынды.", text_ru="Принято к сведению."
    )
    response = analyst_client.post(
        reverse("insights:group_answer", args=[group.pk]),
        {"status": "noted", "template": template.pk, "text_kk": "", "text_ru": ""},
    )
    assert response.status_code == 302
    members = Proposal.objects.filter(analyses__group=group, is_hidden=False)
    assert members.exists() and not members.exclude(status="noted").exists()
    assert set(members.values_list("answer_text", flat=True)) <= {"Назарға алынды.", "Принято к сведению."}
    page = analyst_client.get(reverse("insights:group", args=[group.pk]))
    assert b"group-progress" in page.content


@pytest.mark.parametrize(
    "data",
    [
        {"status": "accepted", "text_kk": "", "text_ru": ""},
        {"status": "bogus", "text_kk": "a", "text_ru": "a"},
        {"status": "accepted", "text_kk": "x" * 200_000, "text_ru": ""},
        {"status": "accepted", "template": "99999", "text_kk": "a"},
        {},
    ],
)
def test_group_answer_refuses_bad_input(analyst_client: Any, run: Any, data: dict[str, str]) -> None:
    group = biggest(run)
    before = list(Proposal.objects.filter(analyses__group=group).values_list("status", "answer_text"))
    response = analyst_client.post(reverse("insights:group_answer", args=[group.pk]), data, follow=True)
    assert response.status_code == 200
    assert list(Proposal.objects.filter(analyses__group=group).values_list("status", "answer_text")) == before


@pytest.mark.parametrize("sources", ["", "abc", "1; DROP TABLE", "١٢", "9" * 40, " ".join(["1"] * 2000), "999999"])
def test_merge_refuses_bad_input(analyst_client: Any, run: Any, sources: str) -> None:
    group = biggest(run)
    response = analyst_client.post(reverse("insights:group_merge", args=[group.pk]), {"sources": sources}, follow=True)
    assert response.status_code == 200
    assert not Correction.objects.exists()


def test_merge_split_assign_and_undo_through_the_pages(analyst_client: Any, run: Any, users: dict[str, Any]) -> None:
    a, b = ProposalGroup.objects.filter(run=run, kind="form_letter").order_by("-size")[:2]
    size_a = a.size
    analyst_client.post(reverse("insights:group_merge", args=[a.pk]), {"sources": f"{b.pk}"})
    a.refresh_from_db()
    assert a.size == size_a + b.size
    merged = Correction.objects.get(kind="merge")
    analyst_client.post(reverse("insights:correction_undo", args=[merged.pk]))
    a.refresh_from_db()
    assert a.size == size_a
    member = ProposalAnalysis.objects.filter(group=a).first().proposal_id
    response = analyst_client.post(reverse("insights:group_split", args=[a.pk]), {"members": [member], "label": "x"})
    assert response.status_code == 302
    assert ProposalAnalysis.objects.get(run=run, proposal_id=member).group_id != a.pk
    assert (
        analyst_client.post(reverse("insights:group_split", args=[a.pk]), {"members": ["notanumber"]}).status_code
        == 302
    )
    analyst_client.post(reverse("insights:group_assign", args=[a.pk]), {"assignee": users["analyst"].pk})
    a.refresh_from_db()
    assert a.assigned_to == users["analyst"]
    analyst_client.post(reverse("insights:group_assign", args=[a.pk]), {"assignee": users["citizen"].pk})
    a.refresh_from_db()
    assert a.assigned_to == users["analyst"]


def test_proposal_corrections_through_the_page(analyst_client: Any, run: Any) -> None:
    analysis = ProposalAnalysis.objects.filter(run=run).exclude(proposal__article=None).first()
    url = reverse("insights:proposal", args=[analysis.proposal_id])
    analyst_client.post(url, {"action": "themes", "themes": ["digital_rights"]})
    analysis.refresh_from_db()
    assert analysis.theme_list == ["digital_rights"]
    analyst_client.post(url, {"action": "themes", "themes": ["<script>alert(1)</script>"]})
    analysis.refresh_from_db()
    assert analysis.theme_list == ["digital_rights"]
    analyst_client.post(url, {"action": "article", "article": "9999"})
    assert not Correction.objects.filter(kind="article").exists()
    analyst_client.post(url, {"action": "move", "group": "123456789"})
    analyst_client.post(url, {"action": "move", "group": "-1"})
    assert not Correction.objects.filter(kind="move").exists()
    target = ProposalGroup.objects.filter(run=run).exclude(pk=analysis.group_id).first()
    analyst_client.post(url, {"action": "move", "group": str(target.pk)})
    analysis.refresh_from_db()
    assert analysis.group_id == target.pk
    page = analyst_client.get(url)
    assert page.status_code == 200 and b"corrections" in page.content


def test_user_text_is_escaped_in_the_workspace(analyst_client: Any, run: Any) -> None:
    group = biggest(run)
    group.label = "<script>alert('x')</script>"
    group.save()
    member = ProposalAnalysis.objects.filter(group=group).first().proposal
    Proposal.objects.filter(pk=member.pk).update(text=member.text + " <img src=x onerror=alert(1)>")
    for url in [reverse("insights:workspace"), reverse("insights:group", args=[group.pk])]:
        content = analyst_client.get(url).content.decode()
        assert "<script>alert(" not in content and "<img src=x" not in content


def test_report_and_xlsx(client: Any, users: dict[str, Any], run: Any) -> None:
    for role in ("analyst", "commission"):
        client.force_login(users[role])
        assert client.get(reverse("insights:report")).status_code == 200
        response = client.get(reverse("insights:report_xlsx"))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        assert len(book.sheetnames) == 6
        summary = list(book.worksheets[0].iter_rows(values_only=True))
        assert summary[0][1] == Proposal.objects.count()
        groups = list(book.worksheets[5].iter_rows(values_only=True))
        assert len(groups) - 1 == ProposalGroup.objects.filter(run=run, merged_into=None).count()
    for role in ("citizen", "coordinator", "moderator"):
        client.force_login(users[role])
        assert client.get(reverse("insights:report")).status_code == 403
        assert client.get(reverse("insights:report_xlsx")).status_code == 403


def test_spreadsheet_cells_cannot_hold_formulas() -> None:
    from kenes.insights.reports import cell

    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("a\x00b") == "ab"


def test_open_data_masks_personal_data_and_leaves_hidden_out(client: Any, run: Any) -> None:
    proposal = Proposal.objects.filter(is_hidden=False).first()
    Proposal.objects.filter(pk=proposal.pk).update(text="Менің телефоным +7 701 123 45 67, жазыңыз")
    hidden = Proposal.objects.filter(is_hidden=True).first()
    rows = json.loads(b"".join(client.get(reverse("insights:open_json")).streaming_content))
    assert len(rows) == Proposal.objects.filter(is_hidden=False).count()
    by_receipt = {r["receipt"]: r for r in rows}
    assert "123 45 67" not in by_receipt[proposal.receipt_code]["text"]
    if hidden is not None:
        assert hidden.receipt_code not in by_receipt
    csv_text = b"".join(client.get(reverse("insights:open_csv")).streaming_content).decode("utf-8-sig")
    assert csv_text.count("\r\n") >= len(rows) + 1 and "123 45 67" not in csv_text


def test_public_page_shows_totals(client: Any, run: Any) -> None:
    response = client.get(reverse("insights:public"))
    assert response.status_code == 200
    assert response.context["total"] == Proposal.objects.filter(is_hidden=False).count()
    assert "<svg" in response.content.decode()


def test_pages_do_not_query_per_row(analyst_client: Any, run: Any, django_assert_max_num_queries: Any) -> None:
    group = biggest(run)
    analysis = ProposalAnalysis.objects.filter(run=run).exclude(article_number=None).first()
    urls = [
        reverse("insights:workspace"),
        reverse("insights:workspace") + "?kind=cluster",
        reverse("insights:group", args=[group.pk]),
        reverse("insights:browse"),
        reverse("insights:article", args=[analysis.article_number]),
        reverse("insights:region", args=["almaty"]),
        reverse("insights:report"),
        reverse("insights:public"),
        reverse("insights:runs"),
        reverse("insights:corrections"),
    ]
    for url in urls:
        with django_assert_max_num_queries(16):
            assert analyst_client.get(url).status_code == 200


def grow(run: Any, group: ProposalGroup, users: dict[str, Any], n: int = 40) -> None:
    """More of everything every workspace page lists: proposals in the group, on its article, theme
    and region (some answered, some hidden), groups, corrections, answer templates."""
    member = ProposalAnalysis.objects.filter(run=run, group=group).exclude(article_number=None).first()
    assert member is not None
    source = member.proposal
    statuses = [Status.NEW, *ANSWER_STATUSES]
    proposals = Proposal.objects.bulk_create(
        Proposal(
            version_id=source.version_id,
            article_id=source.article_id,
            text=f"{source.text} {i}",
            region="almaty",
            channel=source.channel,
            receipt_code=generate_receipt_code(),
            status=statuses[i % len(statuses)],
            is_hidden=i % 13 == 0,
            created_at=source.created_at + timedelta(days=i % 7, minutes=i),
        )
        for i in range(n)
    )
    ProposalAnalysis.objects.bulk_create(
        ProposalAnalysis(
            run=run,
            proposal=p,
            group=group,
            language=member.language,
            themes=member.themes,
            theme=member.theme,
            articles=member.articles,
            article_number=member.article_number,
        )
        for p in proposals
    )
    ProposalGroup.objects.filter(pk=group.pk).update(size=group.size + n)
    for i in range(n):
        ProposalGroup.objects.create(
            run=run,
            kind="form_letter",
            key=f"grown-{i}",
            label=f"бап {i}",
            size=1,
            regions={"almaty": 1},
            assigned_to=users["analyst"] if i % 2 else None,
        )
    Correction.objects.bulk_create(
        Correction(
            kind=CorrectionKind.THEMES,
            run=run,
            proposal=source,
            group=group,
            user=users["analyst"],
            before={"themes": []},
            after={"themes": ["labour"]},
        )
        for _ in range(n)
    )
    AnswerTemplate.objects.bulk_create(
        AnswerTemplate(title=f"t{i}", status="noted", text_kk="Назарға алынды.", text_ru="Принято к сведению.")
        for i in range(n)
    )


def query_count(client: Any, url: str, *, warm: bool) -> int:
    """Queries of one request, with the cached figures (`warm`) or without any."""
    cache.clear()
    if warm:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_query_counts_do_not_grow_with_rows(analyst_client: Any, run: Any, users: dict[str, Any]) -> None:
    """Every workspace page and the public page, before and after many more rows: the same number of
    queries, cold (figures counted) and warm (figures cached)."""
    group = biggest(run)
    member = ProposalAnalysis.objects.filter(run=run, group=group).exclude(article_number=None).first()
    first_member = ProposalAnalysis.objects.filter(run=run, group=group).order_by("proposal_id").first()
    workspace = reverse("insights:workspace")
    group_url = reverse("insights:group", args=[group.pk])
    urls = [
        workspace,
        workspace + "?kind=form_letter",
        workspace + "?open=on&region=almaty&assigned=none",
        workspace + "?q=бап",
        workspace + "?page=2",
        group_url,
        group_url + f"?after={first_member.proposal_id}",
        group_url + f"?before={first_member.proposal_id + 10**6}",
        reverse("insights:group", args=[biggest(run, "cluster").pk]),
        reverse("insights:proposal", args=[member.proposal_id]),
        reverse("insights:browse"),
        reverse("insights:article", args=[member.article_number]),
        reverse("insights:article", args=[member.article_number]) + "?q=бап",
        reverse("insights:theme", args=[member.theme]),
        reverse("insights:theme", args=[member.theme]) + "?q=бап",
        reverse("insights:region", args=["almaty"]),
        reverse("insights:region", args=["almaty"]) + "?q=бап",
        reverse("insights:runs"),
        reverse("insights:corrections"),
        reverse("insights:templates"),
        reverse("insights:report"),
        reverse("insights:public"),
    ]
    before = {(url, warm): query_count(analyst_client, url, warm=warm) for url in urls for warm in (False, True)}
    grow(run, group, users)
    after = {(url, warm): query_count(analyst_client, url, warm=warm) for url in urls for warm in (False, True)}
    assert after == before
    assert max(before.values()) <= 20

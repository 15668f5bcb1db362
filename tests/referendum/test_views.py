"""Who may see and do what: public results pages, CSV and JSON for everyone; the desk, entry,
resolution, corrections, history, import and turnout only for operators of the commission."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kenes.referendum import actions
from kenes.referendum.models import Protocol, ProtocolEvent, Status

pytestmark = pytest.mark.django_db


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def confirm_both(tree: dict[str, Any], question: Any, figures: dict[str, int], precinct: str = "p101") -> Protocol:
    actions.submit_entry(operator=tree["operator_a"], precinct=tree[precinct], question=question, figures=figures)
    return actions.submit_entry(operator=tree["operator_b"], precinct=tree[precinct], question=question, figures=figures)


# --- public ---------------------------------------------------------------------------------------


def test_results_pages_are_public_at_every_level(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    confirm_both(tree, question, good)
    client = Client()
    slug = tree["atyrau"].referendum.slug
    pages = [reverse("referendum:index"), reverse("referendum:results", args=[slug])]
    pages += [reverse("referendum:unit", args=[slug, code]) for code in ("atyrau", "231000000", "101", "kz")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    national = client.get(reverse("referendum:results", args=[slug])).content.decode()
    assert 'data-testid="decided-by"' in national
    assert "Alexander Rodionov, geokz, CC BY 4.0" in national
    assert national.count("<path ") == 20
    precinct = client.get(reverse("referendum:unit", args=[slug, "101"])).content.decode()
    assert "Атырау, Абай к-сі 1" in precinct


def test_national_page_names_the_deciding_rule_and_margin(tree: dict[str, Any], question: Any,
                                                          good: dict[str, int]) -> None:
    confirm_both(tree, question, good)
    from django.utils import translation

    with translation.override("en"):
        url = reverse("referendum:results", args=["ref-2026"])
    html = Client().get(url).content.decode()
    # One region of twenty adopted it: the constitutional rule decides, 13 units short.
    assert url.startswith("/en/") and "Decided by" in html and "two thirds" in html
    assert "−13" in html


def test_unknown_referendum_unit_or_question_is_404(tree: dict[str, Any]) -> None:
    client = Client()
    assert client.get(reverse("referendum:results", args=["nope"])).status_code == 404
    assert client.get(reverse("referendum:unit", args=["ref-2026", "nowhere"])).status_code == 404
    assert client.get(reverse("referendum:results", args=["ref-2026"]) + "?q=9").status_code == 404
    assert client.get(reverse("referendum:results", args=["ref-2026"]) + "?q=abc").status_code == 404


def test_htmx_request_renders_the_partial(tree: dict[str, Any]) -> None:
    response = Client().get(reverse("referendum:results", args=["ref-2026"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content and b'data-testid="verdict"' in response.content


def test_csv_and_json_exports(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    confirm_both(tree, question, good)
    client = Client()
    csv_text = client.get(reverse("referendum:export_csv", args=["ref-2026"])).content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("code,region,name,question,protocols,flagged,voters")
    assert lines[1].startswith("101,atyrau,Precinct 101,1,1,0,1000")
    regional = client.get(reverse("referendum:export_csv", args=["ref-2026"]) + "?level=regional").content.decode()
    assert len(regional.strip().splitlines()) == 21
    assert "atyrau,atyrau" in regional
    assert client.get(reverse("referendum:export_csv", args=["ref-2026"]) + "?level=<x>").status_code == 400
    data = json.loads(client.get(reverse("referendum:results_json", args=["ref-2026"])).content)
    q = data["questions"][0]
    assert q["national"]["votes_for"] == 600 and q["outcome"]["decided_by"] == "territorial"
    assert {r["region"] for r in q["regions"]} >= {"atyrau", "kyzylorda"}
    assert "operator" not in json.dumps(data)


def test_user_text_is_escaped(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    tree["p101"].address = "<script>alert(1)</script>"
    tree["p101"].save()
    actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question,
                         figures={**good, "invalid": 16}, explanation="<img src=x onerror=alert(2)>")
    actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question,
                         figures={**good, "invalid": 16}, explanation="ok")
    page = Client().get(reverse("referendum:unit", args=["ref-2026", "101"])).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    entry = client_for(tree["operator_a"]).get(reverse("referendum:enter", args=["ref-2026", "101", 1])).content.decode()
    assert "<img src=x" not in entry and "&lt;img src=x" in entry


def test_results_in_russian(tree: dict[str, Any]) -> None:
    from django.utils import translation

    with translation.override("ru"):
        url = reverse("referendum:results", args=["ref-2026"])
    response = Client().get(url)
    assert url.startswith("/ru/")
    assert response.status_code == 200
    assert "Атырауская область" in response.content.decode()


# --- operators' pages: a test for each role --------------------------------------------------------------

ROLES = ["anonymous", "citizen", "operator_a", "operator_other", "coordinator", "analyst", "admin"]
EXPECTED = {"anonymous": 302, "citizen": 403, "operator_a": 200, "operator_other": 403, "coordinator": 403,
            "analyst": 403, "admin": 403}


def user_of(role: str, tree: dict[str, Any], users: dict[str, Any]) -> Any:
    if role == "anonymous":
        return None
    return tree.get(role) or users[role]


@pytest.mark.parametrize("role", ROLES)
def test_precinct_pages_by_role(role: str, tree: dict[str, Any], users: dict[str, Any]) -> None:
    client = client_for(user_of(role, tree, users))
    for url in (reverse("referendum:enter", args=["ref-2026", "101", 1]),
                reverse("referendum:turnout", args=["ref-2026", "101"])):
        response = client.get(url)
        assert response.status_code == EXPECTED[role], (role, url)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_desk_and_import_pages_by_role(role: str, tree: dict[str, Any], users: dict[str, Any]) -> None:
    """Any commission member has a desk and may import, but sees and touches only their precincts."""
    client = client_for(user_of(role, tree, users))
    expected = 200 if role == "operator_other" else EXPECTED[role]
    for url in (reverse("referendum:desk", args=["ref-2026"]), reverse("referendum:import", args=["ref-2026"])):
        assert client.get(url).status_code == expected, (role, url)
    if expected == 200:
        desk = client.get(reverse("referendum:desk", args=["ref-2026"])).content.decode()
        mine, theirs = ("101", "201") if role == "operator_a" else ("201", "101")
        assert f'data-testid="enter-{mine}-1"' in desk and f'data-testid="enter-{theirs}-1"' not in desk


@pytest.mark.parametrize("role", ROLES)
def test_posting_an_entry_by_role(role: str, tree: dict[str, Any], users: dict[str, Any], good: dict[str, int]) -> None:
    client = client_for(user_of(role, tree, users))
    response = client.post(reverse("referendum:enter", args=["ref-2026", "101", 1]), good)
    assert response.status_code == (302 if role in ("anonymous", "operator_a") else 403)
    assert Protocol.objects.exists() is (role == "operator_a")


@pytest.mark.parametrize("role", ROLES)
def test_correction_and_history_by_role(role: str, tree: dict[str, Any], users: dict[str, Any], question: Any,
                                        good: dict[str, int]) -> None:
    confirm_both(tree, question, good)
    client = client_for(user_of(role, tree, users))
    for url in (reverse("referendum:correct", args=["ref-2026", "101", 1]),
                reverse("referendum:history", args=["ref-2026", "101", 1])):
        assert client.get(url).status_code == EXPECTED[role], (role, url)
    response = client.post(reverse("referendum:correct", args=["ref-2026", "101", 1]),
                           {**good, "votes_for": 599, "votes_against": 101, "reason": "recount"})
    changed = Protocol.objects.get(commission=tree["p101"]).votes_for == 599
    assert changed is (role == "operator_a")
    assert response.status_code in ((302,) if role in ("anonymous", "operator_a") else (403,))


def test_precinct_of_another_region_is_forbidden_to_a_member(tree: dict[str, Any]) -> None:
    client = client_for(tree["operator_a"])
    assert client.get(reverse("referendum:enter", args=["ref-2026", "201", 1])).status_code == 403
    assert client.get(reverse("referendum:enter", args=["ref-2026", "999", 1])).status_code == 404


def test_resolve_only_by_a_chair(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=good)
    actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question,
                         figures={**good, "votes_for": 601, "valid": 701, "found": 716})
    url = reverse("referendum:resolve", args=["ref-2026", "101", 1])
    assert client_for(tree["operator_a"]).get(url).status_code == 403
    assert client_for(tree["operator_other"]).get(url).status_code == 403
    chair = client_for(tree["chair"])
    page = chair.get(url)
    assert page.status_code == 200
    missing_reason = chair.post(url, good)
    assert missing_reason.status_code == 200 and Protocol.objects.get().status == Status.MISMATCH
    assert chair.post(url, {**good, "reason": "paper copy"}).status_code == 302
    assert Protocol.objects.get().status == Status.CONFIRMED


def test_entry_flow_through_the_form(tree: dict[str, Any], good: dict[str, int]) -> None:
    url = reverse("referendum:enter", args=["ref-2026", "101", 1])
    a, b = client_for(tree["operator_a"]), client_for(tree["operator_b"])
    assert a.post(url, good).status_code == 302
    assert b.post(url, {**good, "votes_for": 610, "votes_against": 90}).status_code == 302
    page = b.get(url).content.decode()
    assert 'data-testid="mismatch-votes_for"' in page and 'data-testid="mismatch-votes_against"' in page
    assert 'data-testid="mismatch-voters"' not in page
    assert 'name="votes_for" id="id_votes_for" value="610"' in page  # her own entry, ready to fix
    assert 'name="votes_for" id="id_votes_for" value="600"' in a.get(url).content.decode()  # and his own
    broken = b.post(url, {**good, "invalid": 16})
    assert broken.status_code == 200 and "explanation" in broken.content.decode()
    assert b.post(url, {**good, "votes_for": "abc"}).status_code == 200
    assert b.post(url, good).status_code == 302
    assert Protocol.objects.get().status == Status.CONFIRMED
    assert ProtocolEvent.objects.filter(kind="entry").count() == 3


def test_import_view(tree: dict[str, Any], good: dict[str, int]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kenes.nlp import tally

    header = ",".join(actions.IMPORT_COLUMNS)
    row = ",".join(["101", "1", *(str(good[n]) for n in tally.FIELDS), ""])
    upload = SimpleUploadedFile("p.csv", f"{header}\n{row}\n999,1,{row[6:]}\n".encode())
    response = client_for(tree["operator_a"]).post(reverse("referendum:import", args=["ref-2026"]), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-report"' in html
    assert Protocol.objects.filter(status=Status.CONFIRMED).count() == 1
    bad = SimpleUploadedFile("p.xlsx", b"garbage")
    html = client_for(tree["operator_a"]).post(reverse("referendum:import", args=["ref-2026"]), {"file": bad}).content.decode()
    assert 'data-testid="file-error"' in html


def test_turnout_form(tree: dict[str, Any]) -> None:
    url = reverse("referendum:turnout", args=["ref-2026", "101"])
    client = client_for(tree["operator_a"])
    assert client.post(url, {"hour": 10, "voted": 120}).status_code == 302
    assert client.post(url, {"hour": 12, "voted": 5000}).status_code == 200  # above the list: error shown
    assert client.post(url, {"hour": 13, "voted": 5}).status_code == 200
    national = Client().get(reverse("referendum:results", args=["ref-2026"])).content.decode()
    assert "10:00" in national and "12" in national


@pytest.mark.parametrize("role", ROLES)
def test_summary_protocol_page_by_role(role: str, tree: dict[str, Any], users: dict[str, Any]) -> None:
    client = client_for(user_of(role, tree, users))
    regional = client.get(reverse("referendum:summary", args=["ref-2026", "atyrau", 1]))
    assert regional.status_code == EXPECTED[role]
    # Nobody here is a member of the central commission.
    central = client.get(reverse("referendum:summary", args=["ref-2026", "kz", 1]))
    assert central.status_code == (302 if role == "anonymous" else 403)


def test_published_national_figures_through_the_page(referendum: Any, make_user: Any) -> None:
    from tests.nlp.test_tally import published_figures

    cec = make_user("cec", "operator", "")
    actions.add_member(commission=referendum.central(), user=cec, role="chair")
    client = client_for(cec)
    url = reverse("referendum:summary", args=["ref-2026", "kz", 1])
    figures = {name: "" for name in ("received", "issued_premises", "issued_outside", "valid", "unused")}
    figures.update({k: str(v) for k, v in published_figures().items()})
    refused = client.post(url, figures)
    assert refused.status_code == 200 and not Protocol.objects.exists()
    assert client.post(url, {**figures, "explanation": "As published"}).status_code == 302
    protocol = Protocol.objects.get(commission=referendum.central())
    assert protocol.is_flagged and protocol.violations[0]["gap"] == 127_868
    page = Client().get(reverse("referendum:results", args=["ref-2026"])).content.decode()
    assert 'data-testid="published-protocol"' in page and 'data-testid="violation-valid_invalid_eq_found"' in page
    assert client.get(reverse("referendum:enter", args=["ref-2026", "kz", 1])).status_code == 404  # not a precinct

"""Reporting an event: attendance, audiences, themes, questions, media links, photos, and the
proposals collected there (each a proposal with channel "meeting", linked to event and article)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kenes.campaign.actions import CollectedProposal, ReportError, report_event
from kenes.campaign.models import ChangeRecord, EventPhoto, EventProposal
from kenes.proposals.models import Proposal
from tests.campaign.test_images import jpeg, png

pytestmark = pytest.mark.django_db


def report_data(**extra: Any) -> dict[str, Any]:
    data = {
        "attendance": "180", "audiences": ["workers", "youth"], "themes": ["labour", "human_rights"],
        "questions": "Жалақы туралы?\nЖаңа институттар қалай жұмыс істейді?", "summary": "Кездесу өтті.",
        "media_links": "https://baq.kz/news/1\nhttps://inform.kz/kk/2",
        "proposals-TOTAL_FORMS": "3", "proposals-INITIAL_FORMS": "0", "proposals-MIN_NUM_FORMS": "0",
        "proposals-MAX_NUM_FORMS": "50",
        "proposals-0-article": "", "proposals-0-kind": "amend", "proposals-0-text": "", "proposals-0-author_name": "",
        "proposals-1-article": "", "proposals-1-kind": "comment", "proposals-1-text": "", "proposals-1-author_name": "",
        "proposals-2-article": "", "proposals-2-kind": "amend", "proposals-2-text": "", "proposals-2-author_name": "",
    }
    data.update(extra)
    return data


def test_report_with_proposals_photos_and_links(client: Any, users: dict[str, Any], campaign: dict[str, Any],
                                                draft: Any) -> None:
    event = campaign["a1"]
    article = draft.articles.get(number=2)
    client.force_login(users["coordinator"])
    data = report_data(**{
        "proposals-0-article": str(article.pk), "proposals-0-text": "2-бапқа еңбек құқықтары туралы норма қосу керек.",
        "proposals-0-author_name": "Серік Б.",
        "proposals-1-text": "Жоба жалпы қолдау тапты, талқылауды жалғастыру қажет.",
        "photos": [SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg"), SimpleUploadedFile("b.png", png(), "image/png")],
    })
    response = client.post(reverse("campaign:event_report", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.status == "held"
    report = event.report
    assert report.attendance == 180 and report.audiences == ["workers", "youth"]
    assert report.media_links == ["https://baq.kz/news/1", "https://inform.kz/kk/2"]
    assert report.question_list() == ["Жалақы туралы?", "Жаңа институттар қалай жұмыс істейді?"]
    links = EventProposal.objects.filter(event=event).select_related("proposal")
    assert len(links) == 2
    first, second = sorted((link.proposal for link in links), key=lambda p: p.pk)
    assert (first.channel, first.region, first.article_id, first.version_id) == ("meeting", "atyrau", article.pk, draft.pk)
    assert first.author_name.startswith("Серік")
    assert second.article_id is None and second.kind == "comment"
    assert sorted(EventPhoto.objects.filter(event=event).values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]
    assert ChangeRecord.objects.filter(action="report", object_id=event.pk, user=users["coordinator"]).exists()

    # Sending the same report again corrects it and adds no duplicate proposal.
    data["attendance"] = "200"
    data.pop("photos")
    assert client.post(reverse("campaign:event_report", args=[event.pk]), data).status_code == 302
    event.report.refresh_from_db()
    assert event.report.attendance == 200
    assert EventProposal.objects.filter(event=event).count() == 2
    assert Proposal.objects.filter(channel="meeting").count() == 2

    page = client.get(reverse("campaign:event", args=[event.pk])).content.decode()
    assert "2-бапқа еңбек құқықтары" in page and first.receipt_code in page


@pytest.mark.parametrize("field, value", [
    ("attendance", "-1"),
    ("attendance", "many"),
    ("attendance", "99999999"),
    ("media_links", "javascript:alert(1)"),
    ("media_links", "\n".join(f"https://x.kz/{i}" for i in range(21))),
    ("audiences", ["aliens"]),
    ("themes", ["no-such-theme"]),
    ("questions", "Ұ" * 10_001),
])
def test_bad_report_is_refused_and_nothing_is_saved(client: Any, users: dict[str, Any], campaign: dict[str, Any],
                                                    draft: Any, field: str, value: Any) -> None:
    event = campaign["a1"]
    client.force_login(users["coordinator"])
    data = report_data(**{field: value, "proposals-0-text": "Сақталмауы тиіс ұсыныс."})
    response = client.post(reverse("campaign:event_report", args=[event.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    event.refresh_from_db()
    assert event.status == "planned" and not hasattr(event, "report")
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("name, content", [
    ("fake.jpg", b"<?php echo 'hi'; ?>"),
    ("fake.png", b"<svg onload=alert(1)></svg>"),
    ("big.jpg", jpeg() + b"\x00" * (8 * 1024 * 1024)),
])
def test_bad_photos_are_refused(client: Any, users: dict[str, Any], campaign: dict[str, Any], draft: Any,
                                name: str, content: bytes) -> None:
    client.force_login(users["coordinator"])
    data = report_data(photos=[SimpleUploadedFile(name, content, "image/jpeg")])
    response = client.post(reverse("campaign:event_report", args=[campaign["a1"].pk]), data)
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert EventPhoto.objects.count() == 0


def test_oversized_proposal_is_refused(client: Any, users: dict[str, Any], campaign: dict[str, Any], draft: Any,
                                       settings: Any) -> None:
    client.force_login(users["coordinator"])
    data = report_data(**{"proposals-0-text": "ұ" * (settings.KENES_PROPOSAL_MAX_CHARS + 1)})
    response = client.post(reverse("campaign:event_report", args=[campaign["a1"].pk]), data)
    assert response.status_code == 200 and not response.context["formset"].is_valid()
    assert Proposal.objects.count() == 0


def test_refused_proposal_rolls_the_whole_report_back(users: dict[str, Any], campaign: dict[str, Any], draft: Any) -> None:
    event = campaign["a1"]
    with pytest.raises(ReportError) as caught:
        report_event(user=users["coordinator"], event=event, attendance=10, audiences=[], themes=[],
                     proposals=[CollectedProposal(text="Дұрыс ұсыныс."), CollectedProposal(text="Қате", kind="nonsense")],
                     version=draft)
    assert caught.value.index == 1
    event.refresh_from_db()
    assert event.status == "planned"
    assert Proposal.objects.count() == 0 and EventProposal.objects.count() == 0


def test_cancelled_event_cannot_be_reported(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    event = campaign["a1"]
    event.status = "cancelled"
    event.save()
    client.force_login(users["coordinator"])
    response = client.post(reverse("campaign:event_report", args=[event.pk]), report_data())
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_report_text_is_escaped_and_personal_data_masked(client: Any, users: dict[str, Any], campaign: dict[str, Any],
                                                         draft: Any) -> None:
    event = campaign["a1"]
    report_event(user=users["coordinator"], event=event, attendance=5, audiences=[], themes=[],
                 questions="<script>alert('q')</script>\nМенің телефоным +7 701 123 45 67",
                 summary="<img src=x onerror=alert(1)>")
    page = client.get(reverse("campaign:event", args=[event.pk])).content.decode()
    assert "<script>alert('q')</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert "+7 701 123 45 67" not in page


def test_history_is_shown_to_coordinators_only(client: Any, users: dict[str, Any], campaign: dict[str, Any]) -> None:
    event = campaign["a1"]
    report_event(user=users["coordinator"], event=event, attendance=12, audiences=[], themes=[])
    client.force_login(users["coordinator_national"])
    page = client.get(reverse("campaign:event", args=[event.pk])).content.decode()
    assert 'data-testid="event-history"' in page and "coord_atyrau" in page
    client.force_login(users["citizen"])
    page = client.get(reverse("campaign:event", args=[event.pk])).content.decode()
    assert 'data-testid="event-history"' not in page and "coord_atyrau" not in page

"""Django admin: staff may view proposals and the log; nobody edits or deletes them there."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kenes.proposals.models import Proposal, ReceiptEntry

pytestmark = pytest.mark.django_db


def test_admin_read_only(client: Any, users: dict[str, Any], submit: Any) -> None:
    proposal = submit("Админ арқылы өзгертуге болмайды")
    entry = ReceiptEntry.objects.get()
    client.force_login(users["admin"])
    assert client.get(reverse("admin:proposals_proposal_changelist")).status_code == 200
    assert client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).status_code == 200
    assert client.get(reverse("admin:proposals_receiptentry_changelist")).status_code == 200
    client.post(reverse("admin:proposals_proposal_change", args=[proposal.pk]), {"text": "changed"})
    client.post(reverse("admin:proposals_proposal_delete", args=[proposal.pk]), {"post": "yes"})
    client.post(reverse("admin:proposals_receiptentry_delete", args=[entry.pk]), {"post": "yes"})
    assert Proposal.objects.get().text == "Админ арқылы өзгертуге болмайды"
    assert ReceiptEntry.objects.count() == 1


@pytest.mark.parametrize("role", ["citizen", "moderator", "analyst"])
def test_admin_closed_to_non_staff(client: Any, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    response = client.get(reverse("admin:proposals_proposal_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

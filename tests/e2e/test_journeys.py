"""Browser journeys (Playwright driving Debian's Chromium) on a small fixture dataset:

1. a citizen registers, reads an article in Kazakh, switches to Russian, submits a proposal,
   receives the receipt and verifies it on the receipt page;
2. a moderator hides a proposal and the public list no longer shows it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.utils import translation

from kenes.proposals.models import Proposal, ReceiptEntry, Status


def test_citizen_registers_reads_submits_and_verifies_receipt(page: Any, draft: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    # Register (Kazakh is the default language: no prefix in the URL).
    page.goto("/accounts/register/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    page.fill("#id_username", "aigerim")
    page.fill("#id_email", "aigerim@example.kz")
    page.select_option("#id_region", "atyrau")
    page.fill("#id_password1", "Dala-Keneske-2026!")
    page.fill("#id_password2", "Dala-Keneske-2026!")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("header nav")).to_contain_text("aigerim")

    # Read article 2 in Kazakh.
    page.goto("/draft/test-law/draft-1/2/")
    expect(page.locator("[data-testid=text-kk]")).to_contain_text("2-баптың мәтіні")
    expect(page.locator("h1")).to_contain_text("2")

    # Switch to Russian with the language buttons of the header.
    page.click("[data-testid=lang-ru]")
    page.wait_for_url(re.compile(r"/ru/draft/test-law/draft-1/2/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_contain_text("Статья 2")
    expect(page.locator("[data-testid=text-ru]")).to_contain_text("Текст статьи 2")
    shot = tmp_path / "article_ru.png"  # look at it when changing the design
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")

    # Submit a proposal on this article.
    page.click("[data-testid=submit-proposal]")
    page.wait_for_url(re.compile(r"/ru/proposals/new/\?article=\d+$"))
    expect(page.locator("#id_article")).to_have_value(str(draft.articles.get(number=2).pk))
    expect(page.locator("#id_region")).to_have_value("atyrau")
    page.select_option("#id_kind", "add")
    page.fill("#id_text", "Дополнить статью 2 пунктом о праве на ответ в течение 30 дней. <b>без тегов</b>")
    page.click("[data-testid=submit]")

    # The receipt page: the code and the confirmation that it was counted.
    page.wait_for_url(re.compile(r"/ru/receipts/[0-9A-Z-]+/$"))
    code = page.locator("[data-testid=receipt-code]").inner_text().strip()
    expect(page.locator("[data-testid=receipt-counted]")).to_be_visible()
    proposal = Proposal.objects.get(receipt_code=code)
    assert proposal.author.username == "aigerim" and proposal.channel == "web" and proposal.kind == "add"
    assert proposal.article.number == 2 and proposal.region == "atyrau"
    assert ReceiptEntry.objects.filter(receipt_code=code).exists()

    # Later: check the receipt with the lookup form, typing the code loosely.
    page.goto("/ru/receipts/")
    page.fill("#id_code", code.lower().replace("-", " "))
    page.click("[data-testid=check-receipt]")
    page.wait_for_url(re.compile(rf"/ru/receipts/{code}/$"))
    expect(page.locator("[data-testid=receipt-counted]")).to_be_visible()
    with translation.override("ru"):
        expect(page.locator("[data-testid=status]")).to_have_text(str(Status.NEW.label))
    seq = page.locator("[data-testid=entry-seq]").inner_text().strip()
    assert int(seq) == ReceiptEntry.objects.get(receipt_code=code).seq

    # The proposal is public, and its text is escaped (no <b> element made from it).
    page.click("[data-testid=open-proposal]")
    expect(page.locator("[data-testid=proposal-text]")).to_contain_text("<b>без тегов</b>")
    assert page.locator("[data-testid=proposal-text] b").count() == 0


def test_moderator_hides_a_proposal_and_the_public_list_drops_it(
    page: Any, browser: Any, live_server: Any, login: Any, draft: Any, make_user: Any,
) -> None:
    from playwright.sync_api import expect

    from kenes.proposals.actions import submit_proposal

    make_user("moder", "moderator")
    keep = submit_proposal(version=draft, article=draft.articles.get(number=1), region="almaty", channel="web",
                           kind="amend", text="Полезное предложение по статье 1 о сроках.")
    spam = submit_proposal(version=draft, article=draft.articles.get(number=1), region="almaty", channel="web",
                           kind="comment", text="Купите дешевые дипломы, пишите в личку.")

    anonymous = browser.new_context(base_url=live_server.url)
    public = anonymous.new_page()
    public.goto("/ru/proposals/")
    expect(public.locator("main")).to_contain_text("дешевые дипломы")

    login("moder")
    page.goto(f"/ru/proposals/{spam.receipt_code}/")
    page.fill("#id_reason", "Реклама, не относится к обсуждению.")
    page.click("[data-testid=hide]")
    page.wait_for_load_state()
    expect(page.locator("[data-testid=hidden-notice]")).to_be_visible()

    public.goto("/ru/proposals/")
    expect(public.locator("main")).to_contain_text("Полезное предложение")
    expect(public.locator("main")).not_to_contain_text("дешевые дипломы")
    assert spam.receipt_code not in public.content() and keep.receipt_code in public.content()
    response = public.goto(f"/ru/proposals/{spam.receipt_code}/")
    assert response is not None and response.status == 404
    anonymous.close()
    spam.refresh_from_db()
    assert spam.is_hidden and spam.hidden_by.username == "moder"


def test_api_docs_render_every_operation(page: Any, draft: Any) -> None:
    """The interactive API docs load (their scripts come from the ninja package, no CDN)."""
    from playwright.sync_api import expect

    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/api/v1/docs")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = set(operations.all_inner_texts())
    assert {"/api/v1/proposals", "/api/v1/receipts/{code}", "/api/v1/documents"} <= {p.replace("\u200b", "") for p in paths}
    assert not failed

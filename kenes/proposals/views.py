"""Proposal pages: list with filters and search, detail, submission, receipts, supports,
moderation and official answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kenes import pagecache
from kenes.drafts.models import Article, Version
from kenes.nlp.pii import find_personal_data
from kenes.prepared import Prepared
from kenes.proposals import actions
from kenes.proposals.forms import AnswerForm, FilterForm, HideForm, ProposalForm, ReceiptLookupForm, UnhideForm
from kenes.proposals.models import Proposal, ProposalChange, ReceiptEntry, Support, normalize_receipt_code
from kenes.ratelimit import ratelimit

PAGE_SIZE = 20
MAX_PAGE = 500  # deeper pages: narrow the filters (no COUNT(*) and no huge OFFSET)
QUEUE_SIZE = 50
# Columns the list never shows: the search terms and the articles' long texts (select_related).
LIST_UNUSED_COLUMNS = ("search_text", "article__text_kk", "article__text_ru", "article__text_en")
# Long texts a proposal's page never shows: the search terms, the article's text, the preambles.
PREAMBLES = ("preamble_kk", "preamble_ru", "preamble_en")
DETAIL_UNUSED_COLUMNS = (*LIST_UNUSED_COLUMNS, *(f"version__{name}" for name in PREAMBLES))
SUPPORT_UNUSED_COLUMNS = ("search_text", *(f"version__{name}" for name in PREAMBLES))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def can_moderate(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_moderator)


def proposal_lookup(page: bool, scope: str) -> Prepared[Proposal]:
    """The proposal by its receipt code among those a kind of user sees (`scope`, as
    ProposalQuerySet.visible_to: "all", "public", or "own": public ones and the user's own),
    compiled once (kenes.prepared: compiling cost six times running the query)."""

    def build(code: str, user_id: int | None = None) -> Any:
        queryset = Proposal.objects.all()
        if scope == "public":
            queryset = queryset.public()
        elif scope == "own":
            queryset = queryset.filter(Q(is_hidden=False) | Q(author_id=user_id))
        if page:
            queryset = queryset.select_related("version__document", "article").defer(*DETAIL_UNUSED_COLUMNS)
        else:
            queryset = queryset.select_related("version").defer(*SUPPORT_UNUSED_COLUMNS)
        return queryset.filter(receipt_code=code)

    return Prepared(Proposal, build, "text", *(["number"] if scope == "own" else []))


# A receipt's page: its log entry, and the proposal's status, link and content hash (its article's
# label), not its version nor the long texts; both compiled once.
RECEIPT_ENTRY = Prepared(ReceiptEntry, lambda code: ReceiptEntry.objects.filter(receipt_code=code), "text")
RECEIPT_PROPOSAL = Prepared(
    Proposal, lambda pk: Proposal.objects.select_related("article").defer(*LIST_UNUSED_COLUMNS).filter(pk=pk), "number"
)
# Whether the viewer of a proposal's page supports it.
SUPPORT_OF = Prepared(
    Support, lambda proposal_id, user_id: Support.objects.filter(proposal_id=proposal_id, user_id=user_id).only("id"),
    "number", "number",
)
PROPOSAL_LOOKUPS = {(page, scope): proposal_lookup(page, scope) for page in (True, False) for scope in ("all", "public", "own")}


def get_proposal_for_user(user: Any, receipt_code: str, *, page: bool = True) -> Proposal:
    """The proposal if this user may see it: public ones for all, hidden ones for their author
    and for moderators and analysts; 404 otherwise. For its page (`page`), with the article, its
    version and document (the page links to the article: no query per link); otherwise with its
    version only (a support checks that the consultation is open, and answers with a count).
    The article's version is the proposal's (submission checks it): joined once, not twice."""
    code = normalize_receipt_code(receipt_code)
    if code is None:
        raise Http404
    if not user.is_authenticated:
        proposal = PROPOSAL_LOOKUPS[page, "public"].first(code)
    elif user.can_see_personal_data:
        proposal = PROPOSAL_LOOKUPS[page, "all"].first(code)
    else:
        proposal = PROPOSAL_LOOKUPS[page, "own"].first(code, user.pk)
    if proposal is None:
        raise Http404
    if page and proposal.article is not None and proposal.article.version_id == proposal.version_id:
        proposal.article.version = proposal.version
    return proposal


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# ---------------------------------------------------------------- list and detail


def public_list_mark(user: Any) -> int | None:
    """The page-cache mark (kenes.pagecache) when this user's list is the public one, shared with
    everyone and so cacheable: anonymous visitors, and those who may not see personal data and have
    no hidden proposal of their own (they see their own hidden ones in the list); None otherwise.
    The mark is read before the data, like every cached page's."""
    if user.is_authenticated and user.can_see_personal_data:
        return None
    mark, has_hidden = ProposalChange.objects.mark_and_hidden(user.pk if user.is_authenticated else None)
    return None if has_hidden else mark


def render_proposal_list(params: QueryDict, user: Any, results_only: bool) -> str:
    """The list's body (filter form and results) or, for htmx, the results alone, for `user`."""
    form = FilterForm(params or None)
    queryset = Proposal.objects.visible_to(user).select_related("article").defer(*LIST_UNUSED_COLUMNS)
    filters: dict[str, Any] = {}
    page = 1
    if form.is_valid():
        data = form.cleaned_data
        for name in ("version", "article", "region", "status", "language", "kind", "channel"):
            if data.get(name):
                filters[name] = data[name]
        if filters:
            queryset = queryset.filter(**{f"{k}_id" if k in {"version", "article"} else k: v for k, v in filters.items()})
        if data.get("q"):
            queryset = queryset.search(data["q"])
        page = min(data.get("page") or 1, MAX_PAGE)
    offset = (page - 1) * PAGE_SIZE
    rows = list(queryset[offset: offset + PAGE_SIZE + 1])
    article = None
    if filters.get("article"):
        article = Article.objects.select_related("version__document").filter(pk=filters["article"]).first()
    query = params.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "proposals": rows[:PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE and page < MAX_PAGE,
        "has_previous": page > 1,
        "query_string": query.urlencode(),
        "article": article,
        "invalid_filters": form.is_bound and not form.is_valid(),
        "user": user,
    }
    template = "proposals/proposal_list_results.html" if results_only else "proposals/proposal_list_content.html"
    return render_to_string(template, context)


@require_safe
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The public list is the same for everyone who sees it: its body is cached for a few seconds
    (kenes.pagecache), hidden proposals leave it at once; header and language switch are rendered
    for each request."""
    htmx = is_htmx(request)
    mark = public_list_mark(request.user) if pagecache.enabled() else None
    if mark is not None:
        body = pagecache.cached_fragment(
            "proposal_results" if htmx else "proposal_list", mark, sorted(request.GET.lists()),
            lambda: render_proposal_list(request.GET, AnonymousUser(), htmx),
        )
    else:
        body = render_proposal_list(request.GET, request.user, htmx)
    if htmx:
        return HttpResponse(body)
    return TemplateResponse(request, "proposals/proposal_list.html", {"body": mark_safe(body)})


@require_safe
def proposal_detail(request: HttpRequest, code: str) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, code)
    if code != proposal.receipt_code:
        return redirect(proposal)
    user = request.user
    context: dict[str, Any] = {
        "proposal": proposal,
        "text": proposal.text_for(user),
        "author_name": proposal.author_name_for(user),
        "is_author": proposal.is_author(user),
        "can_moderate": can_moderate(user),
        "can_answer": actions.can_answer(user),
        "supported": bool(user.is_authenticated and SUPPORT_OF.first(proposal.pk, user.pk) is not None),
    }
    if context["can_moderate"] or context["can_answer"]:
        context["changes"] = list(ProposalChange.objects.filter(proposal=proposal).select_related("user"))
        context["hide_form"] = HideForm()
        context["unhide_form"] = UnhideForm()
        context["answer_form"] = AnswerForm(initial={"status": proposal.status, "text": proposal.answer_text})
    return TemplateResponse(request, "proposals/proposal_detail.html", context)


# ---------------------------------------------------------------- submission


def version_for_submission(article: Article | None) -> Version | None:
    if article is not None:
        return article.version
    return Version.objects.under_consultation().select_related("document").first()


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit("submit", "KENES_SUBMIT_RATE")
def proposal_submit(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    article_id = request.GET.get("article") or ""
    article = None
    if article_id.isdigit():
        article = Article.objects.select_related("version__document").filter(pk=int(article_id)).first()
    version = version_for_submission(article)
    if version is None:
        return TemplateResponse(request, "proposals/proposal_form.html", {"form": None, "version": None}, status=200)
    status = 200
    error = ""
    if request.method == "POST":
        form = ProposalForm(request.POST, version=version)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = actions.submit_proposal(
                    version=version, article=data["article"], text=data["text"], kind=data["kind"],
                    region=data["region"], channel="web", author=user, author_name=user.get_full_name(),
                )
            except actions.SubmissionError as exc:
                error = str(exc)
                status = 400
            else:
                messages.success(request, _("Your proposal has been counted. Keep your receipt code."))
                return redirect("proposals:receipt", code=proposal.receipt_code)
        else:
            status = 400
    else:
        initial = {"article": article, "region": user.region}
        form = ProposalForm(initial=initial, version=version)
    context = {
        "form": form, "version": version, "article": article, "error": error, "is_open": version.is_open(),
        "window": actions.window_text(version), "document_title": version.document.title(get_language() or "kk"),
    }
    return TemplateResponse(request, "proposals/proposal_form.html", context, status=status)


# ---------------------------------------------------------------- receipts


@require_safe
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    form = ReceiptLookupForm(request.GET or None)
    error = ""
    if form.is_valid():
        code = normalize_receipt_code(form.cleaned_data["code"])
        if code is not None:
            return redirect("proposals:receipt", code=code)
        error = _("This is not a receipt code. A code has 10 letters and digits, like KX4F-9QZ2-M7.")
    return TemplateResponse(request, "proposals/receiptentry_lookup.html", {"form": form, "error": error},
                            status=400 if error else 200)


@require_safe
def receipt_detail(request: HttpRequest, code: str) -> HttpResponse:
    canonical = normalize_receipt_code(code)
    if canonical is None:
        raise Http404
    if canonical != code:
        return redirect("proposals:receipt", code=canonical)
    entry = RECEIPT_ENTRY.first(canonical)
    if entry is None:
        return TemplateResponse(request, "proposals/receiptentry_detail.html", {"code": canonical, "entry": None},
                                status=404)
    proposal = RECEIPT_PROPOSAL.first(entry.proposal_id)
    context = {
        "code": canonical,
        "entry": entry,
        "proposal": proposal,
        "entry_verifies": entry.expected_hash() == entry.entry_hash,
        "content_verifies": proposal is not None and proposal.content_hash() == entry.content_hash,
        "can_open": proposal is not None and (not proposal.is_hidden or proposal.is_author(request.user)
                                              or (request.user.is_authenticated
                                                  and request.user.can_see_personal_data)),
    }
    return TemplateResponse(request, "proposals/receiptentry_detail.html", context)


# ---------------------------------------------------------------- supports


@require_POST
@ratelimit("support", "KENES_SUPPORT_RATE")
def proposal_support(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        if is_htmx(request):
            return HttpResponse(_("Log in to support proposals."), status=403)
        return redirect_to_login(reverse("proposals:detail", args=[code]))
    proposal = get_proposal_for_user(request.user, code, page=False)
    error = ""
    try:
        actions.support_proposal(proposal=proposal, user=request.user)
    except actions.SubmissionError as exc:
        error = str(exc)
    if is_htmx(request):
        context = {"proposal": proposal, "supported": not error, "error": error}
        return TemplateResponse(request, "proposals/proposal_support.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(proposal)


# ---------------------------------------------------------------- moderation and answers


def require_user(request: HttpRequest, allowed: bool) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not allowed:
        raise PermissionDenied


@require_POST
def proposal_hide(request: HttpRequest, code: str) -> HttpResponse:
    require_user(request, can_moderate(request.user))
    proposal = get_proposal_for_user(request.user, code)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for hiding."))
        return HttpResponseRedirect(safe_next(request, proposal.get_absolute_url()))
    try:
        actions.hide_proposal(proposal=proposal, moderator=request.user, reason=form.cleaned_data["reason"])
    except actions.SubmissionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The proposal is hidden."))
    return HttpResponseRedirect(safe_next(request, proposal.get_absolute_url()))


@require_POST
def proposal_unhide(request: HttpRequest, code: str) -> HttpResponse:
    require_user(request, can_moderate(request.user))
    proposal = get_proposal_for_user(request.user, code)
    form = UnhideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    actions.unhide_proposal(proposal=proposal, moderator=request.user, reason=reason)
    messages.success(request, _("The proposal is public again."))
    return HttpResponseRedirect(safe_next(request, proposal.get_absolute_url()))


@require_POST
def proposal_answer(request: HttpRequest, code: str) -> HttpResponse:
    require_user(request, actions.can_answer(request.user))
    proposal = get_proposal_for_user(request.user, code)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a status."))
        return redirect(proposal)
    try:
        actions.answer_proposal(proposal=proposal, user=request.user, status=form.cleaned_data["status"],
                                text=form.cleaned_data["text"])
    except actions.SubmissionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The answer is saved."))
    return redirect(proposal)


@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    require_user(request, can_moderate(request.user))
    show = request.GET.get("show") if request.GET.get("show") in {"new", "hidden"} else "new"
    queryset = Proposal.objects.select_related("article")
    if show == "hidden":
        queryset = queryset.filter(is_hidden=True).select_related("hidden_by").order_by("-hidden_at", "-id")
    else:
        queryset = queryset.public().filter(status="new")
    rows = list(queryset[:QUEUE_SIZE])
    items = [{"proposal": p, "personal_data": sorted({f.kind for f in find_personal_data(p.text)})} for p in rows]
    context = {"items": items, "show": show, "hide_form": HideForm()}
    return TemplateResponse(request, "proposals/proposal_moderation.html", context)

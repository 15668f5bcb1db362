"""Analyst workspace (analysts only), reports for the commission, open data and the public
accountability page."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kenes.drafts.models import Article
from kenes.insights import actions, reports, stats
from kenes.insights.forms import (
    AnswerTemplateForm,
    ArticleForm,
    AssignForm,
    GroupAnswerForm,
    GroupFilterForm,
    MergeForm,
    MoveForm,
    RunForm,
    SplitForm,
    ThemesForm,
)
from kenes.insights.models import (
    AnalysisRun,
    AnswerTemplate,
    Correction,
    ProposalAnalysis,
    ProposalGroup,
    pack,
)
from kenes.insights.textdiff import word_diff
from kenes.nlp.pii import mask_personal_data
from kenes.nlp.themes import THEMES
from kenes.proposals.models import Proposal, search_condition
from kenes.regions import REGION_SLUGS, region_name

PAGE_SIZE = 50
MEMBERS_PAGE = 50
MAX_SPLIT = 10_000  # proposals chosen at once to split off a group

View = Callable[..., HttpResponse]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def language() -> str:
    lang = (get_language() or "kk")[:2]
    return lang if lang in ("kk", "ru", "en") else "kk"


def _restricted(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


analyst_required = _restricted(lambda user: user.is_analyst)
report_reader_required = _restricted(lambda user: user.is_analyst or user.is_commission)


def get_group_for_user(user: Any, pk: int) -> ProposalGroup:
    """A group of the published analysis, for analysts; 404 otherwise."""
    if not user.is_analyst:
        raise PermissionDenied
    run = AnalysisRun.objects.current()
    if run is None:
        raise Http404
    return get_object_or_404(ProposalGroup.objects.select_related("assigned_to", "merged_into"), pk=pk, run=run)


def get_proposal_for_analyst(user: Any, pk: int) -> Proposal:
    if not user.is_analyst:
        raise PermissionDenied
    return get_object_or_404(Proposal.objects.select_related("article", "version"), pk=pk)


def back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(fallback)


def report_error(request: HttpRequest, error: Exception) -> None:
    messages.error(request, str(error))


# ---------------------------------------------------------------- runs


@require_safe
@analyst_required
def run_list(request: HttpRequest) -> TemplateResponse:
    runs = AnalysisRun.objects.select_related("created_by")[:20]
    active = AnalysisRun.objects.active().first()
    context = {"runs": runs, "active": active, "current": AnalysisRun.objects.current(), "form": RunForm()}
    if is_htmx(request):
        return TemplateResponse(request, "insights/analysisrun_progress.html", context)
    return TemplateResponse(request, "insights/analysisrun_list.html", context)


@require_POST
@analyst_required
def run_start(request: HttpRequest) -> HttpResponseRedirect:
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown kind of analysis run."))
    else:
        try:
            actions.start_analysis(user=request.user, kind=form.cleaned_data["kind"])
            messages.success(request, _("The analysis was queued."))
        except actions.InsightsError as error:
            report_error(request, error)
    return back(request, reverse("insights:runs"))


# ---------------------------------------------------------------- groups


def filtered_groups(run: AnalysisRun | None, form: GroupFilterForm, user: Any) -> QuerySet[ProposalGroup]:
    groups = ProposalGroup.objects.of_run(run).live().select_related("assigned_to")
    if not form.is_valid():
        return groups
    data = form.cleaned_data
    if data["kind"]:
        groups = groups.filter(kind=data["kind"])
    if data["q"]:
        for word in data["q"].split()[:6]:
            groups = groups.filter(Q(label__icontains=word) | Q(representative_text__icontains=word))
    if data["region"]:
        groups = groups.filter(regions__has_key=data["region"])
    if data["assigned"] == "me":
        groups = groups.filter(assigned_to=user)
    elif data["assigned"] == "none":
        groups = groups.filter(assigned_to=None)
    if data["open"]:
        counts = stats.run_group_counts(run)
        groups = groups.filter(pk__in=[pk for pk, (_a, _n, waiting) in counts.items() if waiting])
    return groups


@require_safe
@analyst_required
def workspace(request: HttpRequest) -> TemplateResponse:
    run = AnalysisRun.objects.current()
    form = GroupFilterForm(request.GET or None, language=language())
    groups = filtered_groups(run, form, request.user)
    page = form.cleaned_data.get("page") or 1 if form.is_valid() else 1
    rows = list(groups.order_by("-size", "pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    counts = stats.run_group_counts(run)
    answered = {pk: counts.get(pk, (0, 0, 0))[:2] for pk in (g.pk for g in rows)}
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "run": run,
        "active": AnalysisRun.objects.active().first(),
        "form": form,
        "groups": [(g, *answered.get(g.pk, (0, 0))) for g in rows],
        "page": page,
        "has_next": has_next,
        "query": params.urlencode(),
        "invalid_filters": form.is_bound and not form.is_valid(),
    }
    template = "insights/proposalgroup_list_results.html" if is_htmx(request) else "insights/proposalgroup_list.html"
    return TemplateResponse(request, template, context)


def cursor(request: HttpRequest, name: str) -> int | None:
    """A proposal id given as a page cursor (`?after=`, `?before=`); anything else is no cursor."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def keyset_page(
    members: QuerySet[ProposalAnalysis], *, after: int | None, before: int | None, size: int
) -> tuple[list[ProposalAnalysis], int | None, int | None]:
    """One page of a group's members in proposal order, found from the (run, group, proposal) index
    whatever its position: (rows, `before` cursor of the previous page or None, `after` cursor of the
    next page or None). At most two queries."""
    if before is not None:
        rows = list(members.filter(proposal_id__lt=before).order_by("-proposal_id")[: size + 1])
        previous = rows[size - 1].proposal_id if len(rows) > size else None
        rows = rows[:size][::-1]
        last = rows[-1].proposal_id if rows else before - 1
        following = last if members.filter(proposal_id__gt=last).exists() else None
        return rows, previous, following
    later = members.filter(proposal_id__gt=after) if after is not None else members
    rows = list(later.order_by("proposal_id")[: size + 1])
    following = rows[size - 1].proposal_id if len(rows) > size else None
    rows = rows[:size]
    previous = None
    if after is not None:
        first = rows[0].proposal_id if rows else after + 1
        previous = first if members.filter(proposal_id__lt=first).exists() else None
    return rows, previous, following


@require_safe
@analyst_required
def group_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    group = get_group_for_user(request.user, pk)
    members = ProposalAnalysis.objects.filter(run=group.run_id, group=group).select_related("proposal")
    page, previous, following = keyset_page(
        members.defer("proposal__search_text"),
        after=cursor(request, "after"),
        before=cursor(request, "before"),
        size=MEMBERS_PAGE,
    )
    base = group.representative_text
    rows = []
    for analysis in page:
        proposal = analysis.proposal
        diff, changed = word_diff(base, proposal.text) if group.kind == "form_letter" else ("", 0)
        rows.append({"analysis": analysis, "proposal": proposal, "diff": diff, "changed": changed})
    answered, total, _waiting = stats.run_group_counts(group.run).get(group.pk, (0, 0, 0))
    context = {
        "group": group,
        "rows": rows,
        "previous": previous,
        "next": following,
        "answered": answered,
        "total": total,
        "timeline": stats.timeline(group),
        "regions": [(region_name(slug, language()), n) for slug, n in group.region_list if slug in REGION_SLUGS],
        "answer_form": GroupAnswerForm(initial={"notify": True}),
        "assign_form": AssignForm(initial={"assignee": group.assigned_to_id}),
        "merge_form": MergeForm(),
        "templates": AnswerTemplate.objects.all(),
    }
    if is_htmx(request):
        return TemplateResponse(request, "insights/proposalgroup_members.html", context)
    return TemplateResponse(request, "insights/proposalgroup_detail.html", context)


@require_POST
@analyst_required
def group_answer(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    group = get_group_for_user(request.user, pk)
    form = GroupAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the answer form."))
        return back(request, reverse("insights:group", args=[group.pk]))
    data = form.cleaned_data
    try:
        result = actions.answer_group(
            group=group,
            user=request.user,
            status=data["status"],
            text_kk=data["text_kk"],
            text_ru=data["text_ru"],
            notify=data["notify"],
        )
    except actions.InsightsError as error:
        report_error(request, error)
    else:
        messages.success(
            request,
            _("Answered: %(answered)d; unchanged: %(unchanged)d; e-mails sent: %(mails)d.")
            % {"answered": result.answered, "unchanged": result.unchanged, "mails": result.mails},
        )
    return back(request, reverse("insights:group", args=[group.pk]))


@require_POST
@analyst_required
def group_assign(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    group = get_group_for_user(request.user, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            actions.assign_group(group=group, user=request.user, assignee=form.cleaned_data["assignee"])
            messages.success(request, _("The group was assigned."))
        except actions.InsightsError as error:
            report_error(request, error)
    else:
        messages.error(request, _("Choose an analyst."))
    return back(request, reverse("insights:group", args=[group.pk]))


@require_POST
@analyst_required
def group_merge(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    group = get_group_for_user(request.user, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("sources", [])))
        return back(request, reverse("insights:group", args=[group.pk]))
    ids = form.cleaned_data["sources"]
    sources = list(ProposalGroup.objects.filter(pk__in=ids, run=group.run_id))
    if len(sources) != len(set(ids)):
        messages.error(request, _("Some of these groups are not in the current analysis."))
        return back(request, reverse("insights:group", args=[group.pk]))
    try:
        actions.merge_groups(target=group, sources=sources, user=request.user)
        messages.success(request, _("The groups were merged."))
    except actions.InsightsError as error:
        report_error(request, error)
    return back(request, reverse("insights:group", args=[group.pk]))


@require_POST
@analyst_required
def group_split(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    group = get_group_for_user(request.user, pk)
    # The chosen proposals that are members (whatever page they were chosen on), not every member.
    chosen = {
        int(v) for v in request.POST.getlist("members")[:MAX_SPLIT] if v.isascii() and v.isdigit() and len(v) <= 18
    }
    ids = list(
        ProposalAnalysis.objects.filter(run=group.run_id, group=group, proposal_id__in=chosen).values_list(
            "proposal_id", flat=True
        )
    )
    form = SplitForm(request.POST, member_ids=ids)
    if not form.is_valid():
        messages.error(request, _("Choose the proposals to move into the new group."))
        return back(request, reverse("insights:group", args=[group.pk]))
    try:
        correction = actions.split_group(
            group=group, proposal_ids=form.cleaned_data["members"], user=request.user, label=form.cleaned_data["label"]
        )
        messages.success(request, _("A new group was made from the chosen proposals."))
        return back(request, reverse("insights:group", args=[correction.after["new_group"]]))
    except actions.InsightsError as error:
        report_error(request, error)
    return back(request, reverse("insights:group", args=[group.pk]))


# ---------------------------------------------------------------- one proposal: corrections


@require_http_methods(["GET", "HEAD", "POST"])
@analyst_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_analyst(request.user, pk)
    run = AnalysisRun.objects.current()
    analysis = (
        ProposalAnalysis.objects.filter(run=run, proposal=proposal).select_related("group").first() if run else None
    )
    articles = [
        (a.number, f"{a.label}. {a.title(language())}"[:80])
        for a in Article.objects.filter(version=proposal.version_id, sub_number=0).order_by("number")
    ]
    themes_form = ThemesForm(initial={"themes": analysis.theme_list if analysis else []})
    article_form = ArticleForm(
        articles=articles, initial={"article": proposal.article.number if proposal.article else None}
    )
    move_form = MoveForm(initial={"group": analysis.group_id if analysis else None})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "themes":
                themes_form = ThemesForm(request.POST)
                if themes_form.is_valid():
                    actions.set_themes(proposal=proposal, user=request.user, themes=themes_form.cleaned_data["themes"])
                    messages.success(request, _("The themes were changed."))
                    return back(request, request.path)
            elif action == "article":
                article_form = ArticleForm(request.POST, articles=articles)
                if article_form.is_valid():
                    number = article_form.cleaned_data["article"]
                    article = (
                        Article.objects.filter(version=proposal.version_id, number=number).order_by("pk").first()
                        if number is not None
                        else None
                    )
                    actions.set_article(proposal=proposal, user=request.user, article=article)
                    messages.success(request, _("The article was changed."))
                    return back(request, request.path)
            elif action == "move":
                move_form = MoveForm(request.POST)
                if move_form.is_valid():
                    target_pk = move_form.cleaned_data["group"]
                    target = None
                    if target_pk:
                        target = ProposalGroup.objects.filter(pk=target_pk, run=run).first()
                        if target is None:
                            raise actions.InsightsError(_("This group is not in the current analysis."))
                    actions.move_proposal(proposal=proposal, user=request.user, group=target)
                    messages.success(request, _("The proposal was moved."))
                    return back(request, request.path)
            else:
                messages.error(request, _("Unknown action."))
        except actions.InsightsError as error:
            report_error(request, error)
    context = {
        "proposal": proposal,
        "analysis": analysis,
        "themes_form": themes_form,
        "article_form": article_form,
        "move_form": move_form,
        "corrections": Correction.objects.filter(proposal=proposal).select_related("user", "undone_by")[:50],
    }
    return TemplateResponse(request, "insights/proposalanalysis_edit.html", context)


@require_safe
@analyst_required
def correction_list(request: HttpRequest) -> TemplateResponse:
    corrections = Correction.objects.select_related("user", "undone_by", "proposal", "group")[:200]
    return TemplateResponse(request, "insights/correction_list.html", {"corrections": corrections})


@require_POST
@analyst_required
def correction_undo(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    correction = get_object_or_404(Correction, pk=pk)
    try:
        actions.undo_correction(correction=correction, user=request.user)
        messages.success(request, _("The change was undone."))
    except actions.InsightsError as error:
        report_error(request, error)
    return back(request, reverse("insights:corrections"))


# ---------------------------------------------------------------- by article, theme, region


def sliced_view(
    request: HttpRequest,
    *,
    title: str,
    analyses: QuerySet[ProposalAnalysis],
    run: AnalysisRun | None,
    slice_key: str,
    listed: QuerySet[ProposalAnalysis] | None = None,
    extra: dict[str, Any] | None = None,
) -> TemplateResponse:
    """Proposals on one article, theme or region: how they are grouped (cached until the data
    changes) and the latest of them, or the latest that match a search: one query that filters the
    slice and searches together (no list of every match of the words first)."""
    q = (request.GET.get("q") or "")[:200]
    if q.strip():
        condition = search_condition(q, using=analyses.db, prefix="proposal__")
        listed = analyses.filter(condition) if condition is not None else analyses.none()
    elif listed is None:
        listed = analyses
    proposals = list(
        listed.select_related("proposal").defer("proposal__search_text").order_by("-proposal_id")[:PAGE_SIZE]
    )
    key = f"insights:slice:{slice_key}:{stats.data_version(run)}"
    summary: dict[str, Any] = cache.get_or_set(  # type: ignore[assignment]
        key,
        lambda: {"groups": stats.groups_summary(run, analyses=analyses), "total": analyses.count()},
        stats.PUBLIC_CACHE_SECONDS * 10,
    )
    context = {"title": title, "run": run, "q": q, "proposals": proposals, **summary, **(extra or {})}
    return TemplateResponse(request, "insights/proposalanalysis_slice.html", context)


@require_safe
@analyst_required
def slice_index(request: HttpRequest) -> TemplateResponse:
    run = AnalysisRun.objects.current()
    context = {"run": run, "progress": stats.progress(run, language())}
    return TemplateResponse(request, "insights/proposalanalysis_index.html", context)


@require_safe
@analyst_required
def article_view(request: HttpRequest, number: int) -> TemplateResponse:
    run = AnalysisRun.objects.current()
    analyses = ProposalAnalysis.objects.filter(run=run).filter(articles__contains=pack([number]))
    article = Article.objects.filter(number=number).order_by("-version_id").first()
    title = _("Article %(number)s") % {"number": number}
    if article is not None:
        title += f": {article.title(language())}"
    return sliced_view(
        request, title=title, analyses=analyses, run=run, slice_key=f"article:{number}", extra={"article": article}
    )


@require_safe
@analyst_required
def theme_view(request: HttpRequest, slug: str) -> TemplateResponse:
    if slug not in THEMES:
        raise Http404
    run = AnalysisRun.objects.current()
    analyses = ProposalAnalysis.objects.filter(run=run, theme=slug)  # the first (best) theme, as in the counts
    name = stats.theme_labels(language()).get(slug, slug)
    title = _("Theme: %(theme)s") % {"theme": name}
    return sliced_view(request, title=title, analyses=analyses, run=run, slice_key=f"theme:{slug}")


@require_safe
@analyst_required
def region_view(request: HttpRequest, slug: str) -> TemplateResponse:
    if slug not in REGION_SLUGS:
        raise Http404
    run = AnalysisRun.objects.current()
    analyses = ProposalAnalysis.objects.filter(run=run, proposal__region=slug)
    latest = list(Proposal.objects.filter(region=slug).order_by("-pk").values_list("pk", flat=True)[: PAGE_SIZE * 4])
    return sliced_view(
        request,
        title=region_name(slug, language()),
        analyses=analyses,
        run=run,
        slice_key=f"region:{slug}",
        listed=analyses.filter(proposal_id__in=latest),
    )


# ---------------------------------------------------------------- answer templates


@require_http_methods(["GET", "HEAD", "POST"])
@analyst_required
def template_list(request: HttpRequest) -> HttpResponse:
    form = AnswerTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The answer template was saved."))
        return back(request, reverse("insights:templates"))
    return TemplateResponse(
        request, "insights/answertemplate_list.html", {"templates": AnswerTemplate.objects.all(), "form": form}
    )


# ---------------------------------------------------------------- reports


@require_safe
@report_reader_required
def report(request: HttpRequest) -> TemplateResponse:
    tables = stats.report_tables(AnalysisRun.objects.current(), language())
    return TemplateResponse(request, "insights/report.html", tables)


@require_safe
@report_reader_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    content = reports.workbook(stats.report_tables(AnalysisRun.objects.current(), language()))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="kenes-report.xlsx"'
    return response


# ---------------------------------------------------------------- open data and the public page


OPEN_FIELDS = [
    "receipt",
    "created_at",
    "document",
    "version",
    "article",
    "kind",
    "language",
    "region",
    "channel",
    "status",
    "answer",
    "answered_at",
    "supports",
    "themes",
    "group",
    "text",
]


def open_rows() -> Iterator[dict[str, Any]]:
    """Every public proposal with its analysis, personal data masked (streamed in chunks)."""
    run = AnalysisRun.objects.current()
    rows = (
        Proposal.objects.public()
        .order_by("pk")
        .values_list(
            "pk",
            "receipt_code",
            "created_at",
            "version__document__slug",
            "version__name",
            "article__number",
            "kind",
            "language",
            "region",
            "channel",
            "status",
            "answer_text",
            "answered_at",
            "support_count",
            "text",
        )
    )
    chunk: list[Any] = []

    def flush(chunk: list[Any]) -> Iterator[dict[str, Any]]:
        ids = [row[0] for row in chunk]
        analysis = (
            dict(ProposalAnalysis.objects.filter(run=run, proposal_id__in=ids).values_list("proposal_id", "themes"))
            if run
            else {}
        )
        groups = (
            dict(
                ProposalAnalysis.objects.filter(run=run, proposal_id__in=ids, group__kind="form_letter").values_list(
                    "proposal_id", "group__key"
                )
            )
            if run
            else {}
        )
        for row in chunk:
            (
                pk,
                receipt,
                created,
                document,
                version,
                article,
                kind,
                lang,
                region,
                channel,
                status,
                answer,
                answered_at,
                supports,
                text,
            ) = row
            yield {
                "receipt": receipt,
                "created_at": created.isoformat(),
                "document": document,
                "version": version,
                "article": article,
                "kind": kind,
                "language": lang,
                "region": region,
                "channel": channel,
                "status": status,
                "answer": mask_personal_data(answer),
                "answered_at": answered_at.isoformat() if answered_at else None,
                "supports": supports,
                "themes": [t for t in analysis.get(pk, "").split("|") if t],
                "group": groups.get(pk),
                "text": mask_personal_data(text),
            }

    for row in rows.iterator(chunk_size=2000):
        chunk.append(row)
        if len(chunk) >= 2000:
            yield from flush(chunk)
            chunk = []
    yield from flush(chunk)


class Echo:
    def write(self, value: str) -> str:
        return value


@require_safe
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    writer = csv.DictWriter(Echo(), fieldnames=OPEN_FIELDS)

    def lines() -> Iterator[str]:
        yield "\ufeff" + str(writer.writeheader() or ",".join(OPEN_FIELDS) + "\r\n")
        for row in open_rows():
            row = {**row, "themes": " ".join(row["themes"])}
            yield str(writer.writerow(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kenes-proposals.csv"'
    return response


@require_safe
def open_data_json(request: HttpRequest) -> StreamingHttpResponse:
    def parts() -> Iterator[str]:
        yield "["
        first = True
        for row in open_rows():
            yield ("" if first else ",") + "\n" + json.dumps(row, ensure_ascii=False)
            first = False
        yield "\n]\n"

    response = StreamingHttpResponse(parts(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kenes-proposals.json"'
    return response


@require_safe
def public_page(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "insights/public.html", stats.public_stats(language()))

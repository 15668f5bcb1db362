from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kenes.media.models import EventCoverage, ExtractedProposal, NewsArticle, NewsArticleSource, NewsSource


class NewsArticleSourceInline(admin.TabularInline[NewsArticleSource, NewsArticle]):
    model = NewsArticleSource
    extra = 0


@admin.register(NewsArticle)
class NewsArticleAdmin(admin.ModelAdmin[NewsArticle]):
    list_display = ["title", "date", "language", "region_tags", "event_tags"]
    list_filter = ["language", "date"]
    search_fields = ["title", "body"]
    readonly_fields = ["fingerprint", "created_at"]
    inlines = [NewsArticleSourceInline]


@admin.register(NewsSource)
class NewsSourceAdmin(admin.ModelAdmin[NewsSource]):
    list_display = ["name", "url"]
    search_fields = ["name"]


@admin.register(ExtractedProposal)
class ExtractedProposalAdmin(admin.ModelAdmin[ExtractedProposal]):
    list_display = ["text", "author_organization", "article_number", "status"]
    list_filter = ["status"]
    raw_id_fields = ["news", "proposal", "decided_by"]


class EventCoverageForm(forms.ModelForm[EventCoverage]):
    class Meta:
        model = EventCoverage
        fields = ["article", "event", "source", "score", "reasons", "linked_by", "linked_at"]
        labels = {"article": _("News article"), "event": _("Campaign event"), "linked_by": _("Linked by")}


@admin.register(EventCoverage)
class EventCoverageAdmin(admin.ModelAdmin[EventCoverage]):
    """Links between news and campaign events: thousands of events and articles, so the related objects are
    picked by id (raw_id_fields) and the list joins them in its one query."""

    form = EventCoverageForm
    list_display = ["id", "news_article", "campaign_event", "event_region", "source", "score", "linked_by_user",
                    "linked_at"]
    list_display_links = ["id", "news_article"]
    list_filter = ["source", "event__region", "event__status", "linked_at"]
    search_fields = ["article__title", "event__title", "event__place", "linked_by__username"]
    search_help_text = _("Title of the news article or the event, the event's place, the user who linked them.")
    raw_id_fields = ["article", "event", "linked_by"]
    list_select_related = ["article", "event", "linked_by"]
    readonly_fields = ["stored_at"]
    date_hierarchy = "linked_at"
    ordering = ["-id"]
    show_full_result_count = False

    @admin.display(description=_("stored at"))
    def stored_at(self, link: EventCoverage) -> object:
        return link.created_at

    @admin.display(description=_("News article"), ordering="article__date")
    def news_article(self, link: EventCoverage) -> str:
        return str(link.article)[:120]

    @admin.display(description=_("Campaign event"), ordering="event__starts_at")
    def campaign_event(self, link: EventCoverage) -> str:
        return f"{link.event.title[:120]} ({link.event.starts_at:%Y-%m-%d})"

    @admin.display(description=_("Linked by"), ordering="linked_by__username")
    def linked_by_user(self, link: EventCoverage) -> str:
        return link.linked_by.username if link.linked_by else "—"

    @admin.display(description=_("Region"), ordering="event__region")
    def event_region(self, link: EventCoverage) -> str:
        return link.event.region_label()

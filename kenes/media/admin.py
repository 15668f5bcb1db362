from django.contrib import admin

from kenes.media.models import ExtractedProposal, NewsArticle, NewsArticleSource, NewsSource


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

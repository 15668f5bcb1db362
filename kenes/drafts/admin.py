from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Article, Document, Version


class VersionInline(admin.TabularInline[Version, Document]):
    model = Version
    extra = 0
    fields = ["name", "kind", "date", "is_published", "consultation_opens", "consultation_closes"]
    show_change_link = True


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ["slug", "title_kk", "title_ru", "created_at"]
    search_fields = ["slug", "title_kk", "title_ru", "title_en"]
    inlines = [VersionInline]


class ArticleInline(admin.StackedInline[Article, Version]):
    model = Article
    extra = 0
    fields = [
        ("number", "sub_number"),
        ("section_kk", "section_ru", "section_en"),
        ("title_kk", "title_ru", "title_en"),
        ("text_kk", "text_ru", "text_en"),
    ]
    classes = ["collapse"]


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin[Version]):
    list_display = ["__str__", "kind", "date", "is_published", "consultation_opens", "consultation_closes"]
    list_filter = ["kind", "is_published", "document"]
    list_editable = ["is_published", "consultation_opens", "consultation_closes"]
    list_select_related = ["document"]
    search_fields = ["name", "document__slug"]
    fieldsets = [
        (None, {"fields": ["document", "name", "kind", "date", "is_published"]}),
        (_("Consultation"), {"fields": ["consultation_opens", "consultation_closes"]}),
        (_("Preamble"), {"fields": ["preamble_kk", "preamble_ru", "preamble_en"], "classes": ["collapse"]}),
    ]
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["__str__", "number", "sub_number", "title_kk", "title_ru"]
    list_filter = ["version__document", "version"]
    list_select_related = ["version__document"]
    search_fields = ["text_kk", "text_ru", "text_en", "title_kk", "title_ru"]
    ordering = ["version", "number", "sub_number"]

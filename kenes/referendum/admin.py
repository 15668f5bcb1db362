from __future__ import annotations

from django.contrib import admin

from kenes.referendum.models import Commission, Membership, Protocol, ProtocolEvent, Question, Referendum


class QuestionInline(admin.StackedInline[Question, Referendum]):
    model = Question
    extra = 0


@admin.register(Referendum)
class ReferendumAdmin(admin.ModelAdmin[Referendum]):
    list_display = ["slug", "title_en", "date", "territorial_rule"]
    inlines = [QuestionInline]


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin[Commission]):
    list_display = ["code", "name_en", "level", "region", "voters"]
    list_filter = ["referendum", "level", "region"]
    search_fields = ["code", "name_kk", "name_ru", "name_en", "address"]
    raw_id_fields = ["parent"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "commission", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user", "commission"]


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin[Protocol]):
    """Read-only here: protocols change only through entry, resolution and correction (with history)."""

    list_display = ["commission", "question", "status", "is_flagged", "votes_for", "votes_against"]
    list_filter = ["status", "is_flagged"]
    search_fields = ["commission__code"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ProtocolEvent)
class ProtocolEventAdmin(admin.ModelAdmin[ProtocolEvent]):
    list_display = ["protocol", "kind", "user", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

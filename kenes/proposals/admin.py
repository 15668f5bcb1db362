"""Admin for staff: proposals (what the receipt log vouches for is read-only), changes and the log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kenes.proposals.models import Proposal, ProposalChange, ReceiptEntry, Support

# Editing these would break the proposal's content hash in the receipt log.
CANONICAL_FIELDS = ("receipt_code", "version", "article", "kind", "text", "region", "channel", "author", "source",
                    "source_id", "created_at")


class ProposalChangeInline(admin.TabularInline[ProposalChange, Proposal]):
    model = ProposalChange
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "user", "field", "before", "after")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin[Proposal]):
    list_display = ("receipt_code", "version", "article", "kind", "region", "channel", "status", "is_hidden",
                    "created_at")
    list_filter = ("status", "is_hidden", "kind", "channel", "language")
    search_fields = ("receipt_code", "source_id")
    readonly_fields = (*CANONICAL_FIELDS, "language", "search_text", "support_count", "answered_at", "answered_by",
                       "is_hidden", "hidden_reason", "hidden_by", "hidden_at", "status", "answer_text")
    inlines = [ProposalChangeInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # proposals come in through submit_proposal, with their receipt

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a deleted proposal is reported by verify-log; hide it instead

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # moderation and answers go through the site, where every change is recorded


@admin.register(ReceiptEntry)
class ReceiptEntryAdmin(admin.ModelAdmin[ReceiptEntry]):
    list_display = ("seq", "receipt_code", "proposal_id", "entry_hash", "created_at")
    search_fields = ("receipt_code",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProposalChange)
class ProposalChangeAdmin(admin.ModelAdmin[ProposalChange]):
    list_display = ("created_at", "proposal", "user", "field")
    list_filter = ("field",)
    list_select_related = ("proposal", "user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin[Support]):
    list_display = ("proposal", "user", "created_at")
    list_select_related = ("proposal", "user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from django.contrib import admin

from kenes.insights.models import AnalysisRun, AnswerTemplate, Correction, ProposalGroup


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin[AnalysisRun]):
    list_display = ["pk", "kind", "status", "current", "progress", "analysed", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in AnalysisRun._meta.fields]


@admin.register(ProposalGroup)
class ProposalGroupAdmin(admin.ModelAdmin[ProposalGroup]):
    list_display = ["pk", "run", "kind", "label", "size", "assigned_to"]
    list_filter = ["kind"]
    search_fields = ["label"]
    raw_id_fields = ["run", "representative", "assigned_to", "merged_into"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin[Correction]):
    list_display = ["pk", "kind", "user", "created_at", "undone_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Correction._meta.fields]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin[AnswerTemplate]):
    list_display = ["title", "status"]

"""Forms of the analyst workspace: filters, answers for a group, corrections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kenes.accounts.models import Role, User
from kenes.insights.models import AnswerTemplate, GroupKind, RunKind
from kenes.nlp.themes import THEMES
from kenes.proposals.models import Status
from kenes.regions import region_choices

MAX_IDS = 1000


def theme_choices() -> list[tuple[str, str]]:
    from kenes.insights.stats import theme_labels

    names = theme_labels((get_language() or "kk")[:2])
    return [(slug, names.get(slug, slug)) for slug in THEMES]


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *GroupKind.choices])
    region = forms.ChoiceField(label=_("Region"), required=False)
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("", _("All")), ("me", _("To me")), ("none", _("Not assigned"))],
    )
    open = forms.BooleanField(label=_("With unanswered proposals"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def __init__(self, *args: Any, language: str = "kk", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *region_choices(language)]  # type: ignore[attr-defined]


class RunForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RunKind.choices)


class GroupAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Status.ACCEPTED, Status.ACCEPTED.label),
            (Status.PARTLY_ACCEPTED, Status.PARTLY_ACCEPTED.label),
            (Status.REJECTED, Status.REJECTED.label),
            (Status.NOTED, Status.NOTED.label),
            (Status.UNDER_REVIEW, Status.UNDER_REVIEW.label),
        ],
    )
    template = forms.ModelChoiceField(label=_("Answer template"), required=False, queryset=AnswerTemplate.objects.all())
    text_kk = forms.CharField(label=_("Answer in Kazakh"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    text_ru = forms.CharField(label=_("Answer in Russian"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    notify = forms.BooleanField(label=_("Notify the authors by e-mail"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = data.get("template")
        if template is not None:
            data["text_kk"] = data.get("text_kk") or template.text_kk
            data["text_ru"] = data.get("text_ru") or template.text_ru
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Analyst"),
        required=False,
        queryset=User.objects.filter(role__in=[Role.ANALYST, Role.ADMIN]).order_by("username"),
    )


def parse_ids(value: str) -> list[int]:
    """Numbers from a list typed by a person ("12, 15 19"); at most MAX_IDS."""
    ids: list[int] = []
    for piece in value.replace(",", " ").split():
        if not piece.isascii() or not piece.isdigit() or len(piece) > 12:
            raise forms.ValidationError(_("Give group numbers separated by spaces or commas."))
        ids.append(int(piece))
    if len(ids) > MAX_IDS:
        raise forms.ValidationError(_("Too many numbers."))
    return ids


class MergeForm(forms.Form):
    sources = forms.CharField(label=_("Numbers of the groups to merge into this one"), max_length=8000)

    def clean_sources(self) -> list[int]:
        ids = parse_ids(self.cleaned_data["sources"])
        if not ids:
            raise forms.ValidationError(_("Give group numbers separated by spaces or commas."))
        return ids


class SplitForm(forms.Form):
    members = forms.TypedMultipleChoiceField(label=_("Proposals"), coerce=int, choices=[])
    label = forms.CharField(label=_("Label of the new group"), required=False, max_length=300)

    def __init__(self, *args: Any, member_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(pk, str(pk)) for pk in member_ids]  # type: ignore[attr-defined]


class ThemesForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, choices=theme_choices, widget=forms.CheckboxSelectMultiple
    )


class ArticleForm(forms.Form):
    article = forms.TypedChoiceField(label=_("Article"), required=False, coerce=int, empty_value=None, choices=[])

    def __init__(self, *args: Any, articles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [("", _("The draft as a whole")), *articles]  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    group = forms.IntegerField(
        label=_("Number of the target group (empty: out of any group)"), required=False, min_value=1, max_value=10**12
    )


class AnswerTemplateForm(forms.ModelForm[AnswerTemplate]):
    class Meta:
        model = AnswerTemplate
        fields = ["title", "status", "text_kk", "text_ru"]

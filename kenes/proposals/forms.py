"""Forms for submitting, filtering, moderating and answering proposals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Article, Version
from kenes.proposals.models import Channel, Kind, Status
from kenes.regions import region_choices

LANGUAGE_CHOICES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English")), ("other", _("Other"))]


def _lang() -> str:
    return (get_language() or "kk")[:2]


class ArticleChoiceField(forms.ModelChoiceField[Article]):
    def label_from_instance(self, obj: Any) -> str:
        title = obj.title(_lang())
        return f"{obj.label}. {title}" if title else str(obj.label)


class ProposalForm(forms.Form):
    article = ArticleChoiceField(
        label=_("Article"), queryset=Article.objects.none(), required=False,
        empty_label=_("The draft as a whole"),
    )
    kind = forms.ChoiceField(label=_("Kind of proposal"), choices=Kind.choices, initial=Kind.AMEND)
    text = forms.CharField(label=_("Your proposal"), widget=forms.Textarea(attrs={"rows": 8}))
    region = forms.ChoiceField(label=_("Region of residence"), required=False)

    def __init__(self, *args: Any, version: Version, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["article"].queryset = Article.objects.for_version(version)  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("Not stated")), *region_choices(_lang())]  # type: ignore[attr-defined]
        max_chars = settings.KENES_PROPOSAL_MAX_CHARS
        self.fields["text"].widget.attrs["maxlength"] = str(max_chars)
        self.fields["text"].help_text = _("At most %(max)d characters.") % {"max": max_chars}


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    region = forms.ChoiceField(label=_("Region"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices])
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("Any")), *LANGUAGE_CHOICES])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *Kind.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices])
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Any")), *region_choices(_lang())]  # type: ignore[attr-defined]


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class UnhideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    text = forms.CharField(label=_("Official answer"), required=False, widget=forms.Textarea(attrs={"rows": 5}))


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40,
                           widget=forms.TextInput(attrs={"placeholder": "KX4F-9QZ2-M7", "autocomplete": "off"}))

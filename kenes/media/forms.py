from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Version
from kenes.media.labels import EVENT_TYPES, theme_choices
from kenes.regions import region_choices


class NewsFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    event_type = forms.ChoiceField(label=_("Event type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (get_language() or "kk")[:2]
        everything = [("", _("All"))]
        self.fields["region"].choices = everything + region_choices(language)  # type: ignore[attr-defined]
        self.fields["theme"].choices = everything + theme_choices(language)  # type: ignore[attr-defined]
        self.fields["event_type"].choices = everything + list(EVENT_TYPES.items())  # type: ignore[attr-defined]


class ConfirmProposalForm(forms.Form):
    version = forms.ModelChoiceField(label=_("Draft under consultation"), queryset=Version.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Version.objects.under_consultation().select_related("document")
        self.fields["version"].queryset = queryset  # type: ignore[attr-defined]
        if len(queryset) == 1:
            self.fields["version"].initial = queryset[0]

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kenes.nlp import tally
from kenes.referendum.actions import MAX_TEXT
from kenes.referendum.models import TURNOUT_HOURS, Protocol

LABELS = {name: getattr(Protocol._meta.get_field(name), "verbose_name", name) for name in tally.FIELDS}


class ProtocolForm(forms.Form):
    """The lines of a protocol, an explanation for broken control relations, and (for
    corrections and resolutions) the reason for the change."""

    explanation = forms.CharField(
        label=_("Explanation (required when a control relation is broken)"), required=False,
        max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, with_reason: bool = False, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in tally.FIELDS:
            self.fields[name] = forms.IntegerField(label=LABELS[name], min_value=0, max_value=tally.MAX_COUNT,
                                                   required=required)
        self.order_fields([*tally.FIELDS, "explanation"])
        if with_reason:
            self.fields["reason"] = forms.CharField(label=_("Reason for the change"), max_length=MAX_TEXT,
                                                    widget=forms.Textarea(attrs={"rows": 2}))

    def figures(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in tally.FIELDS}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class TurnoutForm(forms.Form):
    hour = forms.TypedChoiceField(label=_("Hour"), choices=[(h, f"{h}:00") for h in TURNOUT_HOURS], coerce=int)
    voted = forms.IntegerField(label=_("Voted by this hour"), min_value=0, max_value=tally.MAX_COUNT)

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from kenes.accounts.models import User
from kenes.regions import region_choices


class RegistrationForm(UserCreationForm[User]):
    email = forms.EmailField(label=_("E-mail"), required=False)
    region = forms.ChoiceField(label=_("Region of residence"), choices=(), required=True)

    class Meta:
        model = User
        fields = ("username", "email", "region")

    def __init__(self, *args: object, language: str = "kk", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", "—"), *region_choices(language)]

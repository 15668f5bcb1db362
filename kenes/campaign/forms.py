"""Forms of the coordinators' pages. Choices that depend on the region (districts, volunteers,
organisations) are given by the view; every free text is size-limited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from kenes.campaign.districts import district_choices
from kenes.campaign.images import MAX_PHOTO_BYTES, ImageError, inspect_image
from kenes.campaign.models import (
    Audience,
    Availability,
    Event,
    EventFormat,
    EventType,
    MemberRole,
    OrganisationKind,
)
from kenes.campaign.plan_import import MAX_FILE_BYTES
from kenes.campaign.themes import theme_choices
from kenes.regions import region_choices

MAX_PHOTOS = 10
MAX_MEDIA_LINKS = 20
http_url = URLValidator(schemes=["http", "https"])
LANGUAGE_CHOICES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]


def _field(form: forms.BaseForm, name: str) -> Any:
    """A bound form's field, typed loosely to set its choices or formats."""
    return form.fields[name]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm[Event]):
    audiences = forms.MultipleChoiceField(label=_("Audiences"), choices=Audience.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    themes = forms.MultipleChoiceField(label=_("Themes"), choices=(), required=False, widget=forms.CheckboxSelectMultiple)
    district = forms.ChoiceField(label=_("District"), choices=(), required=False)

    class Meta:
        model = Event
        fields = ("title", "event_type", "format", "online_url", "starts_at", "ends_at", "region", "district", "place",
                  "organisers", "audiences", "themes", "expected_attendance", "description")
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, region: str, language: str = "kk", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_region = region
        if region:
            del self.fields["region"]
            _field(self, "district").choices = [("", "—"), *district_choices(region, language)]
        else:
            _field(self, "region").choices = [("", "—"), *region_choices(language)]
            from kenes.campaign.districts import all_districts

            _field(self, "district").choices = [("", "—")] + [(d.code, d.name(language)) for d in all_districts()]
        _field(self, "themes").choices = theme_choices(language)
        _field(self, "starts_at").input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        _field(self, "ends_at").input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_online_url(self) -> str:
        url = self.cleaned_data.get("online_url") or ""
        if url:
            http_url(url)
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") in (EventFormat.ONLINE, EventFormat.HYBRID) and not data.get("online_url"):
            self.add_error("online_url", _("An online or hybrid event needs a link."))
        if data.get("ends_at") and data.get("starts_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The event must end after it starts."))
        region = self.fixed_region or data.get("region") or ""
        district = data.get("district") or ""
        if district and not any(code == district for code, _label in district_choices(region)):
            self.add_error("district", _("This district is not in the event's region."))
        return data


class PlanImportForm(forms.Form):
    plan_title = forms.CharField(label=_("Work plan"), max_length=300,
                                 help_text=_("An existing plan of this coalition, or the title of a new one."))
    starts_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("File (XLSX or CSV)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than %(mb)d MB."), params={"mb": MAX_FILE_BYTES // (1024 * 1024)})
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The period must end after it starts."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos at once; each must be a real JPEG, PNG or WebP within the size limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)d photos at a time."), params={"n": MAX_PHOTOS})
        checked = []
        for upload in files:
            if upload.size > MAX_PHOTO_BYTES:
                raise ValidationError(_("%(name)s is larger than %(mb)d MB."),
                                      params={"name": upload.name[:80], "mb": MAX_PHOTO_BYTES // (1024 * 1024)})
            content = upload.read(MAX_PHOTO_BYTES + 1)
            try:
                info = inspect_image(content)
            except ImageError:
                raise ValidationError(_("%(name)s is not a JPEG, PNG or WebP photo."),
                                      params={"name": upload.name[:80]}) from None
            checked.append((upload.name[:100], content, info))
        return checked


class ReportForm(forms.Form):
    attendance = forms.IntegerField(label=_("Actual attendance"), min_value=0, max_value=1_000_000)
    audiences = forms.MultipleChoiceField(label=_("Audiences reached"), choices=Audience.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    themes = forms.MultipleChoiceField(label=_("Themes discussed"), choices=(), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    questions = forms.CharField(label=_("Questions raised (one per line)"), required=False, max_length=10_000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    summary = forms.CharField(label=_("Summary"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
    media_links = forms.CharField(label=_("Media coverage (one link per line)"), required=False, max_length=5_000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("Photos (JPEG, PNG or WebP)"), required=False)

    def __init__(self, *args: Any, language: str = "kk", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "themes").choices = theme_choices(language)

    def clean_media_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data.get("media_links", "").splitlines() if line.strip()]
        if len(links) > MAX_MEDIA_LINKS:
            raise ValidationError(_("At most %(n)d links."), params={"n": MAX_MEDIA_LINKS})
        for link in links:
            try:
                http_url(link)
            except ValidationError:
                raise ValidationError(_("%(link)s is not an http(s) address."), params={"link": link[:100]}) from None
        return list(dict.fromkeys(links))


class CollectedProposalForm(forms.Form):
    article = forms.ChoiceField(label=_("Article"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    text = forms.CharField(label=_("Proposal"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    author_name = forms.CharField(label=_("Proposed by (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, articles: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kenes.proposals.models import Kind

        _field(self, "article").choices = [("", _("The draft as a whole")), *(articles or [])]
        _field(self, "kind").choices = Kind.choices
        _field(self, "text").max_length = settings.KENES_PROPOSAL_MAX_CHARS
        self.fields["text"].validators.append(_max_length(settings.KENES_PROPOSAL_MAX_CHARS))


def _max_length(limit: int) -> Any:
    from django.core.validators import MaxLengthValidator

    return MaxLengthValidator(limit)


CollectedProposalFormSet = forms.formset_factory(CollectedProposalForm, extra=3, max_num=50, absolute_max=50,
                                                 validate_max=True)


class VolunteerForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    skills = forms.CharField(label=_("Skills"), max_length=300, required=False)
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=LANGUAGE_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)

    def __init__(self, *args: Any, region: str, language: str = "kk", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "district").choices = [("", "—"), *district_choices(region, language)]


class AssignForm(forms.Form):
    volunteer = forms.ChoiceField(label=_("Volunteer"))
    task = forms.CharField(label=_("Task"), max_length=200, required=False)

    def __init__(self, *args: Any, volunteers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "volunteer").choices = [(str(pk), name) for pk, name in volunteers]


class HoursForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, decimal_places=1, max_digits=4)


class MemberForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    new_organisation = forms.CharField(label=_("or a new organisation"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=OrganisationKind.choices, required=False)
    person_name = forms.CharField(label=_("Person"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "organisation").choices = [("", "—"), *((str(pk), name) for pk, name in organisations)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("organisation") or data.get("new_organisation") or data.get("person_name")):
            raise ValidationError(_("Choose an organisation, name a new one, or name a person."))
        if data.get("new_organisation") and not data.get("kind"):
            self.add_error("kind", _("Say what kind of organisation it is."))
        return data


class TerritorialCoalitionForm(forms.Form):
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=300)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=300, required=False)
    district = forms.ChoiceField(label=_("District"))

    def __init__(self, *args: Any, region: str, language: str = "kk", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "district").choices = district_choices(region, language)


class TargetForm(forms.Form):
    event_type = forms.ChoiceField(label=_("Event type"), choices=EventType.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=[("", _("Any audience")), *Audience.choices], required=False)
    count = forms.IntegerField(label=_("Events"), min_value=0, max_value=100_000)

"""Kazakh dates (kenes/formats/kk/formats.py and the lower-case month names in the kk catalogue of
kenes.proposals): «2026 ж. 22 қараша», 22.11.2026; Russian and English keep Django's formats."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation

DAY = date(2026, 11, 22)
MOMENT = datetime(2026, 11, 22, 14, 5, tzinfo=ZoneInfo("Asia/Almaty"))
KAZAKH_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
                 "қараша", "желтоқсан"]


def render(source: str, **context: Any) -> str:
    return Template(source).render(Context(context))


def test_kazakh_formats() -> None:
    with translation.override("kk"):
        assert formats.date_format(DAY) == "2026 ж. 22 қараша"
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "22.11.2026"
        assert formats.date_format(DAY, "YEAR_MONTH_FORMAT") == "2026 ж. қараша"
        assert formats.date_format(DAY, "MONTH_DAY_FORMAT") == "22 қараша"
        assert render('{{ d|date:"DATETIME_FORMAT" }}', d=MOMENT) == "2026 ж. 22 қараша, 14:05"
        assert render('{{ d|date:"SHORT_DATETIME_FORMAT" }}', d=MOMENT) == "22.11.2026 14:05"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
        assert formats.number_format(1234567.5, 1, force_grouping=True) == "1\xa0234\xa0567,5"
        for month, name in enumerate(KAZAKH_MONTHS, start=1):
            assert formats.date_format(date(2026, month, 3)) == f"2026 ж. 3 {name}"


def test_kazakh_input_formats() -> None:
    from django import forms

    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("kk"):
        for typed in ("22.11.2026", "22.11.26", "2026-11-22"):
            form = DateForm({"day": typed})
            assert form.is_valid() and form.cleaned_data["day"] == DAY
        assert not DateForm({"day": "11/22/2026"}).is_valid()


def test_russian_and_english_keep_djangos_formats() -> None:
    with translation.override("ru"):
        assert formats.date_format(DAY) == "22 ноября 2026 г."
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "22.11.2026"
    with translation.override("en"):
        assert formats.date_format(DAY) == "Nov. 22, 2026"


@pytest.mark.django_db
def test_a_proposal_page_shows_kazakh_dates(client: Any, submit: Any) -> None:
    proposal = submit()
    from kenes.proposals.models import Proposal

    Proposal.objects.filter(pk=proposal.pk).update(created_at=MOMENT)
    html = client.get(f"/proposals/{proposal.receipt_code}/").content.decode()
    assert "2026 ж. 22 қараша, 14:05" in html
    listing = client.get("/proposals/").content.decode()
    assert "22.11.2026" in listing and "11/22/2026" not in listing
    russian = client.get(f"/ru/proposals/{proposal.receipt_code}/").content.decode()
    assert "22 ноября 2026 г. 14:05" in russian

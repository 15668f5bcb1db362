"""Property tests for the import parsers and receipt codes: arbitrary input never crashes them."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.proposals.importing import (
    RowError,
    detect_delimiter,
    parse_datetime_value,
    parse_mapping,
    read_csv,
    read_jsonl,
    region_lookup,
    resolve_region,
)
from kenes.proposals.models import RECEIPT_ALPHABET, normalize_receipt_code

pytestmark = pytest.mark.nodb

csv_text = st.text(alphabet=st.sampled_from(list('ab,;"\n\r\tә ')), max_size=300)


@settings(max_examples=300, deadline=None)
@given(csv_text)
def test_read_csv_never_raises(text: str) -> None:
    rows = list(read_csv(text, detect_delimiter(text)))
    for item in rows:
        assert isinstance(item, RowError) or (item[0] >= 2 and isinstance(item[1], dict))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_read_jsonl_never_raises(text: str) -> None:
    for item in read_jsonl(text):
        assert isinstance(item, RowError) or isinstance(item[1], dict)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_receipt_code_normalisation(text: str) -> None:
    code = normalize_receipt_code(text)
    if code is not None:
        assert len(code) == 12 and all(ch in RECEIPT_ALPHABET for ch in code.replace("-", ""))
        assert normalize_receipt_code(code) == code


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_dates_and_regions_never_crash(text: str) -> None:
    try:
        parse_datetime_value(text)
    except ValueError:
        pass
    result = resolve_region(text, region_lookup())
    assert result is None or isinstance(result, str)


def test_parse_mapping_errors() -> None:
    assert parse_mapping("text=Мәтін, region = Өңір") == {"text": "мәтін", "region": "өңір"}
    assert parse_mapping("") == {}
    for bad in ("text", "colour=x", "text="):
        with translation.override("en"), pytest.raises(Exception, match="bad mapping"):
            parse_mapping(bad)
        with pytest.raises(Exception, match="сәйкестік қате"):  # Kazakh: the default language
            parse_mapping(bad)


def test_regions_by_name_in_three_languages() -> None:
    table = region_lookup()
    assert resolve_region("Атырау облысы", table) == "atyrau"
    assert resolve_region("Атырауская область", table) == "atyrau"
    assert resolve_region("atyrau", table) == "atyrau"
    assert resolve_region("г. Алматы", table) == "almaty"
    assert resolve_region("", table) == ""
    assert resolve_region("Narnia", table) is None

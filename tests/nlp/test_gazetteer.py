"""Places in Kazakh and Russian text (kenes.nlp.gazetteer): no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.nlp.gazetteer import find_places, kazakh_forms, places, russian_noun_forms
from kenes.regions import REGION_SLUGS


def regions(text: str) -> list[str]:
    return [m.place.region for m in find_places(text)]


def test_every_region_and_every_district_is_known() -> None:
    kinds = [p.kind for p in places()]
    assert kinds.count("region") == 20
    assert {p.region for p in places()} == set(REGION_SLUGS)
    assert kinds.count("district") + kinds.count("city_district") + kinds.count("city") == 224


@pytest.mark.parametrize(
    ("text", "region", "role"),
    [
        ("коалиция Атырау облысына барды", "atyrau", "dat"),
        ("Қызылордада коалиция құрылды", "kyzylorda", "loc"),
        ("Қарағандыда талқыланды", "karaganda", "loc"),
        ("в Атырауской области", "atyrau", "loc"),
        ("в Караганде прошла встреча", "karaganda", "loc"),
        ("Кызылординской области", "kyzylorda", "gen"),
        ("Солтүстiк Қазақстан облысының", "north_kazakhstan", "gen"),  # Latin i, as in the source data
        ("в Чимкенте", "shymkent", "loc"),
        ("Астана қаласында", "astana", "loc"),
        ("в области Жетысу", "jetisu", "loc"),
        ("Маңғыстауда", "mangystau", "loc"),
        ("атырау облыстық мәслихаты", "atyrau", "attr"),
    ],
)
def test_region_case_forms(text: str, region: str, role: str) -> None:
    (mention,) = find_places(text)
    assert (mention.place.region, mention.role) == (region, role)


def test_almaty_city_versus_almaty_region() -> None:
    assert regions("Алматы облысы") == ["almaty_region"]
    assert regions("Алматы облысында") == ["almaty_region"]
    assert regions("в Алматинской области") == ["almaty_region"]
    assert regions("Алматы қаласында") == ["almaty"]
    assert regions("Алматыда") == ["almaty"]
    assert regions("в городе Алматы") == ["almaty"]
    assert regions("Алматы облысы мен Алматы қаласы") == ["almaty_region", "almaty"]


@pytest.mark.parametrize(
    ("text", "name_kk", "region"),
    [
        ("в Мендыкаринском районе", "Меңдіқара ауданы", "kostanay"),
        ("Қордай ауданында", "Қордай ауданы", "zhambyl"),
        ("Жаңаөзенде", "Жаңаөзен", "mangystau"),
        ("Медеу ауданында", "Медеу ауданы", "almaty"),
        ("Енбекшиказахского района", "Еңбекшіқазақ ауданы", "almaty_region"),
        ("в Аль-Фарабийском районе", "Әл Фараби ауданы", "shymkent"),
        ("район Биржан сал", "Біржан сал ауданы", "akmola"),
        ("Теміртауда", "Теміртау", "karaganda"),
    ],
)
def test_districts_and_towns(text: str, name_kk: str, region: str) -> None:
    (mention,) = find_places(text)
    assert (mention.place.name_kk, mention.place.region) == (name_kk, region)


def test_coordinated_districts_share_one_noun() -> None:
    ru = [m.place.name_ru for m in find_places("в Жылыойском и Макатском районах")]
    assert ru == ["Жылыойский район", "Макатский район"]
    kk = [m.place.name_kk for m in find_places("Хромтау және Мұғалжар аудандарынан")]
    assert kk == ["Хромтау ауданы", "Мұғалжар ауданы"]


def test_bare_names_must_be_capitalised() -> None:
    assert find_places("тараз") == []
    assert find_places("Абай ақынның өлеңдері") == []  # a poet, not the region


def test_kazakh_suffixes_follow_harmony_and_assimilation() -> None:
    assert {"таразға", "таразда", "тараздан", "тараздың"} <= set(kazakh_forms("Тараз"))
    assert {"атырауға", "атырауда", "атыраудың"} <= set(kazakh_forms("Атырау"))
    assert {"шымкентке", "шымкентте", "шымкенттен", "шымкенттің"} <= set(kazakh_forms("Шымкент"))
    assert {"өскеменге", "өскеменде", "өскеменнен"} <= set(kazakh_forms("Өскемен"))


def test_russian_noun_forms() -> None:
    assert {"караганды", "караганде", "караганду"} <= set(russian_noun_forms("Караганда"))
    assert {"костаная", "костанае"} <= set(russian_noun_forms("Костанай"))
    assert set(russian_noun_forms("Алматы")) == {"алматы"}


def test_spans_point_into_the_text() -> None:
    text = "Коалиция мүшелері Қызылорда облысына барды"
    (mention,) = find_places(text)
    assert text[mention.start:mention.end] == mention.text == "Қызылорда облысына"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes(text: str) -> None:
    for mention in find_places(text):
        assert 0 <= mention.start < mention.end <= len(text)


@pytest.mark.parametrize(("text", "region"), [
    ("в Нур-Султане", "astana"), ("в ВКО", "east_kazakhstan"), ("БҚО әкімдігі", "west_kazakhstan"),
    ("в области Абай", "abai"), ("в Улытауской области", "ulytau"), ("в Жетысуской области", "jetisu"),
    ("Қонаевта", "almaty_region"), ("В Усть-Каменогорске", "east_kazakhstan"), ("в г. Уральск", "west_kazakhstan"),
])
def test_other_names_in_use(text: str, region: str) -> None:
    assert regions(text) == [region]

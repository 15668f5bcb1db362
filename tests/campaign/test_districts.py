from __future__ import annotations

import csv

from kenes.campaign.districts import all_districts, by_code, districts_of, find_district
from kenes.regions import REGION_SLUGS
from tests.conftest import shared_path


def test_every_region_has_districts_and_codes_are_unique() -> None:
    districts = all_districts()
    assert len(districts) == 224
    assert len(by_code()) == 224
    assert {d.region for d in districts} == set(REGION_SLUGS)
    for district in districts:
        assert district.name_kk and district.name_ru and district.name_en
        assert not any("a" <= ch.lower() <= "z" for ch in district.name_kk + district.name_ru), district


def test_districts_match_the_published_list() -> None:
    path = shared_path("data", "admin_divisions", "kaz_adm2_2024_attributes.csv")
    with open(path, encoding="utf-8") as f:
        published = {row["ADM2_PCODE"]: row for row in csv.DictReader(f)}
    assert set(published) == set(by_code())
    for code, district in by_code().items():
        assert published[code]["KATO"] == district.kato
        assert published[code]["ADM2_EN"].strip() == district.name_en


def test_find_district_by_code_name_and_kato_only_within_the_region() -> None:
    assert find_district("atyrau", "Жылыой").code == "KZ233600"
    assert find_district("atyrau", "жылыойский").code == "KZ233600"
    assert find_district("atyrau", "Zhylyoi").code == "KZ233600"
    assert find_district("atyrau", "kz233600").code == "KZ233600"
    assert find_district("atyrau", "233600000").code == "KZ233600"
    assert find_district("kyzylorda", "Жылыой") is None
    assert find_district("kyzylorda", "KZ233600") is None
    assert find_district("atyrau", "") is None
    assert len(districts_of("atyrau")) == 8

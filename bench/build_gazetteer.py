"""Build kenes/data/gazetteer.csv from ../shared/data/admin_divisions/kaz_adm2_2024_attributes.csv.

Keeps only facts (KATO codes and names) and fixes the source's quirks: Latin letters inside
Cyrillic names ("Aршалинский", "Солтүстiк"), a doubled Russian suffix ("Енбекшинскийский"),
"Аль-Фарабиский" for "Аль-Фарабийский",
Kazakh and Russian names of Taldykorgan swapped, "Чимкент" for Shymkent.

Usage: python bench/build_gazetteer.py [SOURCE_CSV] [OUT_CSV]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "admin_divisions" / "kaz_adm2_2024_attributes.csv"
OUT = ROOT / "kenes" / "data" / "gazetteer.csv"

REGION_SLUGS = {
    "Abay": "abai", "Akmola": "akmola", "Aktobe": "aktobe", "Almaty": "almaty_region", "Atyrau": "atyrau",
    "West Kazakhstan": "west_kazakhstan", "Zhambyl": "zhambyl", "Zhetysu": "jetisu", "Karagandy": "karaganda",
    "Kostanay": "kostanay", "Kyzylorda": "kyzylorda", "Mangystau": "mangystau", "Pavlodar": "pavlodar",
    "North Kazakhstan": "north_kazakhstan", "Turkestan": "turkistan", "Ulytau": "ulytau",
    "East Kazakhstan": "east_kazakhstan", "Astana (city)": "astana", "Almaty (city)": "almaty",
    "Shymkent (city)": "shymkent",
}
LATIN_TO_CYRILLIC = str.maketrans("AaEeOoPpCcXxiIyKkMHTB", "АаЕеОоРрСсХхіІуКкМНТВ")
CITY_REGIONS = {"astana", "almaty", "shymkent"}


def cyrillic(name: str) -> str:
    if any("а" <= ch.lower() <= "я" or ch in "әғқңөұүһіӘҒҚҢӨҰҮҺІ" for ch in name):
        return name.translate(LATIN_TO_CYRILLIC)
    return name


def kind_of(kato: str, region: str, name_ru: str) -> str:
    if region in CITY_REGIONS:
        return "city_district"
    if name_ru.endswith(("ский", "цкий", "ный")) and not name_ru.endswith("Рудный"):
        return "district"
    return "district" if kato[2:4] >= "30" else "city"


def build(source: Path) -> list[dict[str, str]]:
    rows = []
    with open(source, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            region = REGION_SLUGS[row["ADM1_EN"]]
            name_kk, name_ru = cyrillic(row["ADM2_KK"].strip()), cyrillic(row["ADM2_RU"].strip())
            name_ru = name_ru.replace("скийский", "ский")
            if name_ru.endswith("иский"):  # "Аль-Фарабиский": the adjective of a name in -и takes -йский
                name_ru = name_ru[: -len("иский")] + "ийский"
            if name_ru == "Талдықорған":  # the source swaps the Kazakh and Russian names
                name_kk, name_ru = name_ru, name_kk
            rows.append({
                "kato": row["KATO"], "region": region, "kind": kind_of(row["KATO"], region, name_ru),
                "name_kk": name_kk, "name_ru": name_ru, "name_en": row["ADM2_EN"].strip(),
            })
    return rows


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SOURCE
    out = Path(argv[1]) if len(argv) > 1 else OUT
    rows = build(source)
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["kato", "region", "kind", "name_kk", "name_ru", "name_en"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Derive the referendum's own data files from ../shared/data/admin_divisions (geokz, CC BY 4.0).

Writes kenes/data/referendum/regions.csv (region slug ↔ KATO / ISO codes), districts.csv
(the 224 districts and cities with their region slug) and regions_map.json (projected,
simplified SVG paths). Run once; the outputs are committed as facts with attribution.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kenes.referendum import geo

DATA_DIR = settings.PACKAGE_DIR / "data" / "referendum"
ATTRIBUTION = "Boundaries: Alexander Rodionov, geokz, CC BY 4.0"

# geokz ADM1 KATO prefix (2 digits) → Kenes region slug.
KATO_TO_SLUG = {
    "10": "abai", "11": "akmola", "15": "aktobe", "19": "almaty_region", "23": "atyrau",
    "27": "west_kazakhstan", "31": "zhambyl", "33": "jetisu", "35": "karaganda", "39": "kostanay",
    "43": "kyzylorda", "47": "mangystau", "55": "pavlodar", "59": "north_kazakhstan", "61": "turkistan",
    "62": "ulytau", "63": "east_kazakhstan", "71": "astana", "75": "almaty", "79": "shymkent",
}


LATIN_LOOKALIKES = str.maketrans("AaEeOoPpCcXxiIyKkMHTB", "АаЕеОоРрСсХхіІуКкМНТВ")


def clean_name(name: str) -> str:
    """Source quirks: Latin look-alike letters inside Cyrillic names ("Aршалинский"), a doubled
    suffix ("Енбекшинскийский")."""
    name = name.strip()
    if any("а" <= ch.lower() <= "я" or ch in "әғқңөұүһіӘҒҚҢӨҰҮҺІ" for ch in name):
        name = name.translate(LATIN_LOOKALIKES)
    return name.replace("скийский", "ский")


class Command(BaseCommand):
    help = "Derive kenes/data/referendum/ (regions, districts, map paths) from ../shared/data/admin_divisions."

    def add_arguments(self, parser: Any) -> None:
        default = settings.BASE_DIR.parent / "shared" / "data" / "admin_divisions"
        parser.add_argument("--source", type=Path, default=default)
        parser.add_argument("--tolerance", type=float, default=1.2, help="simplification tolerance in map pixels")

    def handle(self, *args: Any, source: Path, tolerance: float, **options: Any) -> None:
        if not (source / "kaz_adm1_2024.geojson").exists():
            raise CommandError(f"{source}/kaz_adm1_2024.geojson not found")
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        self._regions(source)
        self._districts(source)
        self._map(source, tolerance)

    def _regions(self, source: Path) -> None:
        with open(source / "kaz_adm1_2024_attributes.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        with open(DATA_DIR / "regions.csv", "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["slug", "kato", "pcode", "iso_3166_2"])
            for row in rows:
                writer.writerow([KATO_TO_SLUG[row["KATO"][:2]], row["KATO"], row["ADM1_PCODE"], row["ISO_3166_2"]])
        self.stdout.write(f"regions.csv: {len(rows)} regions")

    def _districts(self, source: Path) -> None:
        with open(source / "kaz_adm2_2024_attributes.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        with open(DATA_DIR / "districts.csv", "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["kato", "pcode", "region", "name_kk", "name_ru", "name_en"])
            for row in rows:
                name_kk, name_ru = clean_name(row["ADM2_KK"]), clean_name(row["ADM2_RU"])
                if name_ru == "Талдықорған":  # the source swaps the Kazakh and Russian names
                    name_kk, name_ru = name_ru, name_kk
                writer.writerow([row["KATO"], row["ADM2_PCODE"], KATO_TO_SLUG[row["KATO"][:2]],
                                 name_kk, name_ru, row["ADM2_EN"].strip()])
        self.stdout.write(f"districts.csv: {len(rows)} districts")

    def _map(self, source: Path, tolerance: float) -> None:
        with open(source / "kaz_adm1_2024.geojson", encoding="utf-8") as f:
            features = json.load(f)["features"]
        polygons: dict[str, list[list[list[list[float]]]]] = {}
        lons: list[float] = []
        lats: list[float] = []
        for feature in features:
            geometry = feature["geometry"]
            parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            polygons[KATO_TO_SLUG[str(feature["properties"]["KATO"])[:2]]] = parts
            for part in parts:
                for ring in part:
                    lons.extend(p[0] for p in ring)
                    lats.extend(p[1] for p in ring)
        bounds = (min(lons), min(lats), max(lons), max(lats))
        paths: dict[str, str] = {}
        for slug, parts in sorted(polygons.items()):
            d = []
            for part in parts:
                for ring in part[:1]:  # outer rings only: holes are other regions drawn on top
                    points = [geo.project(p[0], p[1], bounds) for p in ring]
                    simple = geo.simplify(points, tolerance)
                    if len(simple) >= 4 and geo.ring_area(simple) >= 2.0:
                        d.append(geo.ring_to_path(simple[:-1]))
            paths[slug] = "".join(d)
        payload = {
            "attribution": ATTRIBUTION,
            "width": geo.MAP_WIDTH,
            "height": round(geo.map_height(bounds), 1),
            "paths": paths,
        }
        with open(DATA_DIR / "regions_map.json", "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
        self.stdout.write(f"regions_map.json: {len(paths)} regions, {sum(len(p) for p in paths.values())} characters")

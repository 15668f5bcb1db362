"""The referendum's own data files (districts, map) and the geometry that derived them."""

from __future__ import annotations

import csv
import json
import re

from kenes.referendum import geo
from kenes.referendum.actions import DATA_DIR, read_districts
from kenes.regions import REGION_SLUGS
from tests.conftest import shared_path


def test_districts_cover_the_twenty_regions() -> None:
    districts = read_districts()
    assert len(districts) == 224
    assert {d["region"] for d in districts} == REGION_SLUGS
    assert len({d["kato"] for d in districts}) == 224
    for d in districts:
        for name in (d["name_kk"], d["name_ru"]):
            assert not re.search("[A-Za-z]", name), name
            assert "скийский" not in name


def test_districts_match_the_source() -> None:
    source = shared_path("data", "admin_divisions", "kaz_adm2_2024_attributes.csv")
    with open(source, encoding="utf-8", newline="") as f:
        katos = {row["KATO"] for row in csv.DictReader(f)}
    assert katos == {d["kato"] for d in read_districts()}


def test_region_map_has_a_path_per_region_and_attribution() -> None:
    data = json.loads((DATA_DIR / "regions_map.json").read_text(encoding="utf-8"))
    assert set(data["paths"]) == REGION_SLUGS
    assert data["attribution"] == "Boundaries: Alexander Rodionov, geokz, CC BY 4.0"
    for slug, path in data["paths"].items():
        assert re.fullmatch(r"(M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+Z)+", path), slug
        xs = [float(x) for x in re.findall(r"[ML]([\d.]+) ", path)]
        assert 0 <= min(xs) and max(xs) <= data["width"] + 0.1
    assert len(json.dumps(data)) < 40_000  # simplified: small enough to inline in every page


def test_simplify_keeps_corners_and_drops_collinear_points() -> None:
    square = [(0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (10.0, 10.0), (5.0, 10.05), (0.0, 10.0), (0.0, 0.0)]
    assert geo.simplify(square, 0.5) == [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    assert geo.ring_area([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]) == 100.0


def test_projection_puts_north_up_and_west_left() -> None:
    bounds = (46.0, 40.0, 88.0, 56.0)
    west, east = geo.project(46.0, 48.0, bounds), geo.project(88.0, 48.0, bounds)
    north, south = geo.project(60.0, 56.0, bounds), geo.project(60.0, 40.0, bounds)
    assert west[0] == 0.0 and east[0] == geo.MAP_WIDTH
    assert north[1] == 0.0 and south[1] == geo.map_height(bounds)

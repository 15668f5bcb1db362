"""Boundary geometry for the results map: projection and simplification (pure Python).

Used once by `kenes referendum_build_data` to derive the SVG path data stored in
kenes/data/referendum/regions_map.json from the geokz boundaries (CC BY 4.0).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

Point = tuple[float, float]

MAP_WIDTH = 1000.0
LAT0 = 48.0  # standard parallel of the equirectangular projection


def project(lon: float, lat: float, bounds: tuple[float, float, float, float], width: float = MAP_WIDTH) -> Point:
    """Equirectangular projection scaled to `width`; y grows downwards (SVG)."""
    min_lon, _min_lat, max_lon, max_lat = bounds
    k = math.cos(math.radians(LAT0))
    scale = width / ((max_lon - min_lon) * k)
    return ((lon - min_lon) * k * scale, (max_lat - lat) * scale)


def map_height(bounds: tuple[float, float, float, float], width: float = MAP_WIDTH) -> float:
    min_lon, min_lat, max_lon, max_lat = bounds
    k = math.cos(math.radians(LAT0))
    return (max_lat - min_lat) * width / ((max_lon - min_lon) * k)


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker simplification (iterative, keeps the end points)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index != -1 and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(points: Sequence[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(points))) / 2


def ring_to_path(points: Sequence[Point]) -> str:
    head, *rest = points
    parts = [f"M{head[0]:.1f} {head[1]:.1f}"] + [f"L{x:.1f} {y:.1f}" for x, y in rest]
    return "".join(parts) + "Z"

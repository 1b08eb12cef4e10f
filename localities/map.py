"""The map of the communes: official outlines simplified and projected once, drawn as inline SVG.

``build()`` reads the IGN outlines (``communes-34-herault.geojson``, see ``data/map_CREDITS.md``),
keeps our communes and, as grey context, the neighbours in view, projects them to a 1000-wide
plane and simplifies them; ``manage.py build_map`` writes the result to ``data/map_thau.json``.
Pages only read that small file (``load()``): no tile server, no JavaScript, nothing fetched.
"""

from __future__ import annotations

import csv
import json
import math
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
MAP_FILE = DATA / "map_thau.json"
COMMUNES_CSV = DATA / "communes_sam.csv"
WIDTH = 1000.0
MARGIN = 0.03  # of the width, around our communes
TOLERANCE = 0.9  # plane units (about 35 m): invisible at any screen size, halves the points

# The official outlines share the Étang de Thau between the shore communes, so the water has no
# outline of its own there. This shoreline, in (longitude, latitude), is traced by hand from the
# shore towns (Balaruc-les-Bains, Bouzigues, Mèze, Marseillan, the Pointe des Onglous and Sète's
# canals) and from the lido, which runs about 1 km inside the coastline of the official data.
LAGOON = [
    (3.690, 43.405), (3.698, 43.420), (3.703, 43.437), (3.697, 43.452), (3.688, 43.447), (3.680, 43.438),
    (3.668, 43.445), (3.655, 43.447), (3.635, 43.437), (3.612, 43.425), (3.598, 43.415), (3.575, 43.393),
    (3.550, 43.372), (3.532, 43.357), (3.527, 43.345), (3.540, 43.338), (3.575, 43.352), (3.620, 43.374),
    (3.655, 43.392), (3.680, 43.400),
]  # fmt: skip


# Where a name is written when the outline's centre falls in the water (Sète's outline is mostly
# lagoon), or when three small neighbours' names would overlap around Balaruc.
LABEL_AT = {
    "34301": (3.672, 43.392), "34150": (3.515, 43.33), "34023": (3.668, 43.428), "34039": (3.640, 43.468),
    "34024": (3.716, 43.466), "34143": (3.603, 43.458),
}  # fmt: skip
LAGOON_LABEL = (3.600, 43.385)


def build(geojson_path: Path, communes_csv: Path = COMMUNES_CSV) -> dict:
    """The map's data: viewBox, one path per commune (INSEE, name, slug, label spot), land, lagoon."""
    ours = {row["insee"]: row for row in csv.DictReader(communes_csv.open(encoding="utf-8"))}
    features = json.loads(Path(geojson_path).read_text(encoding="utf-8"))["features"]
    mine = [f for f in features if f["properties"]["code"] in ours]
    points = [p for f in mine for ring in _rings(f["geometry"]) for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    # Equirectangular with the mean latitude's scale: exact enough over 30 km, and simple.
    x_scale = math.cos(math.radians((south + north) / 2))
    scale = WIDTH * (1 - 2 * MARGIN) / ((east - west) * x_scale)
    height = round((north - south) * scale + 2 * MARGIN * WIDTH)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (MARGIN * WIDTH + (lon - west) * x_scale * scale, MARGIN * WIDTH + (north - lat) * scale)

    def in_view(feature) -> bool:
        xs, ys = zip(*(project(*p) for ring in _rings(feature["geometry"]) for p in ring), strict=True)
        return max(xs) > 0 and min(xs) < WIDTH and max(ys) > 0 and min(ys) < height

    communes = []
    for feature in sorted(mine, key=lambda f: f["properties"]["code"]):
        rings = [[project(*p) for p in ring] for ring in _rings(feature["geometry"])]
        row = ours[feature["properties"]["code"]]
        x, y = _label_spot(rings[0])
        if row["insee"] in LABEL_AT:
            x, y = (round(v) for v in project(*LABEL_AT[row["insee"]]))
        communes.append(
            {"insee": row["insee"], "name": row["nom"], "slug": row["slug"], "d": _path(rings), "x": x, "y": y}
        )
    land = [
        [project(*p) for p in ring]
        for feature in features
        if feature["properties"]["code"] not in ours and in_view(feature)
        for ring in _rings(feature["geometry"])
    ]
    return {
        "credit": "Contours : IGN Admin Express (simplifiés, gregoiredavid/france-geojson), Licence Ouverte / Etalab.",
        "width": round(WIDTH),
        "height": height,
        "land": _path(land),
        "lagoon": _path([[project(*p) for p in LAGOON]]),
        "lagoon_label": [round(v) for v in project(*LAGOON_LABEL)],
        "communes": communes,
    }


def write(data: dict, path: Path = MAP_FILE) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load() -> dict:
    """The built map, read once per process."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Outer rings only: none of these communes has an enclave."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def _path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        kept = simplify(ring, TOLERANCE)
        if len(kept) < 3:
            continue
        head, *rest = [f"{x:.1f} {y:.1f}" for x, y in kept]
        parts.append(f"M{head}L{' '.join(rest)}Z")
    return "".join(parts)


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker: drop the points closer than ``tolerance`` to the line they sit on."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _label_spot(ring: list[tuple[float, float]]) -> tuple[int, int]:
    """The area-weighted centroid of the outline, where the name is written."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return round(ring[0][0]), round(ring[0][1])
    return round(cx / (3 * area)), round(cy / (3 * area))

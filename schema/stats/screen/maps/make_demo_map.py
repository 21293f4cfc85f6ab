"""Writes demo-districts.geojson: the outlines of the demo's three districts and their demo
streets, drawn around the demo grids (resolvers/cases/demo.py: each demo street's grids are
squares of 0.01° from its origin). The demo's places are not surveyed: these outlines are for
the display page's map of the demo, not a map of China. Run it after changing the demo:
    python schema/stats/screen/maps/make_demo_map.py
"""

from __future__ import annotations

import json
from pathlib import Path

import geojson
from shapely.geometry import box

from resolvers.cases.demo import GRID_SIZE, origin
from resolvers.demo import DEMO_STREETS, GRIDS_PER_COMMUNITY

features: list[geojson.Feature | geojson.geometry.Geometry] = []
for index, street in enumerate(DEMO_STREETS, start=1):
    west, south = origin(index)
    columns, rows = 3, (len(street.communities) * GRIDS_PER_COMMUNITY + 2) // 3
    outline = box(west, south, west + columns * GRID_SIZE, south + rows * GRID_SIZE).buffer(
        0.004, join_style=2
    )
    district = outline.buffer(0.03, join_style=2)
    for level, name, shape in (
        ("district", street.district_name, district),
        ("street", street.name, outline),
    ):
        coordinates = [[round(x, 6), round(y, 6)] for x, y in shape.exterior.coords]
        polygon = geojson.Polygon([coordinates])
        features.append(
            geojson.Feature(geometry=polygon, properties={"name": name, "level": level})
        )
path = Path(__file__).with_name("demo-districts.geojson")
path.write_text(
    json.dumps(geojson.FeatureCollection(features), ensure_ascii=False, separators=(",", ":")),
    encoding="utf-8",
)
print(f"{len(features)} outlines written to {path}")

"""A project on real streets: the OpenStreetMap extract of central Aguascalientes (ODbL) as the roads.

    make_osm_project(folder) -> folder

Used by the browser tests (names along real roads, the first view, thinning) and by
``scripts/screenshots.py``. The roads are the extract as found (``roads.osm.pbf``); the
rest is made from them, deterministically: the city blocks the streets enclose
(polygonised from the noded streets) are grouped by a 500 m grid into communities named
after their grid square (one demonstration, four key, the rest general); two city leaders
hold the two longest avenues, two district leaders a section each between real cross
streets, three street leaders the communities but two (left without a leader, so the gap
map has something to show); 400 issues lie a few metres off the streets, seeded.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyproj
import shapely

from conftest import write_csv

OSM = Path(__file__).resolve().parent / "data" / "osm" / "aguascalientes.osm.pbf"  # ODbL, see its README
UTM = 32613  # UTM zone 13N, where Aguascalientes is
GRID_M = 500.0

LEADERS = [
    {"id": "C1", "name": "甲", "title": "副市长", "level": "city"},
    {"id": "C2", "name": "乙", "title": "副市长", "level": "city"},
    {"id": "D1", "name": "丙", "title": "区长", "level": "district"},
    {"id": "D2", "name": "丁", "title": "副区长", "level": "district"},
    {"id": "S1", "name": "戊", "title": "街道书记", "level": "street"},
    {"id": "S2", "name": "己", "title": "街道书记", "level": "street"},
    {"id": "S3", "name": "庚", "title": "街道书记", "level": "street"},
]


def osm_roads():
    """The extract's roads as geo reads them (highway lines), in metres: a GeoDataFrame with ``name``."""
    import geopandas as gpd

    lines = gpd.read_file(OSM, layer="lines", engine="pyogrio")
    roads = lines[lines["highway"].notna() & ~lines["highway"].isin(["footway", "path", "cycleway", "steps"])]
    return roads.to_crs(UTM)


def _sections(roads, rng) -> list[dict]:
    """Two sections on long named roads, each between the 2nd and 4th named streets that cross it."""
    named = roads[roads["name"].notna()]
    lengths = named.assign(m=named.length).groupby("name")["m"].sum().sort_values(ascending=False)
    rows = []
    for leader, road in zip(("D1", "D2"), lengths.index[2:4]):
        axis = shapely.line_merge(shapely.union_all(named[named["name"] == road].geometry.values))
        crossings = []
        for other, pieces in named[named["name"] != road].groupby("name"):
            meet = shapely.intersection(axis, shapely.union_all(pieces.geometry.values))
            if not meet.is_empty:
                point = shapely.get_geometry(meet, 0) if meet.geom_type.startswith("Multi") else meet
                crossings.append((axis.project(point.centroid) if hasattr(axis, "project") else 0.0, other))
        crossings.sort()
        if len(crossings) >= 4:
            rows.append(
                {"leader": leader, "kind": "section", "target": road, "from": crossings[1][1], "to": crossings[3][1]}
            )
    return rows


def make_osm_project(folder: Path, issues: int = 400) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(OSM, folder / "roads.osm.pbf")
    roads = osm_roads()
    streets = shapely.union_all(roads.geometry.values)  # noded at every crossing
    blocks = shapely.get_parts(shapely.polygonize(shapely.get_parts(streets)))
    blocks = blocks[shapely.area(blocks) > 200]
    x0, y0 = roads.total_bounds[:2]
    points = shapely.get_coordinates(shapely.point_on_surface(blocks))
    cells = [(int((x - x0) // GRID_M), int((y - y0) // GRID_M)) for x, y in points]
    to_wgs = pyproj.Transformer.from_crs(UTM, 4326, always_xy=True)

    def wgs(geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))

    order = sorted(set(cells), key=lambda c: (c[1], c[0]))
    centre = np.mean(points, axis=0)
    communities = []
    for n, cell in enumerate(order):
        area = shapely.union_all(blocks[[c == cell for c in cells]])
        communities.append({"id": f"AGS{n + 1:03d}", "name": f"第{n + 1}社区", "geometry": area})
    by_centre = sorted(
        range(len(communities)),
        key=lambda i: float(np.hypot(*(shapely.get_coordinates(communities[i]["geometry"].centroid)[0] - centre))),
    )
    tiers = {by_centre[0]: "demonstration", **dict.fromkeys(by_centre[1:5], "key")}
    features = [
        {
            "type": "Feature",
            "properties": {"id": c["id"], "name": c["name"], "tier": tiers.get(i, "general")},
            "geometry": shapely.geometry.mapping(wgs(c["geometry"])),
        }
        for i, c in enumerate(communities)
    ]
    (folder / "communities.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    named = roads[roads["name"].notna()]
    longest = named.assign(m=named.length).groupby("name")["m"].sum().sort_values(ascending=False).index
    rng = np.random.default_rng(24)
    assignments = [{"leader": leader, "kind": "road", "target": road} for leader, road in zip(("C1", "C2"), longest)]
    assignments += _sections(roads, rng)
    led = [c["id"] for c in communities][:-2]
    assignments += [
        {"leader": f"S{1 + k % 3}", "kind": "community", "target": c} for k, c in enumerate(led)
    ]  # the last two: no leader
    write_csv(folder / "leaders.csv", LEADERS)
    write_csv(folder / "assignments.csv", assignments, ["leader", "kind", "target", "from", "to"])
    pieces = roads.geometry.values
    pick = rng.integers(0, len(pieces), issues)
    at = shapely.line_interpolate_point(pieces[pick], rng.uniform(0, 1, issues), normalized=True)
    at = shapely.points(shapely.get_coordinates(at) + rng.normal(0, 4, (issues, 2)))
    states = rng.choice(["open", "resolved", "resolved"], issues)
    dues = rng.choice(["2024-04-30", "2024-06-30"], issues)
    issue_features = [
        {
            "type": "Feature",
            "properties": {"id": f"Q{k:04d}", "state": s, "due": d, "category": "占道经营"},
            "geometry": shapely.geometry.mapping(wgs(p)),
        }
        for k, (p, s, d) in enumerate(zip(at, states, dues))
    ]
    (folder / "issues.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": issue_features}, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "geo.toml").write_text("today = 2024-05-15\n", encoding="utf-8")
    return folder

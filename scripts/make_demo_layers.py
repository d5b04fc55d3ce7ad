"""Build the embedded Shashi demo project in ``layers/`` (seeded, byte-identical).

    python scripts/make_demo_layers.py [--out layers] [--expected tests/data/demo_expected.json]

What is real and what is not:

- the district outline is the real one of 沙市区 (Vonng/adcode, CC BY 4.0,
  ``scripts/data/``), converted from GCJ-02 to WGS84 with `geo.coords`;
- the 76 community names, their streets and 12-digit codes are real
  (the same source); the seed's counts are kept: 4 demonstration, 24 key,
  48 general communities, 13 city leaders' roads, 11 district sections,
  work teams in 47 communities, 40+ complaints of which 37 solved,
  findings from 9 inspection groups;
- the community polygons, the road geometry, the leaders' names, the status
  rows and the issue points are **illustrative**: no surveyed community
  boundaries are public. Road names are those of Shashi streets, placed on
  an illustrative grid.

Planted gaps (the gap report must find exactly these), written with their
expected figures to ``--expected`` for the end-to-end test:

1. a stretch of 江津路 between two cross streets with no section leader;
2. a sliver of territory between two communities that is in neither;
3. a community with no leader (and an alley inside it, an unmanaged stretch);
4. a complaint in the community with no leader, far from any road (an orphan); and one located
   outside the district (left out of every figure, counted as outside).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.ops import substring

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.coords import geometry_gcj02_to_wgs84  # noqa: E402

DATA = ROOT / "scripts" / "data"
SEED = 20220514  # the seed document's date
UTM = 32649  # WGS 84 / UTM zone 49N, metric CRS for construction
URBAN_CENTRE = (112.27, 30.32)  # lon, lat (WGS84), illustrative city centre
URBAN_HALF = (3200.0, 2300.0)  # half-width, half-height of the urban grid (m)
ATTRIBUTION = "Administrative data © Vonng/adcode contributors, CC BY 4.0"
NOTE = (
    "Illustrative geometry: no surveyed community boundaries are public. "
    "Place names and codes are real (沙市区); leaders are fictional."
)

# The urban grid: east-west roads north to south, north-south roads west to east.
EW_ROADS = ["航空路", "江汉路", "北京路", "豉湖路", "中山路", "塔桥路", "江津路"]
NS_ROADS = ["太岳路", "白云路", "红门路", "长港路", "园林路", "便河路", "金龙路", "北湖路", "人民路"]
CITY_ROADS = [
    "北京路",
    "红门路",
    "白云路",
    "航空路",
    "江汉路",
    "豉湖路",
    "中山路",
    "太岳路",
    "长港路",
    "园林路",
    "便河路",
    "金龙路",
    "北湖路",
]
# Sectioned roads: (road, cross streets in order along it); the road runs from the
# first cross street to the last. One stretch of 江津路 is left without a leader.
SECTIONED = [
    ("江津路", ["白云路", "红门路", "长港路", "园林路", "便河路", "金龙路"]),
    ("塔桥路", ["红门路", "长港路", "园林路", "便河路", "金龙路"]),
    ("人民路", ["江汉路", "北京路", "豉湖路", "中山路"]),
]
GAP_SECTION = ("江津路", "红门路", "长港路")  # the planted section gap
RURAL_ROADS = {  # name -> lon/lat waypoints (WGS84), illustrative
    "318国道": [(112.22, 30.392), (112.30, 30.385), (112.38, 30.378), (112.46, 30.37), (112.53, 30.36)],
    "沙岑路": [(112.305, 30.318), (112.34, 30.325), (112.37, 30.33), (112.41, 30.335)],
}
# Town anchors (lon, lat) and how many of their committees are demo communities.
TOWNS = [
    ("关沮镇", (112.25, 30.37), 5),
    ("锣场镇", (112.33, 30.40), 4),
    ("立新乡", (112.33, 30.27), 6),
    ("岑河镇", (112.40, 30.33), 5),
    ("观音当镇", (112.48, 30.35), 5),
]
STREET_COUNTS = {
    "中山街道办事处": 8,
    "崇文街道办事处": 5,
    "解放街道办事处": 15,
    "胜利街道办事处": 10,
    "朝阳街道办事处": 13,
}

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国明华军平志伟勇强文静丽敏红英芳丹涛斌超波辉刚磊杰宏鹏飞云海峰林"
CITY_TITLES = ["市委常委", "副市长", "市人大常委会副主任", "市政协副主席"]
DISTRICT_TITLES = (
    ["区委书记", "区长"]
    + ["副区长"] * 4
    + ["区人大常委会主任", "区政协主席", "区委副书记"]
    + ["区委常委"] * 4
    + ["区人大常委会副主任"] * 3
    + ["区政协副主席"] * 4
)
DEPARTMENTS = [
    "市城管执法委",
    "市住建委",
    "市卫健委",
    "市生态环境局",
    "市公安局",
    "市交通运输局",
    "市市场监管局",
    "市水利湖泊局",
    "市自然资源和规划局",
    "市财政局",
    "市教育局",
    "市民政局",
    "市文旅局",
    "市商务局",
    "市发改委",
    "市统计局",
    "市审计局",
    "市司法局",
    "市人社局",
    "市农业农村局",
    "市应急管理局",
    "市林业局",
    "市税务局",
    "市供销社",
]
COMMUNITY_ITEMS = ["拆违", "五乱", "门前三包", "粉刷", "绿化", "保洁"]
ISSUE_CATEGORIES = ["卫生死角", "占道经营", "乱贴乱画", "违章搭建", "垃圾堆放", "污水外溢", "门前三包", "乱停乱放"]


# ----------------------------------------------------------------------------- helpers
class Builder:
    """Holds the random generator and the coordinate transformers."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(SEED)
        self.to_utm = pyproj.Transformer.from_crs(4326, UTM, always_xy=True)
        self.to_wgs = pyproj.Transformer.from_crs(UTM, 4326, always_xy=True)

    def utm(self, lon: float, lat: float) -> tuple[float, float]:
        return self.to_utm.transform(lon, lat)

    def wgs(self, geometry):
        """UTM geometry -> WGS84, coordinates snapped to 1e-7° (about 1 cm)."""

        def apply(xy):
            lon, lat = self.to_wgs.transform(xy[:, 0], xy[:, 1])
            return np.round(np.column_stack([lon, lat]), 7)

        return shapely.transform(geometry, apply)

    def name(self, used: set[str]) -> str:
        while True:
            surname = SURNAMES[self.rng.integers(len(SURNAMES))]
            given = "".join(GIVEN[i] for i in self.rng.integers(len(GIVEN), size=self.rng.integers(1, 3)))
            if surname + given not in used:
                used.add(surname + given)
                return surname + given


def load_boundary(b: Builder):
    data = json.loads((DATA / "shashi_boundary_gcj02.geojson").read_text(encoding="utf-8"))
    gcj = shapely.geometry.shape(data["features"][0]["geometry"])
    wgs = shapely.set_precision(geometry_gcj02_to_wgs84(gcj), 1e-7)
    utm = shapely.transform(wgs, lambda xy: np.column_stack(b.to_utm.transform(xy[:, 0], xy[:, 1])))
    return wgs, utm


def load_units() -> list[dict]:
    with open(DATA / "shashi_admin_units.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def community_name(committee: str) -> str:
    if committee.endswith("居委会"):
        return committee[: -len("居委会")] + "社区"
    if committee.endswith("村委会"):
        return committee[: -len("村委会")] + "村"
    return committee


# ----------------------------------------------------------------------------- communities
def jittered_grid(b: Builder, region, spacing: float) -> np.ndarray:
    x0, y0, x1, y1 = region.bounds
    xs = np.arange(x0 + spacing / 2, x1, spacing)
    ys = np.arange(y0 + spacing / 2, y1, spacing)
    pts = np.array([(x, y) for y in ys for x in xs])
    pts = pts + b.rng.uniform(-0.3, 0.3, size=pts.shape) * spacing
    keep = shapely.contains_xy(region, pts[:, 0], pts[:, 1])
    return pts[keep]


def farthest_points(points: np.ndarray, n: int, fixed: np.ndarray) -> np.ndarray:
    """Pick n well-spread points (greedy farthest-point sampling), away from `fixed`."""
    chosen = []
    dist = np.min(np.linalg.norm(points[:, None, :] - fixed[None, :, :], axis=2), axis=1)
    for _ in range(n):
        i = int(np.argmax(dist))
        chosen.append(points[i])
        dist = np.minimum(dist, np.linalg.norm(points - points[i], axis=1))
    return np.array(chosen)


def make_communities(b: Builder, boundary, urban_zone, units):
    committees = [u for u in units if u["level"] == "committee"]
    cx, cy = b.utm(*URBAN_CENTRE)
    # 51 urban seeds: a jittered grid in the urban zone, the 51 nearest the centre.
    seeds = jittered_grid(b, urban_zone, 720.0)
    if len(seeds) < 51:
        raise RuntimeError(f"only {len(seeds)} urban seeds; lower the grid spacing")
    order = np.argsort(np.hypot(seeds[:, 0] - cx, seeds[:, 1] - cy), kind="stable")
    urban = seeds[order[:51]]
    # 25 rural seeds spread over the rest of the district.
    rural_region = boundary.difference(urban_zone.buffer(1500))
    candidates = jittered_grid(b, rural_region, 600.0)
    rural = farthest_points(candidates, 25, urban)
    # Streets: urban seeds sorted by angle around the centre, cut in runs.
    angle = np.arctan2(urban[:, 1] - cy, urban[:, 0] - cx)
    urban = urban[np.argsort(angle, kind="stable")]
    records, start = [], 0
    for street, count in STREET_COUNTS.items():
        mine = [c for c in committees if c["parent_name"] == street][:count]
        pts = urban[start : start + count]
        start += count
        by_distance = np.argsort(np.hypot(pts[:, 0] - cx, pts[:, 1] - cy), kind="stable")
        for committee, i in zip(mine, by_distance):
            records.append({"committee": committee, "street": street, "seed": pts[i], "urban": True})
    taken = np.zeros(len(rural), dtype=bool)
    for town, anchor, count in TOWNS:
        ax, ay = b.utm(*anchor)
        mine = sorted(
            (c for c in committees if c["parent_name"] == town), key=lambda c: (c["urban_rural_code"], c["code"])
        )[:count]
        d = np.hypot(rural[:, 0] - ax, rural[:, 1] - ay)
        d[taken] = np.inf
        for committee, i in zip(mine, np.argsort(d, kind="stable")[:count]):
            taken[i] = True
            records.append({"committee": committee, "street": town, "seed": rural[i], "urban": False})
    # Urban communities tile the urban area; rural ones tile the rest of the district.
    urban_area = urban_zone.buffer(400, join_style="mitre").intersection(boundary)
    urban_records = [r for r in records if r["urban"]]
    rural_records = [r for r in records if not r["urban"]]
    tile(urban_records, urban_area, boundary)
    tile(rural_records, boundary.difference(urban_area), boundary)
    for record in records:
        record["id"] = record["committee"]["code"]
        record["name"] = community_name(record["committee"]["name"])
    # Tiers: 4 demonstration near the centre, 24 key among the other urban ones.
    by_centre = sorted(urban_records, key=lambda r: np.hypot(r["seed"][0] - cx, r["seed"][1] - cy))
    for r in records:
        r["tier"] = "general"
    demo = by_centre[:8:2]
    for r in demo:
        r["tier"] = "demonstration"
    rest = [r for r in urban_records if r["tier"] == "general"]
    for i in sorted(b.rng.choice(len(rest), size=24, replace=False)):
        rest[i]["tier"] = "key"
    if len(records) != 76:
        raise RuntimeError(f"{len(records)} communities instead of 76")
    return sorted(records, key=lambda r: r["id"])


def tile(records: list[dict], region, boundary) -> None:
    """Give each record the Voronoi cell of its seed within `region`, in one piece.

    A cell that the region cuts into several parts keeps its largest part; each
    other part joins the neighbouring cell it shares the longest border with, so
    the cells still tile the region exactly.
    """
    seeds = shapely.points(np.array([r["seed"] for r in records]))
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=boundary.envelope.buffer(5000))
    )
    tree = shapely.STRtree(cells)
    owned, strays = [], []
    for seed in seeds:
        parts = sorted(
            shapely.get_parts(cells[tree.query(seed, predicate="within")[0]].intersection(region)),
            key=lambda g: -g.area,
        )
        parts = [p for p in parts if p.geom_type == "Polygon" and p.area > 0]
        owned.append(parts[0])
        strays.extend(parts[1:])
    for stray in sorted(strays, key=lambda g: -g.area):
        shared = [stray.boundary.intersection(cell.boundary).length for cell in owned]
        i = int(np.argmax(shared)) if max(shared) > 0 else int(np.argmin([stray.distance(c) for c in owned]))
        owned[i] = owned[i].union(stray)
    for record, cell in zip(records, owned):
        record["geometry"] = cell


# ----------------------------------------------------------------------------- roads
def wavy_line(b: Builder, start, end, step: float = 320.0, wiggle: float = 35.0):
    start, end = np.asarray(start, float), np.asarray(end, float)
    n = max(2, int(np.hypot(*(end - start)) // step) + 1)
    t = np.linspace(0.0, 1.0, n + 1)
    pts = start + t[:, None] * (end - start)
    normal = np.array([-(end - start)[1], (end - start)[0]]) / np.hypot(*(end - start))
    offsets = b.rng.uniform(-wiggle, wiggle, size=n + 1)
    offsets[[0, -1]] = 0.0
    return shapely.LineString(pts + offsets[:, None] * normal)


def grid_lines(b: Builder, zone) -> dict[str, shapely.LineString]:
    cx, cy = b.utm(*URBAN_CENTRE)
    hx, hy = URBAN_HALF
    lines = {}
    for k, name in enumerate(EW_ROADS):
        y = cy + 1950 - k * 650
        lines[name] = wavy_line(b, (cx - hx - 400, y), (cx + hx + 400, y))
    for k, name in enumerate(NS_ROADS):
        x = cx - 2800 + k * 700
        lines[name] = wavy_line(b, (x, cy + hy + 400), (x, cy - hy - 400))
    clipped = {}
    for name, line in lines.items():
        parts = shapely.get_parts(line.intersection(zone))
        clipped[name] = max(parts, key=lambda g: g.length)
    return clipped


def crossing_points(lines: dict[str, shapely.LineString]) -> dict[tuple[str, str], shapely.Point]:
    """The one crossing point of each pair of grid roads that meet."""
    points = {}
    names = sorted(lines)
    for i, a in enumerate(names):
        for c in names[i + 1 :]:
            hit = lines[a].intersection(lines[c])
            if hit.is_empty:
                continue
            point = shapely.get_parts(hit)[0]
            points[(a, c)] = points[(c, a)] = point
    return points


def cut_at(line: shapely.LineString, points: list[shapely.Point]) -> list[shapely.LineString]:
    """Split a line at points lying on it; the pieces end exactly at those points."""
    marks = sorted({line.project(p): p for p in points}.items())
    bounds = [(0.0, shapely.Point(line.coords[0]))] + marks + [(line.length, shapely.Point(line.coords[-1]))]
    pieces = []
    for (c0, p0), (c1, p1) in zip(bounds, bounds[1:]):
        if c1 - c0 < 1e-6:
            continue
        inner = list(substring(line, c0, c1).coords)[1:-1]
        pieces.append(shapely.LineString([p0.coords[0], *inner, p1.coords[0]]))
    return pieces


def make_roads(b: Builder, boundary, zone):
    lines = grid_lines(b, zone)
    crossings = crossing_points(lines)
    expected_gap = None
    # Trim sectioned roads to run from their first to their last cross street.
    for road, streets in SECTIONED:
        line = lines[road]
        chain = sorted(line.project(crossings[(road, s)]) for s in (streets[0], streets[-1]))
        lines[road] = substring(line, *chain)
        if line.project(crossings[(road, streets[0])]) > line.project(crossings[(road, streets[-1])]):
            lines[road] = lines[road].reverse()
        # A trimmed road no longer meets the streets beyond its ends.
        for other in list(lines):
            key = (road, other)
            if key in crossings and lines[road].distance(crossings[key]) > 1e-6:
                del crossings[key], crossings[(other, road)]
    pieces = []
    for name, line in lines.items():
        points = [p for (a, _), p in crossings.items() if a == name]
        for piece in cut_at(line, points):
            pieces.append({"name": name, "class": "主干路" if name in CITY_ROADS else "次干路", "geometry": piece})
    road, a, c = GAP_SECTION
    axis = lines[road]
    start, end = sorted((axis.project(crossings[(road, a)]), axis.project(crossings[(road, c)])))
    expected_gap = {
        "road": road,
        "from": a,
        "to": c,
        "length_m": end - start,
        "start_m": start,
        "end_m": end,
        "geometry": substring(axis, start, end),
    }
    inner = boundary.buffer(-30)
    for name, waypoints in RURAL_ROADS.items():
        line = wavy_line(b, b.utm(*waypoints[0]), b.utm(*waypoints[1]), wiggle=60)
        coords = list(line.coords)
        for w0, w1 in zip(waypoints[1:], waypoints[2:]):
            coords += list(wavy_line(b, b.utm(*w0), b.utm(*w1), wiggle=60).coords)[1:]
        line = shapely.LineString(coords).difference(zone.buffer(50))
        parts = shapely.get_parts(line.intersection(inner))
        for part in sorted(parts, key=lambda g: -g.length)[:1]:
            pieces.append({"name": name, "class": "公路", "geometry": part})
    return pieces, lines, expected_gap


def make_alleys(b: Builder, communities, roads, count: int, unled_id: str):
    """Unnamed alleys inside urban communities; one planted inside the unled community."""
    named = shapely.union_all([r["geometry"] for r in roads])
    urban = [c for c in communities if c["urban"]]
    alleys = []
    targets = [c for c in urban if c["id"] != unled_id]
    tries = 0
    while len(alleys) < count and tries < 5000:
        tries += 1
        c = targets[b.rng.integers(len(targets))]
        alley = random_alley(b, c["geometry"], named)
        if alley is not None:
            alleys.append({"name": "", "class": "支路", "geometry": alley})
    unled = next(c for c in urban if c["id"] == unled_id)
    planted = None
    while planted is None:
        planted = random_alley(b, unled["geometry"], named)
    alleys.append({"name": "", "class": "支路", "geometry": planted})
    return alleys, planted


def random_alley(b: Builder, polygon, avoid):
    x0, y0, x1, y1 = polygon.bounds
    x, y = b.rng.uniform(x0, x1), b.rng.uniform(y0, y1)
    heading = b.rng.uniform(0, np.pi)
    length = b.rng.uniform(120, 300)
    alley = shapely.LineString([(x, y), (x + length * np.cos(heading), y + length * np.sin(heading))])
    inside = polygon.buffer(-25)
    if inside.contains(alley) and alley.distance(avoid) > 20:
        return alley
    return None


# ----------------------------------------------------------------------------- planted territory sliver
def plant_sliver(communities, roads):
    """Shave a 5 m strip off one community along a shared edge no road crosses."""
    lines = shapely.union_all([r["geometry"] for r in roads])
    rural = sorted((c for c in communities if not c["urban"]), key=lambda c: c["id"])
    for a in rural:
        for c in rural:
            if c["id"] <= a["id"]:
                continue
            edge = shapely.line_merge(a["geometry"].boundary.intersection(c["geometry"].boundary))
            if edge.geom_type != "LineString" or edge.length < 600:
                continue
            stretch = substring(edge, 0.3 * edge.length, 0.7 * edge.length)
            strip = stretch.buffer(5.0, cap_style="flat").intersection(a["geometry"])
            if strip.buffer(30).intersects(lines):
                continue
            a["geometry"] = a["geometry"].difference(strip)
            return {"between": [a["id"], c["id"]], "area_m2": strip.area}
    raise RuntimeError("no place for the planted sliver")


# ----------------------------------------------------------------------------- people and tables
def make_leaders(b: Builder, communities, unled_id):
    used: set[str] = set()
    leaders, assignments = [], []

    def leader(lid, title, level, unit):
        phone = f"0716-0000{len(leaders) + 1:03d}"  # invalid local numbers: clearly fictional
        leaders.append({"id": lid, "name": b.name(used), "title": title, "level": level, "unit": unit, "phone": phone})
        return lid

    city = [leader(f"C{i + 1:02d}", CITY_TITLES[i % len(CITY_TITLES)], "city", "荆州市") for i in range(13)]
    for lid, road in zip(city, CITY_ROADS):
        assignments.append({"leader": lid, "kind": "road", "target": road, "from": "", "to": "", "role": "包路"})
    district = [leader(f"D{i + 1:02d}", t, "district", "沙市区") for i, t in enumerate(DISTRICT_TITLES)]
    sections = [
        (road, a, c) for road, streets in SECTIONED for a, c in zip(streets, streets[1:]) if (road, a, c) != GAP_SECTION
    ]
    for lid, (road, a, c) in zip(district[1:], sections):
        assignments.append({"leader": lid, "kind": "section", "target": road, "from": a, "to": c, "role": "包路段"})
    streets = {}
    for i, street in enumerate(list(STREET_COUNTS) + [t for t, _, _ in TOWNS]):
        title = "街道党工委书记" if street.endswith("办事处") else "党委书记"
        streets[street] = leader(f"S{i + 1:02d}", title, "street", street.replace("办事处", ""))
    teams = [leader(f"T{i + 1:02d}", "党建工作队队长", "department", dept) for i, dept in enumerate(DEPARTMENTS)]
    for lid, dept in zip(teams, DEPARTMENTS):
        leaders[[x["id"] for x in leaders].index(lid)]["name"] += f"（{dept}工作队）"
    top = [c for c in communities if c["tier"] != "general"]
    top.sort(key=lambda c: (c["tier"] != "demonstration", c["id"]))
    order = district[:2] + district[6:8] + district[2:] + district[2:8]
    for lid, c in zip(order, top):
        assignments.append(
            {"leader": lid, "kind": "community", "target": c["id"], "from": "", "to": "", "role": "包社区"}
        )
    for c in communities:
        if c["tier"] == "general" and c["id"] != unled_id:
            assignments.append(
                {
                    "leader": streets[c["street"]],
                    "kind": "community",
                    "target": c["id"],
                    "from": "",
                    "to": "",
                    "role": "包片",
                }
            )
    served = [c for c in communities if c["urban"] and c["id"] != unled_id]
    served = [served[i] for i in sorted(b.rng.choice(len(served), size=47, replace=False))]
    for k, c in enumerate(served):
        assignments.append(
            {
                "leader": teams[k // 2],
                "kind": "community",
                "target": c["id"],
                "from": "",
                "to": "",
                "role": "党建工作队",
            }
        )
    return leaders, assignments


def make_status(b: Builder, communities):
    rows = []
    for road in ("北京路", "红门路", "白云路"):
        rows.append(
            {
                "kind": "road",
                "target": road,
                "item": "刷黑",
                "state": "done",
                "progress": "100",
                "due": "2022-04-30",
                "updated": "2022-04-28",
                "note": "市政府实施主干道路刷黑工程",
            }
        )
    for c in communities:
        for item in sorted(
            b.rng.choice(COMMUNITY_ITEMS, size=2 + int(c["tier"] != "general"), replace=False),
            key=COMMUNITY_ITEMS.index,
        ):
            state = ["todo", "doing", "done"][int(b.rng.choice(3, p=[0.1, 0.35, 0.55]))]
            progress = {"todo": 0, "doing": int(b.rng.integers(2, 9)) * 10, "done": 100}[state]
            rows.append(
                {
                    "kind": "community",
                    "target": c["id"],
                    "item": str(item),
                    "state": state,
                    "progress": str(progress),
                    "due": f"2022-{int(b.rng.integers(5, 8)):02d}-{int(b.rng.integers(1, 29)):02d}",
                    "updated": "2022-05-10",
                    "note": "",
                }
            )
    return rows


def make_issues(b: Builder, communities, roads, boundary, unled_id):
    # Issues fall in urban communities that have a leader: the only orphan is the planted one.
    urban = shapely.union_all([c["geometry"] for c in communities if c["urban"] and c["id"] != unled_id])
    named = [r for r in roads if r["name"] and urban.contains(r["geometry"].centroid)]
    issues = []

    def place(on_road: bool):
        while True:
            if on_road:
                r = named[b.rng.integers(len(named))]["geometry"]
                p = r.interpolate(b.rng.uniform(0.1, 0.9), normalized=True)
                p = shapely.Point(p.x + b.rng.uniform(-15, 15), p.y + b.rng.uniform(-15, 15))
            else:
                x0, y0, x1, y1 = urban.bounds
                p = shapely.Point(b.rng.uniform(x0, x1), b.rng.uniform(y0, y1))
            if urban.contains(p):
                return p

    def day(month_lo, month_hi):
        return f"2022-{int(b.rng.integers(month_lo, month_hi + 1)):02d}-{int(b.rng.integers(1, 29)):02d}"

    for i in range(42):
        reported = day(3, 5)
        state = "resolved" if i < 37 else "open"
        issues.append(
            {
                "id": f"TS2022-{i + 1:03d}",
                "reported": reported,
                "source": "complaint",
                "category": ISSUE_CATEGORIES[b.rng.integers(len(ISSUE_CATEGORIES))],
                "state": state,
                "due": day(5, 6),
                "note": "创卫热线投诉",
                "geometry": place(b.rng.random() < 0.7),
            }
        )
    # A complaint located outside the district (the hotline's pin is off): in no figure, counted as outside.
    outside = boundary.buffer(1500).difference(boundary.buffer(800))
    everything = shapely.union_all([r["geometry"] for r in roads])
    x0, y0, x1, y1 = outside.bounds
    while True:
        p = shapely.Point(b.rng.uniform(x0, x1), b.rng.uniform(y0, y1))
        if outside.contains(p) and p.distance(everything) > 500:
            break
    far = p
    # The planted orphan: a complaint in the community with no leader, more than 60 m from any road.
    # Its own generator, so every later draw (and so every other layer) stays as it was.
    unled = next(c["geometry"] for c in communities if c["id"] == unled_id)
    rng = np.random.default_rng(43)
    x0, y0, x1, y1 = unled.bounds
    while True:
        p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if unled.buffer(-20).contains(p) and p.distance(everything) > 60:
            break
    issues.append(
        {
            "id": "TS2022-043",
            "reported": "2022-05-06",
            "source": "complaint",
            "category": "垃圾堆放",
            "state": "open",
            "due": "2022-05-20",
            "note": "创卫热线投诉",
            "geometry": p,
        }
    )
    issues.append(
        {
            "id": "TS2022-044",
            "reported": "2022-05-07",
            "source": "complaint",
            "category": "占道经营",
            "state": "open",
            "due": "2022-05-21",
            "note": "创卫热线投诉（定位在区界外）",
            "geometry": far,
        }
    )
    for g in range(9):
        for k in range(3):
            way = "明查" if (g + k) % 2 == 0 else "暗访"
            issues.append(
                {
                    "id": f"DC2022-{g + 1}-{k + 1}",
                    "reported": day(4, 5),
                    "source": "inspection",
                    "category": ISSUE_CATEGORIES[b.rng.integers(len(ISSUE_CATEGORIES))],
                    "state": "open" if b.rng.random() < 0.3 else "resolved",
                    "due": day(5, 6),
                    "note": f"第{g + 1}督查组{way}",
                    "geometry": place(True),
                }
            )
    return issues, p


# ----------------------------------------------------------------------------- writing
def _round(obj):
    if isinstance(obj, float):
        return round(obj, 7)
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    return obj


def write_geojson(path: Path, name: str, rows: list[dict], columns: list[str], builder: Builder) -> None:
    lines = [
        '{"type": "FeatureCollection", "name": ' + json.dumps(name) + ",",
        '"metadata": '
        + json.dumps(
            {"note": NOTE, "attribution": ATTRIBUTION, "generator": "scripts/make_demo_layers.py"}, ensure_ascii=False
        )
        + ",",
        '"features": [',
    ]
    features = []
    for row in rows:
        geometry = shapely.geometry.mapping(builder.wgs(row["geometry"]))
        geometry = {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
        props = {c: row[c] for c in columns}
        features.append(
            json.dumps(
                {"type": "Feature", "properties": props, "geometry": geometry},
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    lines.append(",\n".join(features))
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


# Two earlier progress meetings, a week apart, before the demo's as-of date (2022-05-14): their
# snapshots (geo.history) let the build say what changed, and the bulletin chart the progress.
MEETINGS = {"2022-04-30": 0.6, "2022-05-07": 0.3}  # date -> share of today's progress not yet made then


def _share(key: str) -> float:
    """A fixed number in [0, 1) for `key` (so the history does not depend on the generator's random state)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") / 2**32


def earlier(status: list[dict], issues: list[dict], day: str, behind: float) -> tuple[list[dict], list[dict]]:
    """The status and issues as they stood on `day`: some done items not done, some resolved issues open."""
    then_status = []
    for row in status:
        row = dict(row)
        if row["state"] == "done" and _share(f"{day}|{row['target']}|{row['item']}") < behind:
            row["state"], row["progress"] = "doing", "60"
        elif row["state"] == "doing" and _share(f"{day}|{row['target']}|{row['item']}|todo") < behind / 2:
            row["state"], row["progress"] = "todo", "0"
        then_status.append(row)
    then_issues = []
    for row in issues:
        if row["reported"] > day:
            continue  # not reported yet
        row = dict(row)
        if row["state"] == "resolved" and _share(f"{day}|{row['id']}") < behind:
            row["state"] = "open"
        then_issues.append(row)
    return then_status, then_issues


def write_history(out: Path, status: list[dict], issues: list[dict], b) -> None:
    """``<out>/history/<date>/``: the snapshot geo takes of the project as it stood on each meeting's day."""
    import shutil
    import tempfile
    from datetime import date

    from geo.config import load_config
    from geo.pipeline import snapshot

    shutil.rmtree(out / "history", ignore_errors=True)
    for day, behind in MEETINGS.items():
        then_status, then_issues = earlier(status, issues, day, behind)
        with tempfile.TemporaryDirectory() as tmp:
            then = Path(tmp) / out.name
            shutil.copytree(out, then, ignore=shutil.ignore_patterns("history", "README.md"))
            write_csv(
                then / "status.csv",
                then_status,
                ["kind", "target", "item", "state", "progress", "due", "updated", "note"],
            )
            write_geojson(
                then / "issues.geojson",
                "issues",
                then_issues,
                ["id", "reported", "source", "category", "state", "due", "note"],
                b,
            )
            kept, _ = snapshot(then, load_config(then).with_today(date.fromisoformat(day)))
            (out / "history").mkdir(exist_ok=True)
            shutil.copytree(kept, out / "history" / day)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "layers")
    parser.add_argument("--expected", type=Path, default=ROOT / "tests" / "data" / "demo_expected.json")
    args = parser.parse_args(argv)
    b = Builder()
    boundary_wgs, boundary = load_boundary(b)
    cx, cy = b.utm(*URBAN_CENTRE)
    hx, hy = URBAN_HALF
    zone = shapely.box(cx - hx, cy - hy, cx + hx, cy + hy).intersection(boundary.buffer(-200))
    communities = make_communities(b, boundary, zone, load_units())
    roads, _axes, expected_gap = make_roads(b, boundary, zone)
    # The unled community: an urban general one crossed only by roads that have a leader
    # (not the rural roads, not the planted section gap), so its only unmanaged stretch
    # is the alley planted in it.
    unassigned = shapely.union_all(
        [r["geometry"] for r in roads if r["name"] in RURAL_ROADS] + [expected_gap.pop("geometry")]
    )
    unled = next(
        c for c in communities if c["urban"] and c["tier"] == "general" and c["geometry"].distance(unassigned) > 100
    )
    alleys, planted_alley = make_alleys(b, communities, roads, 40, unled["id"])
    roads += alleys
    sliver = plant_sliver(communities, roads)
    leaders, assignments = make_leaders(b, communities, unled["id"])
    status = make_status(b, communities)
    issues, orphan = make_issues(b, communities, roads, boundary, unled["id"])

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_geojson(
        out / "boundary.geojson",
        "boundary",
        [{"geometry": boundary, "name": "沙市区", "adcode": "421002"}],
        ["name", "adcode"],
        b,
    )
    for c in communities:
        c["street"] = c["street"].replace("办事处", "")
    write_geojson(out / "communities.geojson", "communities", communities, ["id", "name", "tier", "street"], b)
    for k, r in enumerate(roads):
        r["id"] = f"R{k + 1:03d}"
    write_geojson(out / "roads.geojson", "roads", roads, ["id", "name", "class"], b)
    write_geojson(
        out / "issues.geojson", "issues", issues, ["id", "reported", "source", "category", "state", "due", "note"], b
    )
    write_csv(out / "leaders.csv", leaders, ["id", "name", "title", "level", "unit", "phone"])
    write_csv(out / "assignments.csv", assignments, ["leader", "kind", "target", "from", "to", "role"])
    write_csv(out / "status.csv", status, ["kind", "target", "item", "state", "progress", "due", "updated", "note"])
    # the seed's 9 inspection groups (督查组), each with a map that confirms what leaders report done
    numerals = "一二三四五六七八九"
    inspectors = [{"id": f"DC{k + 1}", "name": f"第{n}督查组"} for k, n in enumerate(numerals)]
    write_csv(out / "inspectors.csv", inspectors, ["id", "name"])
    (out / "geo.toml").write_text(
        "# The demo is judged as of the seed document's date (2022-05-14), so what is overdue stays\n"
        "# the same on every day you run it. Generated by scripts/make_demo_layers.py.\n"
        "today = 2022-05-14\n",
        encoding="utf-8",
    )
    write_history(out, status, issues, b)
    alley_id = next(r["id"] for r in roads if r["geometry"] is planted_alley)
    expected = {
        "section_gap": expected_gap,
        "territory_gap": sliver,
        "community_no_leader": {"id": unled["id"], "name": unled["name"]},
        "unmanaged_stretch": {"target": alley_id, "length_m": planted_alley.length},
        "orphan_issue": {"id": "TS2022-043"},
        "metric_crs": f"EPSG:{UTM}",
    }
    args.expected.parent.mkdir(parents=True, exist_ok=True)
    args.expected.write_text(json.dumps(_round(expected), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"wrote {out}: {len(communities)} communities, {len(roads)} road pieces, {len(leaders)} leaders, "
        f"{len(assignments)} assignments, {len(status)} status rows, {len(issues)} issues"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

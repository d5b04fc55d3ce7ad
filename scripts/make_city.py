"""Generate a synthetic project folder of any size, with planted answers (seeded, byte-identical).

    python scripts/make_city.py OUT_DIR [--scale S|M|L] [--communities N] [--road-pieces N]
                                        [--issues N] [--leaders N] [--seed 1]

Scales (an explicit count overrides the scale's): ``S`` 60 communities, 1,500 road
pieces, 500 issues, 40 leaders (for tests; the default); ``M`` 2,000 / 100,000 /
50,000 / 1,000; ``L`` 20,000 / 1,000,000 / 500,000 / 10,000.

Everything is synthetic (names drawn from a pool of characters, geometry from a
seeded random generator). It is built in metres in UTM zone 49N (EPSG:32649)
around (620 000, 3 350 000) and written in EPSG:4326, coordinates rounded to
1e-7 degree (about 1 cm), as a user's GeoJSON would be:

- ``boundary``: a district outline (a wobbly disc) with two lakes as holes;
- ``communities``: Voronoi cells of jittered grid points, clipped to the district,
  about 0.36 km² each; a few enclaves (a small community cut out of another);
  a territory gap (a compound in no community; one per 2,000 communities from
  4,000 up);
  4 demonstration, about 1 % key, the rest general; a 12-digit id, a unique
  name (…社区 near the centre, …村 further out) and a street (…街道) grouping
  about 20 neighbours;
- ``roads``: a grid of jittered nodes 600 m apart, each grid line cut into named
  roads of 1 to 8 edges (…路, …街; dual carriageways …大道, drawn as two one-way
  lines 17 m apart, as OpenStreetMap draws them); about half the pieces are short
  unnamed alleys inside a community (every grid edge takes at least one piece, so a
  very low ``--road-pieces`` gives more). Roads stop short of the outline and the lakes;
- ``leaders`` (city, district, street, department), ``assignments`` (city leaders
  hold whole roads, a tenth of them with a district section on top, by design;
  district leaders hold sections between named cross streets (some of them dual
  carriageways, which cross the road twice), or by metres (``850``, ``850米``,
  ``K0+850``), and the demonstration and key communities; street leaders hold
  their street's communities; department work teams a community or two),
  ``status`` (1 to 3 items a community), ``issues`` (complaints and inspection
  findings, open or resolved, with due dates) and ``geo.toml`` (``today``).

The planted answers, written to ``planted.json`` from the construction alone
(nothing is measured by running geo; lengths in metres on the construction's
straight segments, before rounding):

- ``section_gaps``: a section left out between two named cross streets
  (``road``, ``from``, ``to``, ``length_m``); ``section_overlaps``: a section
  extended over its neighbour's (``leaders``: the two district leaders);
- ``communities_no_leader``, ``no_district_leader`` (a key community held by
  its street leader only), ``communities_no_status``: community ids;
- ``unmanaged``: ``named_m`` (the named roads left without any assignment, and
  the stretches of the planted section gaps, each counted where it lies in no
  community that has a leader: in a community without one or in a territory
  gap; a dual carriageway counts both its lines, as geo measures unmanaged
  ground), ``unnamed_m`` (the alleys in communities without a leader),
  ``total_m``, ``by_target`` and ``unnamed_pieces``. A stretch under 1 m
  (``min_gap_m``) is not counted; ``unassigned_roads`` names the roads;
- ``territory_gaps`` (``area_m2``, ``host``), ``enclaves``;
- ``issues``: ``in_lakes`` and ``beyond_outline`` (both outside the district: the
  lakes are holes in it), ``in_territory_gaps`` (inside the district, in no
  community), ``outside_district``, ``outside_communities`` (the three together),
  ``orphans`` (ids: more than 60 m from every named road and in no community
  with a leader), ``overdue`` (open, due before ``today``, inside the district);
- ``counts``: communities, road pieces (named, unnamed), named roads, dual
  carriageways, issues, leaders by level, assignments, status rows.

A sectioned road ends at two single-carriageway cross streets, so its sections
cover it exactly; the planted gaps and overlaps end at single-carriageway cross
streets, whose crossing is a vertex shared by both roads, so geo's chainage
there is exact. Sections by metres tile a road from 0 to its length, so they
leave no gap whichever end geo's chainage starts from.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyproj
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_demo_layers import COMMUNITY_ITEMS, ISSUE_CATEGORIES  # noqa: E402  (the demo's own lists)

UTM = 32649  # WGS 84 / UTM zone 49N: the construction's metric CRS
CENTRE = (620_000.0, 3_350_000.0)
SCALES = {
    "S": {"communities": 60, "road_pieces": 1_500, "issues": 500, "leaders": 40},
    "M": {"communities": 2_000, "road_pieces": 100_000, "issues": 50_000, "leaders": 1_000},
    "L": {"communities": 20_000, "road_pieces": 1_000_000, "issues": 500_000, "leaders": 10_000},
}
SEED_SPACING_M = 600.0  # community seeds: about 0.36 km² a community
GRID_M = 600.0  # road grid spacing
NODE_JITTER = 0.08  # share of the grid spacing a node moves either way
BOW_M = 12.0  # an edge bows sideways by up to this much
HALF_APART_M = 8.5  # a dual carriageway's lines lie 17 m apart
ROAD_CLEAR_M = 30.0  # named roads stay this far inside the outline and away from the lakes
LAKE_SHARE = 0.015  # each lake's share of the outline's area
STREET_SIZE = 20  # communities in a street (街道), about
NAMED_SHARE = 0.5  # share of the pieces that are named roads
ROAD_EDGES = (3, 8)  # a named road runs this many grid edges (the end of a line may be shorter)
DUAL_SHARE = 0.12
ALLEY_M = (40.0, 160.0)
ALLEY_CLEAR_M = 8.0  # alleys stay this far from their community's edge and from named roads
ORPHAN_CLEAR_M = 60.0  # planted orphan issues lie farther than this from every named road
MIN_GAP_M = 1.0  # geo's default min_gap_m: shorter unmanaged stretches are not counted
TODAY = date(2023, 6, 30)
CITY_CODE = 421100  # first 6 digits of the community ids (a made-up prefecture code)

NAME_CHARS = (
    "安宝北滨长朝成春翠德东丰凤福富光广贵桂海和河红宏鸿湖华怀环黄惠吉建江金锦京景静康乐丽利莲林龙隆绿梅"
    "美民明南宁平启庆秋泉仁荣瑞山胜盛石寿顺松泰桃天铁通同万文西祥向新兴秀学阳杨怡义银永友玉裕园苑月云泽振正志中忠竹紫"
)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国明华军平志伟勇强文静丽敏红英芳丹涛斌超波辉刚磊杰宏鹏飞云海峰林"
CITY_TITLES = ["市委常委", "副市长", "市人大常委会副主任", "市政协副主席"]
DISTRICT_TITLES = ["区委书记", "区长", "副区长", "区人大常委会主任", "区政协主席", "区委常委", "区政协副主席"]
DEPARTMENTS = [
    "城管执法局",
    "住建局",
    "卫健局",
    "生态环境分局",
    "公安分局",
    "交通运输局",
    "市场监管局",
    "水利湖泊局",
    "自然资源和规划分局",
    "财政局",
    "教育局",
    "民政局",
    "文旅局",
    "商务局",
    "发改局",
    "统计局",
]
NOTE = "Synthetic data made by scripts/make_city.py: names, geometry and people are all invented."

_TO_WGS = pyproj.Transformer.from_crs(UTM, 4326, always_xy=True)


# ----------------------------------------------------------------------------- names
def unique_stems(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct names of two characters (three once two run out), in random order."""
    chars = np.array(list(NAME_CHARS))
    n = len(chars)
    stems: list[str] = []
    pairs = rng.permutation(n * n)
    pairs = pairs[pairs // n != pairs % n]  # no doubled character
    stems += [chars[p // n] + chars[p % n] for p in pairs[:count]]
    while len(stems) < count:  # three characters: drawn, duplicates skipped
        picks = rng.integers(0, n, size=(2 * (count - len(stems)) + 10, 3))
        seen = set(stems)
        for a, b, c in picks:
            stem = chars[a] + chars[b] + chars[c]
            if stem not in seen and len(stems) < count:
                seen.add(stem)
                stems.append(stem)
    return stems


def person_names(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct fictional personal names (surname and one or two given characters)."""
    one = list(GIVEN)
    two = [a + b for a in GIVEN for b in GIVEN if a != b]
    given = one + two
    space = len(SURNAMES) * len(given)
    if count > space:
        raise SystemExit(f"at most {space} leaders")
    codes = rng.permutation(space)[:count]
    return [SURNAMES[c // len(given)] + given[c % len(given)] for c in codes]


# ----------------------------------------------------------------------------- geometry helpers
def to_wgs(geoms: np.ndarray) -> np.ndarray:
    """UTM geometries -> WGS84, coordinates rounded to 1e-7 degree (about 1 cm)."""

    def apply(xy):
        lon, lat = _TO_WGS.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), 7)

    return shapely.transform(geoms, apply)


def blob(rng: np.random.Generator, centre, radius: float, vertices: int, wobble: float) -> shapely.Polygon:
    """A star-shaped polygon: a circle whose radius wobbles with a few random harmonics."""
    theta = np.linspace(0.0, 2.0 * np.pi, vertices, endpoint=False)
    r = np.ones(vertices)
    for i in range(2, 9):
        r += wobble / i * rng.uniform(0.3, 1.0) * np.cos(i * theta + rng.uniform(0, 2 * np.pi))
    r += 0.004 * rng.standard_normal(vertices).cumsum() / np.sqrt(vertices)
    x, y = centre[0] + radius * r * np.cos(theta), centre[1] + radius * r * np.sin(theta)
    return shapely.Polygon(np.column_stack([x, y]))


def scaled(polygon: shapely.Polygon, centre, area_m2: float) -> shapely.Polygon:
    """`polygon` scaled about `centre` to the given area."""
    k = math.sqrt(area_m2 / polygon.area)
    return shapely.transform(polygon, lambda xy: (xy - np.asarray(centre)) * k + np.asarray(centre))


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Each geometry's polygonal parts only (a clip can leave a stray line or point)."""
    out = geoms.copy()
    for i in np.flatnonzero(shapely.get_type_id(geoms) == 7):  # GeometryCollection
        parts = [p for p in shapely.get_parts(geoms[i]) if p.geom_type in ("Polygon", "MultiPolygon")]
        out[i] = shapely.union_all(parts)
    return out


# ----------------------------------------------------------------------------- the district
@dataclass
class District:
    outline: shapely.Polygon
    lakes: list[shapely.Polygon]
    area: shapely.Geometry  # outline minus lakes: the boundary layer

    @property
    def radius_m(self) -> float:
        return math.sqrt(self.outline.area / math.pi)


def make_district(rng: np.random.Generator, communities: int) -> District:
    area = communities * SEED_SPACING_M**2 / (1.0 - 2 * LAKE_SHARE)
    outline = scaled(blob(rng, CENTRE, 1000.0, 720, 0.18), CENTRE, area)
    radius = math.sqrt(area / math.pi)
    lakes: list[shapely.Polygon] = []
    lake_r = math.sqrt(LAKE_SHARE * area / math.pi)
    for _ in range(2):
        room = outline.buffer(-(lake_r * 1.3 + 2 * GRID_M))
        for _try in range(200):
            x, y = CENTRE[0] + rng.uniform(-radius, radius), CENTRE[1] + rng.uniform(-radius, radius)
            point = shapely.Point(x, y)
            if room.contains(point) and all(point.distance(lake) > lake_r + 2 * GRID_M for lake in lakes):
                lake = scaled(blob(rng, (x, y), lake_r, 96, 0.3), (x, y), LAKE_SHARE * area)
                lakes.append(lake)
                break
    return District(outline, lakes, outline.difference(shapely.union_all(lakes)) if lakes else outline)


# ----------------------------------------------------------------------------- communities
@dataclass
class Communities:
    geoms: np.ndarray  # polygons, UTM
    seeds: np.ndarray  # (n, 2)
    street: np.ndarray  # street index
    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)  # street names, by street index
    tier: np.ndarray = field(default_factory=lambda: np.array([]))
    enclave: np.ndarray = field(default_factory=lambda: np.array([]))  # bool
    host: np.ndarray = field(default_factory=lambda: np.array([]))  # bool: holds an enclave or a territory gap

    def __len__(self) -> int:
        return len(self.geoms)


def community_seeds(rng: np.random.Generator, district: District, count: int) -> np.ndarray:
    """Exactly `count` jittered grid points in the district, a little way from its edge."""
    inner = district.area.buffer(-0.15 * SEED_SPACING_M)
    shapely.prepare(inner)
    x0, y0, x1, y1 = district.outline.bounds
    step = SEED_SPACING_M
    for _ in range(20):
        xs, ys = np.meshgrid(np.arange(x0, x1, step) + step / 2, np.arange(y0, y1, step) + step / 2)
        pts = np.column_stack([xs.ravel(), ys.ravel()])
        pts = pts + rng.uniform(-0.35, 0.35, size=pts.shape) * step
        pts = pts[shapely.contains_xy(inner, pts[:, 0], pts[:, 1])]
        if len(pts) >= count:
            return pts[np.sort(rng.choice(len(pts), size=count, replace=False))]
        step *= 0.93
    raise SystemExit(f"could not place {count} communities")


def tile(district: District, seeds: np.ndarray) -> np.ndarray:
    """The Voronoi cells of the seeds, in seed order, clipped to the district."""
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(seeds), extend_to=district.outline.envelope.buffer(5 * GRID_M), ordered=True
        )
    )
    shapely.prepare(district.area)
    inside = shapely.within(cells, district.area)
    cells[~inside] = polygonal(shapely.intersection(cells[~inside], district.area))
    return cells


def group_streets(seeds: np.ndarray) -> np.ndarray:
    """Street index of each seed: neighbours in squares of about STREET_SIZE communities, small ones merged."""
    side = math.sqrt(STREET_SIZE) * SEED_SPACING_M
    cell = np.floor((seeds - seeds.min(axis=0)) / side).astype(np.int64)
    _, group = np.unique(cell[:, 1] * 100_000 + cell[:, 0], return_inverse=True)
    sizes = np.bincount(group)
    centres = np.column_stack([np.bincount(group, weights=seeds[:, k]) for k in (0, 1)]) / sizes[:, None]
    big = np.flatnonzero(sizes >= STREET_SIZE // 3)
    if len(big) == 0:
        return np.zeros(len(seeds), dtype=np.int64)
    for g in np.flatnonzero(sizes < STREET_SIZE // 3):
        nearest = big[np.argmin(np.hypot(*(centres[big] - centres[g]).T))]
        group[group == g] = nearest
    # renumber north to south, then west to east
    kept = np.unique(group)
    order = sorted(kept, key=lambda g: (-round(centres[g][1] / side), centres[g][0]))
    renumber = np.empty(group.max() + 1, dtype=np.int64)
    renumber[order] = np.arange(len(order))
    return renumber[group]


def place_enclaves(rng: np.random.Generator, c: Communities, count: int) -> list[dict]:
    """Cut `count` small communities (heptagons of 70-100 m) out of others; append them."""
    angles = np.linspace(0, 2 * np.pi, 7, endpoint=False)
    shrunk = shapely.buffer(c.geoms, -30.0)
    enclaves, hosts = [], []
    for i in rng.permutation(len(c)):
        if len(enclaves) == count:
            break
        if c.tier[i] != "general" or c.host[i]:
            continue
        r = rng.uniform(70, 100)
        x, y = c.seeds[i]
        shape = shapely.Polygon(np.column_stack([x + r * np.cos(angles), y + r * np.sin(angles)]))
        if shapely.contains_properly(shrunk[i], shape):
            c.geoms[i] = c.geoms[i].difference(shape)
            c.host[i] = True
            enclaves.append(shape)
            hosts.append(int(i))
    n = len(enclaves)
    if n:
        c.geoms = np.concatenate([c.geoms, np.array(enclaves, dtype=object)])
        c.seeds = np.concatenate([c.seeds, c.seeds[hosts]])
        c.street = np.concatenate([c.street, c.street[hosts]])
        c.tier = np.concatenate([c.tier, np.full(n, "general", dtype=object)])
        c.enclave = np.concatenate([c.enclave, np.ones(n, dtype=bool)])
        c.host = np.concatenate([c.host, np.zeros(n, dtype=bool)])
    return [{"host": h, "community": len(c) - n + k} for k, h in enumerate(hosts)]


def make_communities(rng: np.random.Generator, district: District, count: int) -> tuple[Communities, list[dict]]:
    n_enclaves = min(max(1, count // 500), max(0, count // 10))
    seeds = community_seeds(rng, district, count - n_enclaves)
    c = Communities(tile(district, seeds), seeds, group_streets(seeds))
    n = len(seeds)
    c.tier = np.full(n, "general", dtype=object)
    c.enclave = np.zeros(n, dtype=bool)
    c.host = np.zeros(n, dtype=bool)
    by_centre = np.argsort(np.hypot(*(seeds - np.asarray(CENTRE)).T), kind="stable")
    c.tier[by_centre[:4]] = "demonstration"
    rest = by_centre[4:]
    c.tier[np.sort(rng.choice(rest, size=max(1, round(0.01 * count)), replace=False))] = "key"
    enclaves = place_enclaves(rng, c, n_enclaves)
    return c, enclaves


def name_communities(rng: np.random.Generator, c: Communities, district: District) -> None:
    """Ids by street (12 digits: prefecture-like code, street, community), names, street names."""
    order = np.lexsort((c.seeds[:, 0], -c.seeds[:, 1], c.enclave, c.street))
    streets = c.street[order]
    within = np.arange(len(c)) - np.searchsorted(streets, streets)  # position within its street
    ids = np.empty(len(c), dtype=object)
    for pos, i in enumerate(order):
        s = int(c.street[i])
        ids[i] = f"{CITY_CODE + 1 + s // 900:06d}{s % 900 + 1:03d}{int(within[pos]) + 1:03d}"
    c.ids = list(ids)
    stems = unique_stems(rng, len(c))
    village = np.hypot(*(c.seeds - np.asarray(CENTRE)).T) > 0.75 * district.radius_m
    c.names = [stem + ("村" if v else "社区") for stem, v in zip(stems, village)]
    c.streets = [stem + "街道" for stem in unique_stems(rng, int(c.street.max()) + 1)]


# ----------------------------------------------------------------------------- roads
@dataclass
class Road:
    """A named road: grid line `line` of direction `axis`, from node `a` to node `b` along it."""

    name: str
    axis: str  # "h" (a row of nodes) or "v" (a column)
    line: int
    a: int
    b: int
    dual: bool
    klass: str
    plan: str = "city"  # city (whole road), sections, metres, none (unassigned)
    edges: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    chain: np.ndarray = field(default_factory=lambda: np.array([]))  # chainage (m) at each node a..b
    centre: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))  # centre line vertices
    node_vertex: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))  # node -> vertex

    def node(self, i: int) -> tuple[int, int]:
        """(row, column) of the i-th node along the road (0 = node a)."""
        return (self.line, self.a + i) if self.axis == "h" else (self.a + i, self.line)

    @property
    def nodes(self) -> int:
        return self.b - self.a + 1


@dataclass
class Network:
    roads: list[Road]
    cross: dict[str, np.ndarray]  # "h"/"v" -> (rows, cols) index of the road of that direction through a node
    pieces: np.ndarray  # named pieces (UTM lines)
    piece_road: np.ndarray  # road index of each piece
    centre_lines: np.ndarray  # each road's centre line


def _edge_points(p0, p1, bow, t):
    """Points at shares `t` along edges that bow sideways: p0 + t (p1 - p0) + bow sin(pi t) n."""
    d = p1 - p0
    n = np.column_stack([-d[:, 1], d[:, 0]]) / np.hypot(d[:, 0], d[:, 1])[:, None]
    return p0 + t[..., None] * d + (bow * np.sin(np.pi * t))[..., None] * n


def grid(rng: np.random.Generator, district: District):
    x0, y0, x1, y1 = district.outline.bounds
    xs = np.arange(x0 + GRID_M / 2, x1, GRID_M)
    ys = np.arange(y0 + GRID_M / 2, y1, GRID_M)
    nodes = np.stack(np.meshgrid(xs, ys), axis=-1)
    nodes = nodes + rng.uniform(-NODE_JITTER, NODE_JITTER, size=nodes.shape) * GRID_M
    bow = {
        "h": rng.uniform(-BOW_M, BOW_M, size=(len(ys), len(xs) - 1)),
        "v": rng.uniform(-BOW_M, BOW_M, (len(ys) - 1, len(xs))),
    }
    room = district.outline.buffer(-ROAD_CLEAR_M)
    if district.lakes:
        room = room.difference(shapely.union_all(district.lakes).buffer(ROAD_CLEAR_M))
    shapely.prepare(room)
    t = np.linspace(0.0, 1.0, 9)
    valid = {}
    for axis, p0, p1 in (("h", nodes[:, :-1], nodes[:, 1:]), ("v", nodes[:-1, :], nodes[1:, :])):
        shape = p0.shape[:2]
        a, b, w = p0.reshape(-1, 2), p1.reshape(-1, 2), bow[axis].reshape(-1)
        pts = _edge_points(
            a[:, None, :].repeat(9, 1).reshape(-1, 2),
            b[:, None, :].repeat(9, 1).reshape(-1, 2),
            np.repeat(w, 9),
            np.tile(t, len(a)),
        )
        lines = shapely.linestrings(pts.reshape(len(a), 9, 2))
        valid[axis] = shapely.within(lines, room).reshape(shape)
    return nodes, bow, valid


def split_roads(rng: np.random.Generator, valid: dict[str, np.ndarray]) -> list[Road]:
    """Cut each grid line's runs of valid edges into named roads of 1 to ROAD_EDGES[1] edges."""
    roads = []
    for axis in ("h", "v"):
        lines = valid[axis] if axis == "h" else valid[axis].T
        for line, ok in enumerate(lines):
            edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.astype(int), [0]])))
            for start, stop in zip(edges[::2], edges[1::2]):  # edges start..stop-1: nodes start..stop
                bounds = [int(start)]
                while stop - bounds[-1] > ROAD_EDGES[1]:
                    bounds.append(bounds[-1] + int(rng.integers(ROAD_EDGES[0], ROAD_EDGES[1] + 1)))
                bounds.append(int(stop))
                for a, b in zip(bounds, bounds[1:]):
                    dual = b - a >= 3 and rng.random() < DUAL_SHARE
                    klass = "主干路" if dual else ("次干路" if rng.random() < 0.6 else "支路")
                    roads.append(Road("", axis, line, a, b, dual, klass))
    return roads


def cross_lookup(roads: list[Road], shape) -> dict[str, np.ndarray]:
    """For each node, the road of each direction through it (one that runs on through it where two meet)."""
    cross = {"h": np.full(shape, -1, dtype=np.int64), "v": np.full(shape, -1, dtype=np.int64)}
    for interior in (False, True):
        for r, road in enumerate(roads):
            for i in range(road.nodes) if not interior else range(1, road.nodes - 1):
                k, j = road.node(i)
                if interior or cross[road.axis][k, j] < 0:
                    cross[road.axis][k, j] = r
    return cross


def _road_edges(roads: list[Road], nodes: np.ndarray, bow: dict[str, np.ndarray]):
    """Every edge of every road, in road order: its end nodes, its bow and its road."""
    p0s, p1s, bows, owner = [], [], [], []
    for r, road in enumerate(roads):
        idx = np.arange(road.a, road.b)
        if road.axis == "h":
            p0s.append(nodes[road.line, idx])
            p1s.append(nodes[road.line, idx + 1])
            bows.append(bow["h"][road.line, idx])
        else:
            p0s.append(nodes[idx, road.line])
            p1s.append(nodes[idx + 1, road.line])
            bows.append(bow["v"][idx, road.line])
        owner.append(np.full(len(idx), r))
    return tuple(np.concatenate(x) for x in (p0s, p1s, bows, owner))


def _edge_vertices(p0, p1, w, edge_road, m):
    """Each edge's 2m + 1 vertices (at shares i / 2m), and the sideways unit at each for a dual's two lines.

    An edge's end vertices are its nodes exactly, so crossing roads share them. Where
    two edges of a road meet, both take the same mitred normal, so the offset lines
    of a dual carriageway join there exactly too.
    """
    nv = 2 * m + 1
    first = np.concatenate([[0], np.cumsum(nv)[:-1]])
    last = first + nv - 1
    e = np.repeat(np.arange(len(m)), nv)
    t = (np.arange(nv.sum()) - first[e]) / (2 * m[e])
    centre = _edge_points(p0[e], p1[e], w[e], t)
    centre[first], centre[last] = p0, p1
    d = (p1 - p0)[e]
    unit = np.column_stack([-d[:, 1], d[:, 0]]) / np.hypot(*d.T)[:, None]
    tangent = d + (w[e] * np.pi * np.cos(np.pi * t))[:, None] * unit
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]]) / np.hypot(*tangent.T)[:, None]
    joined = np.flatnonzero(edge_road[:-1] == edge_road[1:])  # edge -> next edge of the same road
    bisector = normal[last[joined]] + normal[first[joined + 1]]
    bisector /= np.hypot(*bisector.T)[:, None]
    mitre = bisector / np.einsum("ij,ij->i", bisector, normal[last[joined]])[:, None]
    normal[last[joined]] = mitre
    normal[first[joined + 1]] = mitre
    return centre, normal, first, last


def build_network(rng: np.random.Generator, district: District, named_pieces: int) -> Network:
    """The named roads, cut into about `named_pieces` pieces of three vertices (see the module doc)."""
    nodes, bow, valid = grid(rng, district)
    roads = split_roads(rng, valid)
    if not roads:
        raise SystemExit("the district is too small for a road grid: ask for more communities")
    for road, stem in zip(roads, unique_stems(rng, len(roads))):
        road.name = stem + ("大道" if road.dual else ("路" if rng.random() < 0.7 else "街"))
    p0, p1, w, edge_road = _road_edges(roads, nodes, bow)
    sides = np.array([2 if roads[r].dual else 1 for r in edge_road])
    approx = np.hypot(*(p1 - p0).T)
    m = np.maximum(1, np.round(approx * named_pieces / float((approx * sides).sum()))).astype(np.int64)
    centre, normal, first, last = _edge_vertices(p0, p1, w, edge_road, m)
    left, right = centre + HALF_APART_M * normal, centre - HALF_APART_M * normal
    # pieces: piece p of an edge is its vertices 2p, 2p + 1, 2p + 2
    pe = np.repeat(np.arange(len(m)), m)
    pp = np.arange(m.sum()) - np.repeat(np.concatenate([[0], np.cumsum(m)[:-1]]), m)
    idx = first[pe][:, None] + 2 * pp[:, None] + np.arange(3)[None, :]
    dual = sides[pe] == 2
    pieces = np.concatenate(
        [
            shapely.linestrings(centre[idx[~dual]]),
            shapely.linestrings(left[idx[dual]]),
            shapely.linestrings(right[idx[dual][:, ::-1]]),  # the other way, as one-way lines are drawn
        ]
    )
    piece_road = np.concatenate([edge_road[pe[~dual]], edge_road[pe[dual]], edge_road[pe[dual]]])
    order = np.argsort(piece_road, kind="stable")
    # chainage at the nodes along each road's centre line
    seg = np.hypot(*np.diff(centre, axis=0).T)
    seg[first[1:] - 1] = 0.0  # no segment from one edge's last vertex to the next edge's first
    edge_len = np.add.reduceat(seg, first)
    for road, s in zip(roads, np.concatenate([[0], np.flatnonzero(np.diff(edge_road)) + 1])):
        road.edges = np.arange(s, s + road.b - road.a)
        road.chain = np.concatenate([[0.0], np.cumsum(edge_len[road.edges])])
        parts = [centre[first[k] : last[k] + 1] for k in road.edges]
        road.centre = np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])
        road.node_vertex = np.concatenate([[0], np.cumsum(2 * m[road.edges])])
    centre_lines = np.array([shapely.LineString(road.centre) for road in roads], dtype=object)
    return Network(roads, cross_lookup(roads, nodes.shape[:2]), pieces[order], piece_road[order], centre_lines)


def stretch(road: Road, i: int, j: int) -> shapely.LineString:
    """The road's centre line from its i-th to its j-th node."""
    return shapely.LineString(road.centre[road.node_vertex[i] : road.node_vertex[j] + 1])


# ----------------------------------------------------------------------------- territory gaps
def place_territory_gaps(rng: np.random.Generator, c: Communities, net: Network, count: int) -> list[dict]:
    """Cut `count` compounds (260 x 180 m) out of general communities, at least 80 m from every named road."""
    if count == 0 or not len(net.roads):
        return []
    tree = shapely.STRtree(net.centre_lines)
    x0, y0, x1, y1 = shapely.total_bounds(c.geoms)
    n = 20_000
    pts = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    boxes = shapely.box(pts[:, 0] - 130, pts[:, 1] - 90, pts[:, 0] + 130, pts[:, 1] + 90)
    near = np.zeros(n, dtype=bool)
    near[tree.query(boxes, predicate="dwithin", distance=80.0)[0]] = True
    shrunk = shapely.buffer(c.geoms, -20.0)
    ctree = shapely.STRtree(shrunk)
    box_i, host_i = ctree.query(boxes, predicate="within")
    ok = ~near[box_i] & (c.tier[host_i] == "general") & ~c.enclave[host_i] & ~c.host[host_i]
    gaps = []
    for b, h in zip(box_i[ok], host_i[ok]):
        if len(gaps) == count:
            break
        if c.host[h]:
            continue
        c.geoms[h] = c.geoms[h].difference(boxes[b])
        c.host[h] = True
        gaps.append({"geometry": boxes[b], "host": int(h)})
    return gaps


# ----------------------------------------------------------------------------- responsibilities
@dataclass
class Plan:
    """Who holds what, and the answers planted on the way."""

    leaders: list[dict]
    assignments: list[dict]
    unled: list[int]
    no_district: list[int]
    gaps: list[dict]
    overlaps: list[dict]


def crossing_name(net: Network, road: Road, i: int) -> tuple[str, bool] | None:
    """The cross street at the road's i-th node (its name and whether it is dual), or None."""
    k, j = road.node(i)
    r = net.cross["v" if road.axis == "h" else "h"][k, j]
    if r < 0:
        return None
    return net.roads[r].name, net.roads[r].dual


def metres(value: float, style: int) -> str:
    """A distance along a road as a register writes it: 850, 850米, K0+850."""
    v = int(round(value))
    return [f"{v}", f"{v}米", f"K{v // 1000}+{v % 1000:03d}"][style]


def leader_roster(rng: np.random.Generator, total: int, streets: list[str]) -> dict[str, list[dict]]:
    """The leaders, by level: one street leader per street, the rest city, district and work teams."""
    rest = total - len(streets)
    if rest < 3:
        raise SystemExit(f"--leaders must be at least {len(streets) + 3} (one per street, {len(streets)}, and 3 more)")
    n_city = max(1, rest // 12)
    n_district = max(2, rest // 6)
    n_dept = rest - n_city - n_district
    names = iter(person_names(rng, total))
    width = len(str(total))
    roster: dict[str, list[dict]] = {"city": [], "district": [], "street": [], "department": []}

    def add(level, prefix, title, unit, suffix=""):
        k = len(roster[level]) + 1
        number = sum(len(v) for v in roster.values()) + 1
        roster[level].append(
            {
                "id": f"{prefix}{k:0{width}d}",
                "name": next(names) + suffix,
                "title": title,
                "level": level,
                "unit": unit,
                "phone": f"0700-{number:07d}",  # not a real number: clearly fictional
            }
        )

    for k in range(n_city):
        add("city", "C", CITY_TITLES[k % len(CITY_TITLES)], "市政府")
    for k in range(n_district):
        add("district", "D", DISTRICT_TITLES[k % len(DISTRICT_TITLES)], "区政府")
    for street in streets:
        add("street", "S", "街道党工委书记", street)
    for k in range(n_dept):
        dept = DEPARTMENTS[k % len(DEPARTMENTS)]
        add("department", "T", "党建工作队队长", dept, f"（{dept}工作队）")
    return roster


def _row(leader: str, kind: str, target: str, start: str = "", end: str = "", role: str = "") -> dict:
    return {"leader": leader, "kind": kind, "target": target, "from": start, "to": end, "role": role}


def plan_roads(rng: np.random.Generator, net: Network) -> tuple[list[list[int]], list[int]]:
    """Give each road a plan; return the section boundaries (node positions) of the sectioned roads."""
    roads = net.roads
    n_none = max(2, round(0.01 * len(roads))) if len(roads) >= 10 else min(1, len(roads))
    duals = [r for r, road in enumerate(roads) if road.dual]
    singles = [r for r, road in enumerate(roads) if not road.dual]
    unassigned = []
    if duals:
        unassigned.append(int(rng.choice(duals)))
    unassigned += [int(r) for r in rng.choice(singles, size=min(len(singles), n_none - len(unassigned)), replace=False)]
    boundaries: list[list[int]] = [[] for _ in roads]
    for r, road in enumerate(roads):
        if r in unassigned:
            road.plan = "none"
            continue
        if road.dual:
            road.plan = "city"
            continue
        ends = [crossing_name(net, road, i) for i in (0, road.nodes - 1)]
        inner = [i for i in range(1, road.nodes - 1) if crossing_name(net, road, i) is not None]
        sectionable = all(e is not None and not e[1] for e in ends) and len(inner) >= 1
        draw = rng.random()
        if sectionable and draw < 0.5:
            road.plan = "sections"
            kept = [i for i in inner if rng.random() < 0.7] or inner[:1]
            boundaries[r] = [0, *kept, road.nodes - 1]
        elif draw > 0.9 and road.chain[-1] > 700:
            road.plan = "metres"
        else:
            road.plan = "city"
    return boundaries, unassigned


class _Turns:
    """Hands out a level's leaders in turn (so neighbouring sections have different leaders)."""

    def __init__(self, roster: dict[str, list[dict]]) -> None:
        self.ids = {level: [x["id"] for x in people] for level, people in roster.items()}
        self.turn = dict.fromkeys(self.ids, 0)

    def next(self, level: str) -> str:
        pool = self.ids[level]
        self.turn[level] += 1
        return pool[(self.turn[level] - 1) % len(pool)]


def plant_section_answers(rng: np.random.Generator, net: Network, boundaries: list[list[int]]):
    """Where to leave a section out (road -> interval) and where to run one over the next (road -> interval).

    Both only between single-carriageway cross streets (their crossing is a shared vertex).
    """
    roads = net.roads
    sectioned = [r for r, road in enumerate(roads) if road.plan == "sections"]

    def single(r, k):  # interval k of road r runs between boundaries k and k + 1
        return all(not crossing_name(net, roads[r], boundaries[r][i])[1] for i in (k, k + 1))

    def choose(pool, count, first_interval):
        picked = [int(r) for r in rng.choice(pool, size=min(len(pool), count), replace=False)] if pool else []
        intervals = {r: [k for k in range(first_interval, len(boundaries[r]) - 1) if single(r, k)] for r in picked}
        return {r: int(rng.choice(ks)) for r, ks in intervals.items()}

    gap_pool = [r for r in sectioned if any(single(r, k) for k in range(len(boundaries[r]) - 1))]
    gap_at = choose(gap_pool, max(2, len(sectioned) // 30), 0)
    over_pool = [
        r for r in sectioned if r not in gap_at and any(single(r, k) for k in range(1, len(boundaries[r]) - 1))
    ]
    over_at = choose(over_pool, max(1, len(sectioned) // 60), 1)  # interval k is overlapped by section k - 1
    return gap_at, over_at


def assign_roads(rng: np.random.Generator, net: Network, boundaries, gap_at, over_at, turns: _Turns):
    """The road and section rows, and the section gaps and overlaps they plant."""
    rows, gaps, overlaps = [], [], []
    for r, road in enumerate(net.roads):
        if road.plan == "city":
            rows.append(_row(turns.next("city"), "road", road.name, role="包路"))
            crossed = [i for i in range(road.nodes) if crossing_name(net, road, i) is not None]
            if len(crossed) >= 2 and rng.random() < 0.1:  # a district section under a city road: by design
                i = int(rng.integers(0, len(crossed) - 1))
                a, b = crossing_name(net, road, crossed[i])[0], crossing_name(net, road, crossed[i + 1])[0]
                rows.append(_row(turns.next("district"), "section", road.name, a, b, "包路段"))
        elif road.plan == "metres":
            step = float(rng.choice([300, 400, 500, 600, 800, 1000]))
            cuts = [0.0, *np.arange(step, road.chain[-1] - 100.0, step), road.chain[-1]]
            styles = rng.integers(0, 3, size=len(cuts))
            for k in range(len(cuts) - 1):
                a, b = metres(cuts[k], int(styles[k])), metres(cuts[k + 1], int(styles[k + 1]))
                rows.append(_row(turns.next("district"), "section", road.name, a, b, "包路段"))
        elif road.plan == "sections":
            bounds = boundaries[r]
            names = [crossing_name(net, road, i)[0] for i in bounds]
            chain = road.chain[bounds]  # chainage (m) of each boundary
            held = []
            for k in range(len(bounds) - 1):
                if gap_at.get(r) == k:
                    gap = {
                        "road": road.name,
                        "from": names[k],
                        "to": names[k + 1],
                        "length_m": float(chain[k + 1] - chain[k]),
                    }
                    gaps.append({**gap, "geometry": stretch(road, bounds[k], bounds[k + 1])})
                    continue
                end = k + 2 if over_at.get(r) == k + 1 else k + 1  # this section runs on over the next one
                held.append(turns.next("district"))
                rows.append(_row(held[-1], "section", road.name, names[k], names[end], "包路段"))
            if r in over_at:
                k = over_at[r]
                overlaps.append(
                    {
                        "road": road.name,
                        "from": names[k],
                        "to": names[k + 1],
                        "length_m": float(chain[k + 1] - chain[k]),
                        "leaders": sorted(held[k - 1 : k + 1]),
                    }
                )
    return rows, gaps, overlaps


def choose_unled(rng: np.random.Generator, c: Communities, net: Network, unassigned: list[int]) -> list[int]:
    """The general communities to leave without a leader: about half where the unassigned roads run longest."""
    general = [i for i in range(len(c)) if c.tier[i] == "general" and not c.enclave[i] and not c.host[i]]
    count = min(len(general), max(2, len(c) // 400))
    eligible = set(general)
    tree = shapely.STRtree(c.geoms)
    first: list[int] = []
    for r in unassigned:  # the dual carriageway first
        hit = [int(i) for i in tree.query(net.centre_lines[r], predicate="intersects") if int(i) in eligible]
        hit = [i for i in hit if i not in first]
        if hit and len(first) < max(1, (count + 1) // 2):
            inside = shapely.length(shapely.intersection(c.geoms[hit], net.centre_lines[r]))
            first.append(hit[int(np.argmax(inside))])
    others = [i for i in general if i not in first]
    return sorted(first + [int(i) for i in rng.choice(others, size=count - len(first), replace=False)])


def assign_communities(rng: np.random.Generator, c: Communities, roster, unled: list[int], turns: _Turns):
    """Community rows: district leaders for the top tiers (one key community planted without), street leaders
    for every community with a leader, work teams for one or two each; and the planted key community."""
    unled_set = set(unled)
    top = [i for i in range(len(c)) if c.tier[i] != "general"]
    keys = [i for i in top if c.tier[i] == "key"]
    no_district = [int(rng.choice(keys))] if keys else []
    rows = [_row(turns.next("district"), "community", c.ids[i], role="包社区") for i in top if i not in no_district]
    street_leader = [x["id"] for x in roster["street"]]
    rows += [
        _row(street_leader[int(c.street[i])], "community", c.ids[i], role="包片")
        for i in range(len(c))
        if i not in unled_set
    ]
    order = rng.permutation([i for i in range(len(c)) if i not in unled_set])
    teams = [x["id"] for x in roster["department"]]
    for k, team in enumerate(teams):
        rows.append(_row(team, "community", c.ids[int(order[k % len(order)])], role="党建工作队"))
        if rng.random() < 0.5:
            rows.append(_row(team, "community", c.ids[int(order[(k + len(teams)) % len(order)])], role="党建工作队"))
    return rows, no_district


def plan_responsibility(
    rng: np.random.Generator, c: Communities, net: Network, total_leaders: int
) -> tuple[Plan, list[int]]:
    """Leaders and assignments with the planted answers; and the roads left unassigned."""
    roster = leader_roster(rng, total_leaders, c.streets)
    turns = _Turns(roster)
    boundaries, unassigned = plan_roads(rng, net)
    gap_at, over_at = plant_section_answers(rng, net, boundaries)
    rows, gaps, overlaps = assign_roads(rng, net, boundaries, gap_at, over_at, turns)
    unled = choose_unled(rng, c, net, unassigned)
    more, no_district = assign_communities(rng, c, roster, unled, turns)
    rows += more
    # a city or district leader given nothing (more of them than roads and sections) takes a led community
    held = {row["leader"] for row in rows}
    led = [i for i in range(len(c)) if i not in set(unled)]
    idle = [x["id"] for level in ("city", "district") for x in roster[level] if x["id"] not in held]
    rows += [_row(lid, "community", c.ids[led[k % len(led)]], role="包社区") for k, lid in enumerate(idle)]
    leaders = [x for level in ("city", "district", "street", "department") for x in roster[level]]
    return Plan(leaders, rows, unled, no_district, gaps, overlaps), unassigned


# ----------------------------------------------------------------------------- alleys
def make_alleys(rng: np.random.Generator, c: Communities, net: Network, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` unnamed straight alleys, each inside one community and clear of named roads; and their community."""
    if count <= 0:
        return np.array([], dtype=object), np.array([], dtype=np.int64)
    shrunk = shapely.buffer(c.geoms, -ALLEY_CLEAR_M)
    shapely.prepare(shrunk)
    area = np.where(shapely.is_empty(shrunk), 0.0, shapely.area(c.geoms))
    p = area / area.sum()
    bounds = shapely.bounds(shrunk)
    tree = shapely.STRtree(net.pieces)
    got, owner, have = [], [], 0
    while have < count:
        batch = int((count - have) * 2.5) + 100
        who = rng.choice(len(c), size=batch, p=p)
        x0, y0, x1, y1 = bounds[who].T
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        heading = rng.uniform(0, np.pi, batch)
        length = rng.uniform(*ALLEY_M, batch)
        dx, dy = 0.5 * length * np.cos(heading), 0.5 * length * np.sin(heading)
        lines = shapely.linestrings(np.stack([np.column_stack([x - dx, y - dy]), np.column_stack([x + dx, y + dy])], 1))
        inside = np.flatnonzero(shapely.contains_properly(shrunk[who], lines))
        near = np.zeros(len(inside), dtype=bool)
        if len(net.pieces):
            near[tree.query(lines[inside], predicate="dwithin", distance=ALLEY_CLEAR_M)[0]] = True
        take = inside[~near][: count - have]
        got.append(lines[take])
        owner.append(who[take])
        have += len(take)
    return np.concatenate(got), np.concatenate(owner)


# ----------------------------------------------------------------------------- status and issues
def day(rng: np.random.Generator, start: date, span: int, size: int) -> list[date]:
    return [start + timedelta(days=int(d)) for d in rng.integers(0, span, size)]


def make_status(rng: np.random.Generator, c: Communities, net: Network, skip: set[int]) -> list[dict]:
    rows = []
    for road in [road for road in net.roads if road.plan == "city"][:5]:
        rows.append(
            {
                "kind": "road",
                "target": road.name,
                "item": "刷黑",
                "state": "done",
                "progress": "100",
                "due": "2023-04-30",
                "updated": "2023-04-28",
                "note": "主干道路刷黑工程",
            }
        )
    states = np.array(["todo", "doing", "done"])
    for i in range(len(c)):
        if i in skip:
            continue
        count = int(rng.integers(1, 4))
        for item in sorted(rng.choice(len(COMMUNITY_ITEMS), size=count, replace=False)):
            state = str(states[rng.choice(3, p=[0.1, 0.35, 0.55])])
            progress = {"todo": 0, "doing": int(rng.integers(2, 9)) * 10, "done": 100}[state]
            due = date(2023, 5, 1) + timedelta(days=int(rng.integers(0, 92)))
            rows.append(
                {
                    "kind": "community",
                    "target": c.ids[i],
                    "item": COMMUNITY_ITEMS[item],
                    "state": state,
                    "progress": str(progress),
                    "due": due.isoformat(),
                    "updated": "2023-06-20",
                    "note": "",
                }
            )
    return rows


def sample_in(rng: np.random.Generator, area, count: int, keep=None) -> np.ndarray:
    """`count` random points in `area` (and passing `keep`, a test on an (n, 2) array), in draw order."""
    if count <= 0 or area.is_empty:
        return np.empty((0, 2))
    shapely.prepare(area)
    x0, y0, x1, y1 = area.bounds
    out, have = [], 0
    for _ in range(200):
        n = max(64, 4 * (count - have))
        pts = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
        pts = pts[shapely.contains_xy(area, pts[:, 0], pts[:, 1])]
        if keep is not None and len(pts):
            pts = pts[keep(pts)]
        out.append(pts[: count - have])
        have += len(out[-1])
        if have == count:
            break
    return np.concatenate(out)


def make_issues(
    rng: np.random.Generator,
    c: Communities,
    district: District,
    net: Network,
    unled: list[int],
    territory: list[dict],
    count: int,
) -> tuple[list[dict], np.ndarray, dict]:
    """Issue points: most in communities with a leader, and the planted ones (see the module doc)."""
    tree = shapely.STRtree(net.pieces)

    def far_from_roads(pts):
        near = np.zeros(len(pts), dtype=bool)
        near[tree.query(shapely.points(pts), predicate="dwithin", distance=ORPHAN_CLEAR_M)[0]] = True
        return ~near

    lakes = [sample_in(rng, lake.buffer(-30.0), max(1, count // 1000)) for lake in district.lakes]
    in_lakes = np.concatenate(lakes) if lakes else np.empty((0, 2))
    ring = district.outline.buffer(2000.0).difference(district.outline.buffer(200.0))
    beyond = sample_in(rng, ring, max(1, count // 1000))
    in_gaps = np.concatenate(
        [sample_in(rng, g["geometry"].buffer(-15.0), max(1, count // 2000), far_from_roads) for g in territory]
        or [np.empty((0, 2))]
    )
    orphans = np.concatenate(
        [sample_in(rng, c.geoms[i].buffer(-15.0), 1, far_from_roads) for i in unled] or [np.empty((0, 2))]
    )
    planted = len(in_lakes) + len(beyond) + len(in_gaps) + len(orphans)
    regular = count - planted
    if regular < 0:
        raise SystemExit(f"--issues must be at least {planted} (the planted ones)")
    # regular issues: in communities that have a leader, at least 3 m from any other ground
    not_led = [c.geoms[i] for i in unled] + [g["geometry"] for g in territory]
    good = district.area.buffer(-3.0)
    if not_led:
        good = good.difference(shapely.union_all(not_led).buffer(3.0))
    shapely.prepare(good)
    near_road = int(round(0.6 * regular))
    pts, have = [], 0
    while have < near_road and len(net.pieces):
        n = 2 * (near_road - have) + 64
        which = net.pieces[rng.integers(0, len(net.pieces), n)]
        on = shapely.get_coordinates(shapely.line_interpolate_point(which, rng.uniform(0, 1, n), normalized=True))
        on = on + rng.uniform(-15.0, 15.0, size=on.shape)
        on = on[shapely.contains_xy(good, on[:, 0], on[:, 1])][: near_road - have]
        pts.append(on)
        have += len(on)
    pts.append(sample_in(rng, good, regular - have))
    regular_pts = np.concatenate(pts)
    where = np.concatenate(
        [
            np.full(len(regular_pts), "regular"),
            np.full(len(in_lakes), "lake"),
            np.full(len(beyond), "beyond"),
            np.full(len(in_gaps), "gap"),
            np.full(len(orphans), "orphan"),
        ]
    )
    xy = np.concatenate([regular_pts, in_lakes, beyond, in_gaps, orphans])
    order = rng.permutation(len(xy))  # planted ones mixed in
    where, xy = where[order], xy[order]
    n = len(xy)
    inspection = rng.random(n) < 0.25
    reported = day(rng, date(2023, 3, 1), 120, n)
    due = [r + timedelta(days=int(d)) for r, d in zip(reported, rng.integers(7, 45, n))]
    state = np.where(rng.random(n) < 0.3, "open", "resolved")
    category = rng.integers(0, len(ISSUE_CATEGORIES), n)
    groups = rng.integers(1, 10, n)
    counter = {"TS": 0, "DC": 0}
    rows = []
    for k in range(n):
        prefix = "DC" if inspection[k] else "TS"
        counter[prefix] += 1
        rows.append(
            {
                "id": f"{prefix}2023-{counter[prefix]:06d}",
                "reported": reported[k].isoformat(),
                "source": "inspection" if inspection[k] else "complaint",
                "category": ISSUE_CATEGORIES[int(category[k])],
                "state": str(state[k]),
                "due": due[k].isoformat(),
                "note": f"第{int(groups[k])}督查组" + ("明查" if groups[k] % 2 else "暗访")
                if inspection[k]
                else "创卫热线投诉",
            }
        )
    inside = (where != "lake") & (where != "beyond")
    overdue = int(sum(1 for k in range(n) if inside[k] and state[k] == "open" and due[k] < TODAY))
    facts = {
        "in_lakes": int((where == "lake").sum()),
        "beyond_outline": int((where == "beyond").sum()),
        "in_territory_gaps": int((where == "gap").sum()),
        "outside_district": int((~inside).sum()),
        "outside_communities": int(((~inside) | (where == "gap")).sum()),
        "orphans": sorted(rows[k]["id"] for k in range(n) if where[k] in ("gap", "orphan")),
        "overdue": overdue,
    }
    return rows, shapely.points(xy), facts


# ----------------------------------------------------------------------------- planted figures
def unmanaged(
    c: Communities, net: Network, plan: Plan, unassigned: list[int], territory: list[dict], alleys, alley_owner
) -> dict:
    """Road metres in no community with a leader and under no road or section leader (see the module doc)."""
    not_led = shapely.union_all([c.geoms[i] for i in plan.unled] + [g["geometry"] for g in territory])
    by_target: dict[str, float] = {}
    for r in unassigned:
        mine = net.pieces[net.piece_road == r]
        length = float(shapely.length(shapely.intersection(mine, not_led)).sum())
        if length >= MIN_GAP_M:
            by_target[net.roads[r].name] = by_target.get(net.roads[r].name, 0.0) + length
    for gap in plan.gaps:
        length = float(shapely.intersection(gap["geometry"], not_led).length)
        if length >= MIN_GAP_M:
            by_target[gap["road"]] = by_target.get(gap["road"], 0.0) + length
    named_m = sum(by_target.values())
    unled = set(plan.unled)
    in_unled = np.array([int(o) in unled for o in alley_owner], dtype=bool)
    unnamed = shapely.length(alleys[in_unled]) if len(alleys) else np.array([])
    return {
        "total_m": named_m + float(unnamed.sum()),
        "named_m": named_m,
        "unnamed_m": float(unnamed.sum()),
        "unnamed_pieces": int(in_unled.sum()),
        "by_target": by_target,
    }


# ----------------------------------------------------------------------------- writing
def _json_strings(values) -> list[str]:
    """Each value as a JSON literal (plain strings quoted directly, the rest by `json.dumps`, each once)."""
    cache: dict = {}
    out = []
    for v in values:
        text = cache.get(v)
        if text is None:
            plain = isinstance(v, str) and v.isprintable() and '"' not in v and "\\" not in v
            text = cache[v] = f'"{v}"' if plain else json.dumps(v, ensure_ascii=False)
        out.append(text)
    return out


def write_geojson(path: Path, name: str, geoms: np.ndarray, props: dict[str, list], chunk: int = 100_000) -> None:
    """One feature a line, properties in column order, geometry in EPSG:4326; written in chunks."""
    geoms = np.asarray(geoms, dtype=object)
    keys = list(props)
    labels = [("{" if k == 0 else ",") + json.dumps(key, ensure_ascii=False) + ":" for k, key in enumerate(keys)]
    head = (
        '{"type": "FeatureCollection", "name": ' + json.dumps(name) + ",\n"
        '"metadata": ' + json.dumps({"note": NOTE, "generator": "scripts/make_city.py"}) + ",\n"
        '"features": [\n'
    )
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(head)
        for start in range(0, len(geoms), chunk):
            text = shapely.to_geojson(to_wgs(geoms[start : start + chunk]))
            columns = [_json_strings(props[key][start : start + chunk]) for key in keys]
            lines = []
            for g, *values in zip(text, *columns):
                p = "".join(label + value for label, value in zip(labels, values))
                lines.append(f'{{"type":"Feature","properties":{p}}},"geometry":{g}}}')
            f.write(("" if start == 0 else ",\n") + ",\n".join(lines))
        f.write("\n]}\n")


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def _round(obj, digits: int = 3):
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, dict):
        return {k: _round(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_round(v, digits) for v in obj]
    return obj


# ----------------------------------------------------------------------------- main
@dataclass(frozen=True)
class Sizes:
    communities: int
    road_pieces: int
    issues: int
    leaders: int
    seed: int = 1


def generate(out: Path, sizes: Sizes) -> dict:
    """Write the project folder `out` and its ``planted.json``; return the planted answers."""
    if sizes.communities < 12:
        raise SystemExit("--communities must be at least 12")
    rng = np.random.default_rng(sizes.seed)
    district = make_district(rng, sizes.communities)
    c, enclaves = make_communities(rng, district, sizes.communities)
    name_communities(rng, c, district)
    net = build_network(rng, district, int(round(NAMED_SHARE * sizes.road_pieces)))
    territory = place_territory_gaps(rng, c, net, 1 if sizes.communities < 4000 else sizes.communities // 2000)
    plan, unassigned = plan_responsibility(rng, c, net, sizes.leaders)
    alleys, alley_owner = make_alleys(rng, c, net, sizes.road_pieces - len(net.pieces))
    unled = set(plan.unled)
    led_general = [i for i in range(len(c)) if i not in unled and c.tier[i] == "general" and not c.enclave[i]]
    no_status = sorted(int(i) for i in rng.choice(led_general, size=max(1, len(c) // 500), replace=False))
    status = make_status(rng, c, net, set(no_status))
    issues, issue_points, issue_facts = make_issues(rng, c, district, net, plan.unled, territory, sizes.issues)

    out.mkdir(parents=True, exist_ok=True)
    write_geojson(out / "boundary.geojson", "boundary", np.array([district.area]), {"name": ["示例区"]})
    write_geojson(
        out / "communities.geojson",
        "communities",
        c.geoms,
        {
            "id": c.ids,
            "name": c.names,
            "tier": [str(t) for t in c.tier],
            "street": [c.streets[int(s)] for s in c.street],
        },
    )
    pieces = np.concatenate([net.pieces, alleys])
    n_named = len(net.pieces)
    width = max(7, len(str(len(pieces))))
    write_geojson(
        out / "roads.geojson",
        "roads",
        pieces,
        {
            "id": [f"R{k + 1:0{width}d}" for k in range(len(pieces))],
            "name": [net.roads[int(r)].name for r in net.piece_road] + [""] * len(alleys),
            "class": [net.roads[int(r)].klass for r in net.piece_road] + ["巷道"] * len(alleys),
        },
    )
    columns = ["id", "reported", "source", "category", "state", "due", "note"]
    write_geojson(
        out / "issues.geojson",
        "issues",
        issue_points,
        {k: [row[k] for row in issues] for k in columns},
    )
    write_csv(out / "leaders.csv", plan.leaders, ["id", "name", "title", "level", "unit", "phone"])
    write_csv(out / "assignments.csv", plan.assignments, ["leader", "kind", "target", "from", "to", "role"])
    write_csv(out / "status.csv", status, ["kind", "target", "item", "state", "progress", "due", "updated", "note"])
    (out / "geo.toml").write_text(
        "# A synthetic project made by scripts/make_city.py; judged as of a fixed day so that\n"
        "# what is overdue is the same on every run.\n"
        f"today = {TODAY.isoformat()}\n",
        encoding="utf-8",
    )
    levels: dict[str, int] = {}
    for leader in plan.leaders:
        levels[leader["level"]] = levels.get(leader["level"], 0) + 1
    planted = {
        "generator": "scripts/make_city.py",
        "seed": sizes.seed,
        "metric_crs": f"EPSG:{UTM}",
        "today": TODAY.isoformat(),
        "counts": {
            "communities": len(c),
            "road_pieces": len(pieces),
            "named_pieces": n_named,
            "unnamed_pieces": len(alleys),
            "named_roads": len(net.roads),
            "dual_carriageways": sum(road.dual for road in net.roads),
            "issues": len(issues),
            "leaders": len(plan.leaders),
            "leaders_by_level": levels,
            "assignments": len(plan.assignments),
            "status_rows": len(status),
            "lakes": len(district.lakes),
        },
        "section_gaps": [{k: v for k, v in g.items() if k != "geometry"} for g in plan.gaps],
        "section_overlaps": plan.overlaps,
        "communities_no_leader": sorted(c.ids[i] for i in plan.unled),
        "no_district_leader": sorted(c.ids[i] for i in plan.no_district),
        "communities_no_status": sorted(c.ids[i] for i in no_status),
        "unmanaged": unmanaged(c, net, plan, unassigned, territory, alleys, alley_owner),
        "unassigned_roads": sorted(net.roads[r].name for r in unassigned),
        "territory_gaps": [{"area_m2": float(g["geometry"].area), "host": c.ids[g["host"]]} for g in territory],
        "enclaves": [{"id": c.ids[e["community"]], "host": c.ids[e["host"]]} for e in enclaves],
        "issues": issue_facts,
    }
    planted = _round(planted)
    (out / "planted.json").write_text(json.dumps(planted, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return planted


def parse_args(argv=None) -> tuple[Path, Sizes]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the project folder to write")
    parser.add_argument("--scale", choices=sorted(SCALES), default="S", help="preset sizes (default S)")
    parser.add_argument("--communities", type=int)
    parser.add_argument("--road-pieces", type=int)
    parser.add_argument("--issues", type=int)
    parser.add_argument("--leaders", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    preset = SCALES[args.scale]
    sizes = Sizes(
        **{k: getattr(args, k) if getattr(args, k) is not None else v for k, v in preset.items()}, seed=args.seed
    )
    return args.out, sizes


def main(argv=None) -> int:
    out, sizes = parse_args(argv)
    started = time.perf_counter()
    planted = generate(out, sizes)
    counts = planted["counts"]
    if counts["road_pieces"] != sizes.road_pieces:
        print(f"note: {counts['road_pieces']} road pieces, not {sizes.road_pieces}: every grid edge takes at least one")
    print(
        f"wrote {out} in {time.perf_counter() - started:.1f} s: {counts['communities']} communities, "
        f"{counts['road_pieces']} road pieces ({counts['named_roads']} named roads), {counts['issues']} issues, "
        f"{counts['leaders']} leaders; planted: {len(planted['section_gaps'])} section gaps, "
        f"{len(planted['section_overlaps'])} overlaps, {len(planted['communities_no_leader'])} communities "
        f"without a leader, {planted['unmanaged']['total_m']:.0f} m unmanaged"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

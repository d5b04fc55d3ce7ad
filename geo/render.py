"""Draw the maps: overview, one per leader, gaps, and the index page.

Every map is one self-contained HTML file made of two parts:

- **the page shell**, built once per build with folium (`geo._mapkit.shell`):
  Leaflet and Leaflet.markercluster inlined from their installed packages, the
  configured basemaps, and ``geo/static/map.js``, which draws everything;
- **the map's data**, a JSON document in the page (``<script
  type="application/json">``): its layers packed as integer micro-degrees
  (`pack`), each feature's plain properties, the words of the interface, the
  labels to place, and the boxes (title, legend, panel) rendered from the
  autoescaped templates of ``geo/templates/``.

So a leader's map costs one JSON dump and three small template renders, not
a folium render (about 100 leader maps per second where folium gave 5).
Data is text, never code: the JSON is escaped for the page (``<`` as
``\\u003c``), never read by a template engine, and ``map.js`` writes every
tooltip, popup and label with ``textContent`` only. Leaders' phone numbers
are never written. Coordinates are rounded to 1e-6° (about 0.1 m); with an
AMap basemap the data is drawn in GCJ-02.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field, replace
from hashlib import sha1
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._labels import default_categories, labels, with_unit
from ._mapkit import MapShell, fill, shell
from ._names import WINDOWS_RESERVED
from ._readers import is_osm
from .analyse import Analysis
from .assets import html_lang, render_html
from .checks import CHECKS, GAP_COLOR
from .config import MapOptions
from .coords import geometry_wgs84_to_gcj02
from .model import Summary
from .replies import item_key, person_key, project_token
from .report import worded_gaps
from .schema import MAP_TEXT_CHARS
from .shapes import keep_dimension
from .words import kind_label, section_label

__all__ = [
    "GAP_COLOR",
    "MapFile",
    "build_context",
    "inspector_filenames",
    "leader_filenames",
    "pack",
    "render_gap_map",
    "render_index",
    "render_inspectors_map",
    "render_leader_map",
    "render_overview",
    "render_change_map",
]

log = logging.getLogger(__name__)

TIER_STYLE = {
    "demonstration": {"fillColor": "#c0392b", "color": "#67000d", "weight": 3.5, "fillOpacity": 0.6},
    "key": {"fillColor": "#f39c12", "color": "#a04000", "weight": 2.5, "fillOpacity": 0.5},
    "general": {"fillColor": "#d5dbdb", "color": "#7f8c8d", "weight": 1, "fillOpacity": 0.35},
}
CITY_ROAD = {"color": "#1f3a93", "weight": 6, "opacity": 0.9}
OTHER_WHOLE_ROAD = {"color": "#5b2c6f", "weight": 6, "opacity": 0.9}
SECTION = {"color": "#16a085", "weight": 6, "opacity": 0.9}
OTHER_ROAD = {"color": "#7b7d7d", "weight": 2, "opacity": 0.8}
UNNAMED_ROAD = {"color": "#aab7b8", "weight": 1, "opacity": 0.7}
FAINT = {"fillColor": "#ecf0f1", "color": "#95a5a6", "weight": 0.8, "fillOpacity": 0.3}
BOUNDARY = {"color": "#2c3e50", "weight": 2.5, "fill": False, "dashArray": "8 4"}
ISSUE_COLORS = {"overdue": "#7b241c", "open": "#e74c3c", "reported": "#2e86c1", "resolved": "#27ae60"}
ISSUE_STYLE = {
    status: {"radius": 4 if status == "resolved" else 6, "color": "#333", "weight": 1, "fillOpacity": 0.9}
    | {"fillColor": color}
    for status, color in ISSUE_COLORS.items()
}
HIGHLIGHT = {"weight": 8, "color": "#000"}


@dataclass
class MapFile:
    """A map written: its path, size and how many coordinates it draws."""

    path: Path
    bytes: int
    vertices: int

    @property
    def bytes_per_vertex(self) -> float:
        return self.bytes / self.vertices if self.vertices else float("nan")


def leader_filenames(leader_ids) -> dict[str, str]:
    """A safe, unique file name per leader id (no path traversal, no clash even on a case-blind disk).

    A plain id (letters, digits, ``-``, ``_``) keeps its name; any other, or
    one that would clash with another ignoring case, is named by a hash as
    ``leader.<hash>``: the dot is no character of a plain id, so no id can
    take the name of another's hash. Unique by construction: a hash already
    taken (two ids differing only in case) is lengthened, then numbered.
    """
    return _safe_filenames(leader_ids, "leader")


def inspector_filenames(group_ids) -> dict[str, str]:
    """A safe, unique file name per inspection group id, made as `leader_filenames` makes them (``group.<hash>``)."""
    return _safe_filenames(group_ids, "group")


def _safe_filenames(ids, prefix: str) -> dict[str, str]:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for person in ids:
        plain = re.fullmatch(r"[A-Za-z0-9_-]{1,64}", person) is not None and person.upper() not in WINDOWS_RESERVED
        digest = sha1(person.encode("utf-8")).hexdigest()
        candidates = [f"{person}.html"] if plain else []
        candidates += [f"{prefix}.{digest[:12]}.html", f"{prefix}.{digest}.html"]
        candidates += (f"{prefix}.{digest}.{n}.html" for n in range(1, len(names) + 2))
        name = next(c for c in candidates if c.lower() not in taken)
        taken.add(name.lower())
        names[person] = name
    return names


# ----------------------------------------------------------------------------- packing layers for map.js
SCALE = 1_000_000  # coordinates travel as integers in micro-degrees (about 0.1 m), each the step from the last


def pack(geometry) -> dict:
    """Geometries as ``map.js`` draws them: ``{"xy": [dx, dy, …], "parts": [offsets, …]}``.

    The coordinates of all features, in micro-degrees, each pair the
    difference from the previous one (so most numbers are short), and the
    offsets of `shapely.to_ragged_array` (rings, then polygons, then
    multi-polygons; lines, then multi-lines) that cut them into features. Single
    and multi-part geometries of one dimension are drawn alike. The geometries
    must be of one dimension and not empty.
    """
    geometry = np.asarray(geometry, dtype=object)
    if len(geometry) == 0:
        return {"xy": [], "parts": []}
    _kind, coords, offsets = shapely.to_ragged_array(geometry)
    ints = np.round(coords[:, :2] * SCALE).astype(np.int64)
    steps = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return {"xy": steps.ravel().tolist(), "parts": [o.tolist() for o in offsets]}


class _Table:
    """A layer's rows as plain arrays, cheap to subset once per map: geometry and JSON-ready columns.

    Built once per build from a frame (`_Table.of`): each column an object
    array of plain Python values (missing ones ``None``), so a leader's map
    takes its rows with one index and dumps them with no per-feature work.
    ``table["col"]`` is a column, ``table[mask]`` the rows of a boolean mask
    or an index array.
    """

    def __init__(self, geometry, columns: dict[str, np.ndarray]):
        self.geometry = np.asarray(geometry, dtype=object)
        self.columns = columns

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame) -> _Table:
        columns = {}
        for name in frame.columns:
            if name == frame.geometry.name:
                continue
            values = frame[name].to_numpy(dtype=object)
            missing = frame[name].isna().to_numpy()
            if missing.any():
                values = values.copy()
                values[missing] = None
            columns[name] = values
        return cls(frame.geometry.values, columns)

    def __len__(self) -> int:
        return len(self.geometry)

    @property
    def empty(self) -> bool:
        return len(self.geometry) == 0

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.columns[key]
        return _Table(self.geometry[key], {name: values[key] for name, values in self.columns.items()})

    @property
    def total_bounds(self) -> np.ndarray:
        return shapely.total_bounds(self.geometry)

    def within(self, x0: float, y0: float, x1: float, y1: float) -> _Table:
        """The rows whose bounding box meets the window (``GeoDataFrame.cx``, without the frame)."""
        b = shapely.bounds(self.geometry)
        return self[(b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0)]


def _bounded(values: np.ndarray) -> np.ndarray:
    """Texts longer than `MAP_TEXT_CHARS` cut there, with an ellipsis (the reports keep them whole)."""
    values = np.asarray(values)
    if values.dtype != object or len(values) == 0:
        return values
    lengths = np.fromiter((len(v) if type(v) is str else 0 for v in values), dtype=np.int64, count=len(values))
    long = np.flatnonzero(lengths > MAP_TEXT_CHARS)
    if len(long) == 0:
        return values
    values = values.copy()
    for n in long:
        values[n] = values[n][: MAP_TEXT_CHARS - 1] + "…"
    return values


def _encoded(values: np.ndarray):
    """A property column for the page: its values, or, when they repeat, ``{"k": distinct, "i": codes}``.

    Repeated words (a state, a leader's name on 2,000 issues) are written once.
    """
    values = _bounded(values)
    if len(values) < 8:
        return values.tolist()
    try:
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
    except TypeError:  # lists (a community's status rows) do not repeat
        return values.tolist()
    if len(distinct) * 2 > len(values):
        return values.tolist()
    if len(distinct) == 1:  # one value for every feature: written once
        return {"k": [None if pd.isna(distinct[0]) else distinct[0]], "n": len(values)}
    missing = pd.isna(distinct)
    return {"k": [None if gone else v for v, gone in zip(distinct, missing)], "i": codes.tolist()}


@dataclass
class _Layer:
    """One layer of a map as ``map.js`` reads it (see `_Layer.spec`)."""

    name: str
    frame: _Table
    style: dict
    props: tuple[str, ...] = ()
    by: str | None = None  # a property whose value picks the style from `style`
    tip: str | None = None  # which tooltip map.js writes: community, coverage, road, issue, gap
    popup: str | None = None
    search: tuple[str, ...] = ()  # the properties a search matches
    show: bool = True
    cluster: bool = False
    highlight: bool = False
    interactive: bool = True
    legend: list[tuple[str, str]] = field(default_factory=list)
    group: str = ""  # its heading in the layer switcher: base, communities, roads, issues, gaps
    entry: str | None = None  # layers with one entry share one switch (the overview's gaps), named so

    def spec(self) -> dict:
        frame = self.frame
        return {
            "name": self.name,
            "dim": int(shapely.get_dimensions(frame.geometry[:1])[0]),
            "geom": pack(frame.geometry),
            "props": {c: _encoded(frame[c]) for c in self.props},
            "style": self.style,
            "by": self.by,
            "tip": self.tip,
            "popup": self.popup,
            "search": list(self.search),
            "show": self.show,
            "cluster": self.cluster,
            "highlight": HIGHLIGHT if self.highlight else None,
            "interactive": self.interactive,
            "group": self.group,
            "entry": self.entry,
        }


# ----------------------------------------------------------------------------- the context, built once per build
@dataclass
class _Context:
    """The analysis in map coordinates with plain properties, built once for every map."""

    analysis: Analysis
    options: MapOptions
    words: dict
    communities: _Table
    roads: _Table
    coverage: _Table
    issues: _Table
    gaps: _Table
    boundary: _Table | None
    leaders: pd.DataFrame
    community_leaders: dict[str, tuple[str, ...]]
    road_labels: _Table  # the lines road names are placed along: see `_road_label_lines`
    mine: dict[str, dict[str, np.ndarray]]  # leader id -> layer -> the rows that are theirs
    shell: MapShell
    attributions: tuple[str, ...] = ()  # the data's licences that require credit on every map
    # replies from the field: the status items with who holds them and how they stand (`_with_replies`), the
    # inspection groups (by id), the photos the kept replies carry (SHA-256 hex -> bytes), and the project's
    # secret, from which each person's map gets its own key (the secret itself is never written)
    status: pd.DataFrame = field(default_factory=pd.DataFrame)
    inspectors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"id": [], "name": []}))
    photos: dict[str, bytes] = field(default_factory=dict, repr=False)
    secret: bytes | None = field(default=None, repr=False)
    categories: list[str] = field(default_factory=list)  # what 上报问题 offers (`_categories`)

    def gap_label(self, kind: str) -> str:
        return gap_label(kind, self.options.lang, self.options.unit_word)


def gap_label(kind: str, lang: str, unit_word: str = "") -> str:
    """A gap kind's name in the map's language (`geo.words`), saying the district's `unit_word` for 社区."""
    return with_unit({"label": kind_label(kind, lang)}, lang, unit_word)["label"]


DRAW_MAX_VERTICES = 20_000  # a feature with more is simplified for drawing (the analysis keeps every vertex)
DRAW_TOLERANCES_DEG = (1e-5, 1e-4, 1e-3)  # about 1 m, 10 m, 100 m: tried in turn until it fits


def _simplified_for_drawing(geometry: np.ndarray) -> np.ndarray:
    """Features too detailed to draw usefully (a GPS track, an over-digitised outline) drawn simpler."""
    geometry = geometry.copy()
    for tolerance in DRAW_TOLERANCES_DEG:
        heavy = shapely.get_num_coordinates(geometry) > DRAW_MAX_VERTICES
        if not heavy.any():
            break
        geometry[heavy] = shapely.simplify(geometry[heavy], tolerance, preserve_topology=True)
    return geometry


def _drawn(frame: gpd.GeoDataFrame, gcj02: bool, dimension: int) -> gpd.GeoDataFrame:
    """EPSG:4326 (or GCJ-02 for AMap tiles), rounded to 1e-6° (about 0.1 m), huge features simplified.

    Only parts of `dimension` are drawn (a map layer of lines cannot hold a
    point; a multi-point is drawn as its first point); features left with
    nothing are not drawn.
    """
    frame = frame.to_crs(4326)
    geometry, removed = keep_dimension(frame.geometry.values, dimension)
    if removed:
        log.debug("%d geometry parts of another dimension than %d not drawn", removed, dimension)
    if dimension == 0:
        geometry = np.where(shapely.get_num_geometries(geometry) > 1, shapely.get_geometry(geometry, 0), geometry)
    geometry = np.asarray(geometry, dtype=object)
    keep = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    frame, geometry = frame[keep], _simplified_for_drawing(geometry[keep])
    if gcj02:
        geometry = geometry_wgs84_to_gcj02(geometry)
    geometry = shapely.set_precision(geometry, 1e-6) if dimension == 0 else shapely.transform(geometry, _rounded)
    return frame.set_geometry(geometry, crs=4326)


def _rounded(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, 6)


OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
SIMPLIFY_M = 0.5  # community outlines are drawn simplified to this (metres); shared edges stay shared


def _simplified(communities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify community outlines as a coverage, so neighbours keep one shared edge.

    Only when the communities form a valid coverage (no overlaps); otherwise
    they are drawn as they are, and the territory check reports the overlaps.
    """
    geometry = communities.geometry.values
    if len(geometry) == 0 or not hasattr(shapely, "coverage_simplify"):
        return communities
    try:
        if not shapely.coverage_is_valid(geometry):
            return communities
        simple = shapely.coverage_simplify(geometry, SIMPLIFY_M)
    except shapely.errors.GEOSException:
        log.debug("coverage simplification failed; drawing outlines as they are", exc_info=True)
        return communities
    return communities.set_geometry(simple, crs=communities.crs)


LABEL_SIMPLIFY_M = 1.0  # the lines names are placed along are drawn simplified to this (metres)


def _road_label_lines(road_axes: gpd.GeoDataFrame, gcj02: bool) -> gpd.GeoDataFrame:
    """The lines each named road's name is placed along (``map.js`` repeats it along them), longest road first.

    One row per named road: ``name``, ``rank`` (its pieces' total length in
    metres, for priority) and its merged parts (`geo.roads.merged_roads`: the
    pieces joined end to end, so a name runs across the joints of an
    OpenStreetMap way), simplified to a metre, in degrees.
    """
    columns = ["name", "rank", "geometry"]
    if road_axes is None or road_axes.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=4326)
    frame = gpd.GeoDataFrame(
        {
            "name": road_axes["name"].astype(str).to_numpy(),
            "rank": road_axes["pieces_m"].astype(float).round(1).to_numpy(),
        },
        geometry=shapely.simplify(road_axes.geometry.values, LABEL_SIMPLIFY_M),
        crs=road_axes.crs,
    )
    frame = frame[frame["name"] != ""].sort_values(["rank", "name"], ascending=[False, True], kind="stable")
    return _drawn(frame.reset_index(drop=True), gcj02, 1)[columns]


def _who(leader_ids: pd.Series, leaders: pd.DataFrame, w: dict) -> pd.Series:
    """Each row's leaders (a tuple of ids) as one text: ``乙（区长）、丙``; ``无`` when none."""
    known = leaders["title"].astype(str).where(leaders["title"].astype(bool), "")
    named = leaders["name"].astype(str) + np.where(known != "", w["p.open"] + known + w["p.close"], "")
    texts = {ids: w["p.list"].join(named.get(i, i) for i in ids) or w["none"] for ids in set(leader_ids)}
    return leader_ids.map(texts)


def _names(leader_ids: pd.Series, leaders: pd.DataFrame) -> pd.Series:
    """Each row's leaders' names, space-separated (what a search matches)."""
    names = leaders["name"].astype(str)
    texts = {ids: " ".join(names.get(i, i) for i in ids) for ids in set(leader_ids)}
    return leader_ids.map(texts)


def _dates(values: pd.Series) -> list[str | None]:
    """Each date as ``2022-05-31``, None where there is none (never ``nan`` or ``NaT``).

    A list, not a Series: pandas would read the texts as its string dtype and turn None back into NaN.
    """
    return [None if pd.isna(d) else str(d) for d in values]


def build_context(analysis: Analysis, options: MapOptions, secret: bytes | None = None) -> _Context:
    """Prepare everything the maps draw, once: the layers in map coordinates and their plain properties.

    With the project's `secret` (`geo.replies.project_secret`), each leader's
    and inspection group's map can answer (`geo/static/reply.js`): it carries
    that person's key, and no other map carries any.
    """
    w = labels(options.lang, options.unit_word)
    gcj = "amap" in options.basemaps
    resolved = analysis.resolved
    project = resolved.project
    leaders = project.leaders.set_index("id", drop=False)

    source = _simplified(resolved.communities[["id", "name", "tier", "street", "geometry"]])
    source["area_m2"] = source.geometry.area.round(0)
    source["label_x"], source["label_y"] = _label_points(source, gcj)
    communities = _drawn(source, gcj, 2)
    held = communities["id"].map(lambda c: analysis.community_leaders.get(c, ()))
    communities["leader_ids"] = held
    communities["leaders"] = _who(held, leaders, w)
    communities["names"] = _names(held, leaders)
    communities["tier_word"] = communities["tier"].map(lambda t: w.get(f"tier.{t}", t))
    status = _with_replies(analysis)
    mine = status[status["kind"] == "community"].copy()
    mine["state_word"] = _state_words(mine["state"], mine["verification"], w)
    mine["row"] = list(
        zip(
            _bounded(mine["item"].astype(str).to_numpy(dtype=object)),
            mine["state_word"].astype(str),
            mine["progress"].round(0).astype(object).where(mine["progress"].notna(), None),
            _dates(mine["due"]),
            mine["overdue"].astype(bool),
        )
    )
    rows = mine.groupby("target")["row"].agg(list)
    communities["status"] = communities["id"].map(rows).map(lambda r: r if isinstance(r, list) else [])

    coverage = _drawn(resolved.coverage.rename(columns={"from": "from_", "to": "to_"}), gcj, 1)
    # A section's ends in words, in the map's language (a street to itself: its two crossings).
    coverage["ends"] = [
        "" if kind == "road" else section_label(a, b, s, e, options.lang)
        for kind, a, b, s, e in zip(
            coverage["kind"], coverage["from_"], coverage["to_"], coverage["start_m"], coverage["end_m"]
        )
    ]
    coverage["metres"] = coverage["length_m"].round(0)
    coverage["level_word"] = coverage["level"].map(lambda v: w.get(f"level.{v}", v))
    single = coverage["leader"].map(lambda i: (i,))
    coverage["who"] = _who(single, leaders, w)
    coverage["names"] = _names(single, leaders)

    roads = _drawn(resolved.roads[["name", "_row", "geometry"]], gcj, 1)
    columns = ["id", "source", "category", "state", "due", "note", "community", "road", "leaders", "overdue"]
    columns += list(_ISSUE_REPLY_COLUMNS)
    issues = _drawn(_with_columns(analysis.issues, _ISSUE_REPLY_COLUMNS)[columns + ["geometry"]], gcj, 0)
    reported = (issues["verification"] == "reported") & (issues["state"] != "open")
    issues["status"] = np.where(
        issues["overdue"],
        "overdue",
        np.where(issues["state"] == "open", "open", np.where(reported, "reported", "resolved")),
    )
    issues["source_word"] = issues["source"].map(lambda s: w.get(f"source.{s}", s))
    issues["state_word"] = _state_words(issues["state"], issues["verification"], w)
    # an issue's photo: pinned with it from a map, or sent with the report that it was resolved
    issues["photo"] = issues["photo"].where(issues["photo"].astype(bool), issues["reply_photo"])
    issues["who"] = _who(issues["leaders"].map(tuple), leaders, w)
    issues["due"] = pd.Series(_dates(issues["due"]), index=issues.index, dtype=object)

    # facts (kind, name …, geometry) with their words (description, suggested owner) in the map's language
    worded = worded_gaps(analysis, options.lang)[["name", "description", "suggested_owner"]]
    drawable = analysis.gaps.geometry.notna()
    facts = analysis.gaps[drawable].drop(columns=["name"]).join(worded[drawable])
    facts["label"] = facts["kind"].map(lambda k: gap_label(k, options.lang, options.unit_word))
    gaps = pd.concat(
        [_drawn(facts[facts["kind"] == c.kind], gcj, c.dimension) for c in CHECKS if (facts["kind"] == c.kind).any()]
        or [facts.iloc[0:0].to_crs(4326)]
    )

    boundary = _drawn(resolved.boundary, gcj, 2) if resolved.boundary is not None else None
    # OpenStreetMap data is ODbL: a map made from it must say so.
    osm = any(is_osm(Path(source.file)) for source in project.sources.values())
    attributions = (OSM_ATTRIBUTION,) if osm else ()
    communities["priority"] = communities["tier"].map(NAME_PRIORITY).fillna(0).astype(int)
    label_lines = _road_label_lines(resolved.road_axes, gcj)
    mine = {
        "communities": _rows_by_leader(communities["leader_ids"]),
        "coverage": _rows_by_leader(coverage["leader"].map(lambda i: (i,))),
        "issues": _rows_by_leader(issues["leaders"].map(tuple)),
        "status": _rows_by_leader(status["leaders"].map(tuple)),
    }
    none = np.array([], dtype=int)
    inspectors = getattr(project, "inspectors", None)
    if inspectors is None:
        inspectors = pd.DataFrame({"id": pd.Series(dtype=object), "name": pd.Series(dtype=object)})
    inspectors = inspectors.assign(id=inspectors["id"].astype(str)).set_index("id", drop=False)
    return _Context(
        analysis,
        options,
        w,
        _Table.of(communities),
        _Table.of(roads),
        _Table.of(coverage),
        _Table.of(issues),
        _Table.of(gaps),
        None if boundary is None else _Table.of(boundary),
        leaders,
        analysis.community_leaders,
        _Table.of(label_lines),
        {i: {layer: rows.get(i, none) for layer, rows in mine.items()} for i in leaders.index},
        _declaring(shell(options, w), options.lang),
        attributions,
        status.reset_index(drop=True),
        inspectors,
        dict(getattr(analysis, "photos", None) or {}),
        secret,
        _categories(analysis, options.lang),
    )


def _declaring(page: MapShell, lang: str) -> MapShell:
    """The map page with its language declared on ``<html>``, as the index and the bulletin declare theirs."""
    first = page.parts[0].replace(b"<html>", f'<html lang="{html_lang(lang)}">'.encode("ascii"), 1)
    return replace(page, parts=(first, *page.parts[1:]))


# What a status item or issue carries once the kept replies are applied (`geo.replies.settle`): how the
# office's word stands (`verification`: "" the office's, reported, confirmed, returned), the report an
# inspection group confirms, and the last reply's note, photo, day and person.
_REPLY_COLUMNS: dict[str, object] = {
    "verification": "",
    "report": "",
    "reply_note": "",
    "reply_photo": "",
    "reply_day": None,
    "reply_by": "",
}
_ISSUE_REPLY_COLUMNS: dict[str, object] = {**_REPLY_COLUMNS, "photo": ""}


def _with_columns(frame: pd.DataFrame, defaults: dict[str, object]) -> pd.DataFrame:
    """`frame` with each column of `defaults` it lacks (an analysis without replies), blanks as the defaults."""
    frame = frame.copy()
    for column, default in defaults.items():
        if column not in frame:
            frame[column] = pd.Series([default] * len(frame), index=frame.index, dtype=object)
        elif isinstance(default, str):
            frame[column] = frame[column].where(frame[column].notna(), default)
    return frame


def _with_replies(analysis: Analysis) -> pd.DataFrame:
    """The status items with their reply key, the leaders who hold them and how the replies left them.

    The analysis gives ``key`` and ``leaders`` once replies are applied; an
    analysis made without them has them filled in here the same way: a
    community's item is held by the community's leaders, a road's by the
    leaders of the road and its sections.
    """
    status = _with_columns(analysis.status, _REPLY_COLUMNS)
    if "key" not in status:
        status["key"] = [item_key(k, t, i) for k, t, i in zip(status["kind"], status["target"], status["item"])]
    if "leaders" not in status:
        coverage = analysis.resolved.coverage
        by_road = coverage.groupby("road")["leader"].agg(lambda v: tuple(sorted(set(v)))).to_dict()
        held = analysis.community_leaders
        status["leaders"] = [
            tuple(held.get(target, ())) if kind == "community" else by_road.get(target, ())
            for kind, target in zip(status["kind"], status["target"])
        ]
    return status


def _state_words(states: pd.Series, verification: pd.Series, w: dict) -> pd.Series:
    """Each state in words, saying how the replies left it: 已报完成, 已核实, or the office's state and 已退回."""
    words = []
    for state, checked in zip(states, verification):
        word = w.get(f"state.{state}", state)
        if checked in ("reported", "confirmed"):
            word = w[f"verification.{checked}"]
        elif checked == "returned":
            word = f"{word}{w['p.open']}{w['verification.returned']}{w['p.close']}"
        words.append(word)
    return pd.Series(words, index=states.index, dtype=object)


def _rows_by_leader(ids: pd.Series) -> dict[str, np.ndarray]:
    """Leader id -> the positions of the rows whose leaders (a tuple per row) include them."""
    each = pd.Series(ids.to_numpy(), index=np.arange(len(ids))).explode().dropna()
    return {str(k): np.asarray(v, dtype=int) for k, v in each.groupby(each).groups.items()}


def _label_points(communities: gpd.GeoDataFrame, gcj02: bool) -> tuple[np.ndarray, np.ndarray]:
    """Where a community's name goes: a point inside it (its representative point), in degrees."""
    points = gpd.GeoSeries(communities.geometry.representative_point(), crs=communities.crs).to_crs(4326).values
    if gcj02:
        points = geometry_wgs84_to_gcj02(np.asarray(points))
    xy = np.round(shapely.get_coordinates(points), 6)
    return xy[:, 0], xy[:, 1]


# ----------------------------------------------------------------------------- layers
COMMUNITY_PROPS = ("id", "name", "tier", "tier_word", "street", "leaders", "names", "status")
COVERAGE_PROPS = ("road", "kind", "ends", "metres", "level_word", "who", "names")
ISSUE_PROPS = ("id", "category", "source_word", "state_word", "due", "note", "who", "status", "photo")
GAP_PROPS = ("kind", "label", "name", "description", "suggested_owner")


def _swatch_area(style: dict) -> str:
    return f"background:{style['fillColor']};border:2px solid {style['color']}"


def _swatch_line(style: dict, height: int = 5) -> str:
    dashed = "dashed" if style.get("dashArray") else "solid"
    return f"border-top:{height}px {dashed} {style['color']};height:0"


def _swatch_point(color: str) -> str:
    return f"background:{color};border-radius:6px;width:12px"


def _count(ctx: _Context, name: str, n: int) -> str:
    return f"{name}{ctx.words['p.open']}{n}{ctx.words['p.close']}"


def _boundary_layer(ctx: _Context) -> list[_Layer]:
    if ctx.boundary is None or ctx.boundary.empty:
        return []
    return [
        _Layer(
            ctx.words["layer.boundary"],
            ctx.boundary,
            BOUNDARY,
            interactive=False,
            legend=[(_swatch_line(BOUNDARY, 2), ctx.words["layer.boundary"])],
            group="base",
        )
    ]


def _community_layer(ctx: _Context, frame, name: str, *, highlight: bool = True) -> _Layer:
    tiers = [t for t in TIER_STYLE if (frame["tier"] == t).any()]
    return _Layer(
        name,
        frame,
        TIER_STYLE,
        COMMUNITY_PROPS,
        by="tier",
        tip="community",
        popup="community",
        search=("name", "id", "names"),
        highlight=highlight,
        legend=[(_swatch_area(TIER_STYLE[t]), ctx.words[f"tier.{t}"]) for t in tiers],
        group="communities",
    )


def _road_layers(ctx: _Context, roads, coverage, *, mine: bool = False) -> list[_Layer]:
    """Unnamed roads (faint), named roads, and the roads and sections leaders hold."""
    w = ctx.words
    unnamed = roads[roads["name"] == ""]
    named = roads[roads["name"] != ""]
    layers = [
        _Layer(w["layer.unnamed"], unnamed, UNNAMED_ROAD, ("name",), tip="road", interactive=False, group="roads"),
        _Layer(
            w["layer.roads"],
            named,
            OTHER_ROAD,
            ("name",),
            tip="road",
            popup="road",
            search=() if mine else ("name",),
            legend=[(_swatch_line(OTHER_ROAD, 2), w["legend.other_roads"])],
            group="roads",
        ),
    ]
    whole = coverage[coverage["kind"] == "road"]
    city = whole[whole["level"] == "city"]
    other = whole[whole["level"] != "city"]
    sections = coverage[coverage["kind"] == "section"]
    groups = (
        [(w["layer.my_roads"], whole, CITY_ROAD), (w["layer.my_sections"], sections, SECTION)]
        if mine
        else [
            (w["layer.other_roads"], other, OTHER_WHOLE_ROAD),
            (w["layer.city_roads"], city, CITY_ROAD),
            (w["layer.sections"], sections, SECTION),
        ]
    )
    for name, frame, style in groups:
        layers.append(
            _Layer(
                name,
                frame,
                style,
                COVERAGE_PROPS,
                tip="coverage",
                popup="coverage",
                search=("road", "names"),
                highlight=True,
                legend=[(_swatch_line(style), name)],
                group="roads",
            )
        )
    return layers


def _issue_layers(ctx: _Context, issues) -> list[_Layer]:
    """Open and overdue issues clustered together (a cluster shows its worst); resolved ones apart, hidden.

    Issues a leader reported resolved that no inspection group has confirmed yet are a layer of their own, shown.
    """
    w = ctx.words
    active = issues[np.isin(issues["status"], ["overdue", "open"])]
    reported = issues[issues["status"] == "reported"]
    resolved = issues[issues["status"] == "resolved"]
    overdue = int((active["status"] == "overdue").sum())
    name = (
        f"{w['layer.issues_open']}{w['p.open']}{len(active)}{w['p.comma']}{w['stats.overdue']} {overdue}{w['p.close']}"
    )
    present = [s for s in ("overdue", "open") if (active["status"] == s).any()]

    def layer(name, frame, legend, show=True) -> _Layer:
        return _Layer(
            name,
            frame,
            ISSUE_STYLE,
            ISSUE_PROPS,
            by="status",
            tip="issue",
            popup="issue",
            search=("id", "category"),
            cluster=True,
            show=show,
            legend=[(_swatch_point(ISSUE_COLORS[s]), w[f"layer.issues_{s}"]) for s in legend],
            group="issues",
        )

    return [
        layer(name, active, present),
        layer(_count(ctx, w["layer.issues_reported"], len(reported)), reported, ["reported"]),
        layer(_count(ctx, w["layer.issues_resolved"], len(resolved)), resolved, ["resolved"], show=False),
    ]


def _swatch(check) -> str:
    """A legend swatch (CSS) drawn from a check's map style."""
    style = check.style
    color, fill_color = style.get("color", "#000"), style.get("fillColor", style.get("color", "#000"))
    if check.dimension == 0:
        return f"background:{fill_color};border-radius:6px;border:2px solid {color};width:12px"
    if check.dimension == 1:
        return _swatch_line({"color": color, "dashArray": style.get("dashArray")})
    if style.get("fill", True) is False:
        return f"border:2px {'dashed' if style.get('dashArray') else 'solid'} {color}"
    return f"background:{fill_color};opacity:{max(float(style.get('fillOpacity', 0.5)), 0.4)};border:2px solid {color}"


GAPS_SHOWN_MAX_SHARE = (
    0.10  # the overview shows its gaps at first only if they cover at most this share of the district
)
GAPS_SCALE_PX = 1000  # ... drawn at the overview's scale: the district about this many pixels across


def gap_share(analysis: Analysis, stop: float | None = None) -> float:
    """The share of the district the gaps would cover, drawn at the overview's scale.

    The district (the boundary, or else the communities' outline) is taken as
    `GAPS_SCALE_PX` pixels across its longer side; a gap area counts with its
    area (an unfilled one, its outline), a line and an outline as wide as the
    map draws them (`Check.style` ``weight`` in pixels), a point as its circle.
    With `stop`, the answer is only exact up to `stop`: the sum of the shapes'
    areas when even that is at most `stop` (no points among them), or a share
    above `stop` as soon as the areas, then the lines, then the points already
    cover more (a city's thousands of orphan issues are then never merged).
    """
    resolved = analysis.resolved
    district_frame = resolved.boundary if resolved.boundary is not None else resolved.communities
    gaps = analysis.gaps[analysis.gaps.geometry.notna()]
    if district_frame is None or district_frame.empty or gaps.empty:
        return 0.0
    district = shapely.union_all(shapely.make_valid(district_frame.geometry.values))
    if district.is_empty or district.area <= 0:
        return 0.0
    x0, y0, x1, y1 = district.bounds
    metres = max(x1 - x0, y1 - y0) / GAPS_SCALE_PX  # metres in a pixel

    def drawn(check) -> np.ndarray:  # a kind's gaps as the shapes they are drawn as, in metres
        geometry = gaps.geometry.values[(gaps["kind"] == check.kind).to_numpy()]
        style = check.style
        if check.dimension == 0:
            return shapely.buffer(geometry, float(style.get("radius", 6)) * metres, quad_segs=4)
        if check.dimension == 2 and style.get("fill", True) is not False:
            return geometry
        edge = shapely.boundary(geometry) if check.dimension == 2 else geometry  # a line, or an outline
        return shapely.buffer(edge, float(style.get("weight", 3)) * metres / 2, cap_style="flat")

    def filled(check) -> int:  # areas first, then lines and outlines, then points (the costliest to merge)
        return 0 if check.dimension == 2 and check.style.get("fill", True) is not False else 2 - check.dimension + 1

    present = sorted((c for c in CHECKS if (gaps["kind"] == c.kind).any()), key=filled)
    if stop is not None and all(c.dimension > 0 for c in present):
        most = sum(float(shapely.area(drawn(c)).sum()) for c in present) / district.area
        if most <= stop:
            return most
    covered = shapely.Polygon()
    for check in present:
        covered = shapely.union(covered, shapely.intersection(shapely.union_all(drawn(check)), district))
        if stop is not None and covered.area / district.area > stop:
            break
    return float(covered.area / district.area)


def _gap_layers(ctx: _Context, gaps, *, entry: str | None = None, show: bool = True) -> list[_Layer]:
    """One layer per kind of gap found, in the registry's order and style (`geo.checks.CHECKS`).

    With `entry`, the kinds share one switch of that name in the layer switcher, shown at first if `show`.
    """
    layers = []
    for check in CHECKS:
        mine = gaps[gaps["kind"] == check.kind]
        if mine.empty:
            continue
        label = ctx.gap_label(check.kind)
        layers.append(
            _Layer(
                _count(ctx, label, len(mine)),
                mine,
                check.style,
                GAP_PROPS,
                tip="gap",
                popup="gap",
                search=("label", "name"),
                highlight=check.dimension > 0,
                cluster=check.dimension == 0,  # points (an issue with no leader) come by the thousand
                legend=[(_swatch(check), label)],
                group="gaps",
                entry=entry,
                show=show,
            )
        )
    return layers


def _present(layers: list[_Layer]) -> list[_Layer]:
    return [layer for layer in layers if not layer.frame.empty]


def _legend_entries(layers: list[_Layer]) -> list[tuple[str, str]]:
    """The legend: one entry per kind of thing drawn, in drawing order, nothing that is not on the map."""
    return list(dict.fromkeys(entry for layer in layers for entry in layer.legend))


NAME_PRIORITY = {"demonstration": 2, "key": 1, "general": 0}


def _community_labels(frame: _Table, priority: int | None = None) -> list:
    """Community names: [name, lon, lat, area m², priority].

    Names with a priority (demonstration 2, key 1, or the one given: a
    leader's own communities) are shown at every zoom, highest first, where
    they do not cover one another; the others only where they fit inside
    their community and do not cover a name already placed.
    """
    ranks = frame["priority"] if priority is None else np.full(len(frame), priority)
    return np.column_stack(
        [frame["name"], frame["label_x"], frame["label_y"], frame["area_m2"], ranks.astype(object)]
    ).tolist()


def _road_label_rows(labels_table: _Table, always=()) -> dict:
    """Road names and the lines they are placed along: the `always` ones first (a leader's roads), then longest first.

    ``{"names": [...], "rank": [metres, ...], "always": [bool, ...], "geom": packed lines}`` (see `pack`).
    """
    first = np.isin(labels_table["name"], list(always))
    order = np.concatenate([np.flatnonzero(first), np.flatnonzero(~first)])
    rows = labels_table[order]
    return {
        "names": rows["name"].tolist(),
        "rank": rows["rank"].tolist(),
        "always": first[order].tolist(),
        "geom": pack(rows.geometry),
    }


# ----------------------------------------------------------------------------- writing a map
def _bounds(*frames) -> list[float] | None:
    boxes = [f.total_bounds for f in frames if f is not None and not f.empty]
    if not boxes:
        return None
    b = np.array(boxes)
    return [float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())]


CANVAS_VERTICES = 200_000  # above this many drawn vertices, draw on a canvas rather than SVG
CANVAS_FEATURES = 5_000  # or above this many shapes (clustered points aside): SVG slows with many elements
MAP_WORDS = (
    "photo",
    "p.colon",
    "p.comma",
    "p.list",
    "p.open",
    "p.close",
    "p.space",
    "leaders",
    "status_items",
    "no_status",
    "due",
    "suggested",
    "metres",
    "whole_road",
    "unnamed_road",
    "stats.overdue",
    "search",
    "no_match",
    "fullscreen",
    "tianditu_key",
    "fold",
    "unfold",
    "layer.road_names",
    "layer.community_names",
    "group.base",
    "group.communities",
    "group.roads",
    "group.issues",
    "group.gaps",
    "layers",
)


def _write(
    ctx: _Context,
    path: Path,
    title: str,
    layers: list[_Layer],
    boxes: list[str],
    *,
    bounds,
    focus=None,
    road_labels=None,
    community_labels=(),
    stretch_labels=None,
    reply=None,
) -> MapFile:
    """Fill the shell with one map's data and boxes, and write it.

    `reply` is a leader's or an inspection group's section for ``reply.js``
    (`_reply_section`); the photos the map shows (its issues', the reports
    to verify) go in once each, as data URLs.
    """
    layers = _present(layers)
    count = sum(int(shapely.get_num_coordinates(layer.frame.geometry).sum()) for layer in layers)
    features = sum(len(layer.frame) for layer in layers if not layer.cluster)
    data = {
        "layers": [layer.spec() for layer in layers],
        "bounds": bounds,
        "focus": focus,
        "canvas": count > CANVAS_VERTICES or features > CANVAS_FEATURES,
        "words": {k: ctx.words[k] for k in MAP_WORDS},
        "attributions": list(ctx.attributions),
        "labels": {
            "roads": road_labels or _road_label_rows(ctx.road_labels[np.zeros(len(ctx.road_labels), dtype=bool)]),
            "areas": list(community_labels),
            "stretches": stretch_labels or {"texts": [], "geom": pack([])},
        },
        "photos": _photo_urls(ctx, layers, reply),
    }
    if reply is not None:
        data["reply"] = reply
    page = fill(ctx.shell, title=title, boxes="".join(boxes), data=data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page)
    return MapFile(path, len(page), count)


# ----------------------------------------------------------------------------- replies from the field
_IMAGE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def _data_url(data: bytes) -> str | None:
    """A photo as a ``data:image/…;base64,`` URL, None when it is not a JPEG, PNG or WebP."""
    kind = next((mime for magic, mime in _IMAGE_TYPES if data.startswith(magic)), None)
    if kind is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = "image/webp"
    return None if kind is None else f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _photo_urls(ctx: _Context, layers: list[_Layer], reply: dict | None) -> dict[str, str]:
    """SHA-256 -> data URL of each photo this map shows: its issues' and those of the reports it lists."""
    wanted = {v for layer in layers if "photo" in layer.props for v in layer.frame["photo"] if v}
    if reply is not None:
        wanted |= {row["photo"] for row in reply["checks"] if row.get("photo")}
    urls = {}
    for digest in sorted(wanted):
        data = ctx.photos.get(digest)
        url = None if data is None else _data_url(data)
        if url is not None:
            urls[digest] = url
    return urls


REPLY_WORDS = ("p.colon", "p.comma", "p.open", "p.close")


def _reply_words(w: dict) -> dict[str, str]:
    return {k: v for k, v in w.items() if k.startswith(("reply.", "verification.")) or k in REPLY_WORDS}


def _reply_section(ctx: _Context, kind: str, person: str, name: str, **lists) -> dict | None:
    """What ``reply.js`` needs to answer from a `kind` map (``leader`` or ``inspectors``) for `person`, or None.

    None without the project's secret (a map made from frames in memory):
    such a map shows everything but cannot answer. The person's key is
    written here and nowhere else.
    """
    if ctx.secret is None:
        return None
    return {
        "project": project_token(ctx.secret),
        "map": kind,
        "person": person,
        "name": name,
        "built": ctx.analysis.as_of.isoformat(),
        "key": person_key(ctx.secret, kind, person).hex(),
        "items": lists.get("items", []),
        "issues": lists.get("issues", []),
        "checks": lists.get("checks", []),
        "categories": ctx.categories,
        "gcj02": "amap" in ctx.options.basemaps,
        "words": _reply_words(ctx.words),
    }


def _categories(analysis: Analysis, lang: str) -> list[str]:
    """What 上报问题 offers: the project's issue categories, most frequent first, then the seed's kinds, then 其他."""
    categories = analysis.issues["category"].dropna().astype(str).str.strip()
    counts = categories[categories != ""].value_counts()
    ordered = sorted(counts.index, key=lambda c: (-int(counts[c]), c))
    defaults = default_categories(lang)
    other = defaults[-1]
    return [c for c in dict.fromkeys([*ordered, *defaults[:-1]]) if c != other] + [other]


def _where(ctx: _Context) -> dict[str, str]:
    """Community id -> its name, for an item's label."""
    return dict(zip(ctx.communities["id"], ctx.communities["name"]))


def _item_label(ctx: _Context, row, names: dict[str, str]) -> str:
    where = names.get(row["target"], row["target"]) if row["kind"] == "community" else row["target"]
    return f"{row['item']} · {where}"


def _plain(value):
    """A value as JSON takes it: None for a missing one, a date as text, a whole number as an int."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float | np.floating):
        return int(round(float(value)))
    return value.item() if isinstance(value, np.generic) else value


def _leader_reply_lists(ctx: _Context, leader_id: str) -> dict[str, list]:
    """A leader's open status items and open issues (and those reported done, shown as such), for `_reply_section`."""
    w = ctx.words
    status = ctx.status.iloc[ctx.mine[leader_id]["status"]]
    status = status[(status["state"] != "done") | (status["verification"] == "reported")]
    # the earliest due first, those without a date last
    status = status.assign(due_text=[str(_plain(d) or "~") for d in status["due"]]).sort_values(
        ["due_text", "key"], kind="stable"
    )
    names = _where(ctx)
    words = _state_words(status["state"], status["verification"], w)
    items = [
        {
            "key": row["key"],
            "label": _item_label(ctx, row, names),
            "state": row["state"],
            "state_word": words[index],
            "progress": _plain(row["progress"]),
            "due": _plain(row["due"]),
            "verification": row["verification"],
            "note": row["reply_note"] if row["verification"] == "returned" else "",
        }
        for index, row in status.iterrows()
    ]
    issues = ctx.issues[ctx.mine[leader_id]["issues"]]
    keep = (issues["state"] == "open") | (issues["verification"] == "reported")
    issues = issues[keep]
    xy = shapely.get_coordinates(issues.geometry) if len(issues) else np.zeros((0, 2))
    listed = [
        {
            "id": issues["id"][i],
            "category": issues["category"][i],
            "label": " ".join(str(v) for v in (issues["id"][i], issues["category"][i]) if v),
            "state": issues["state"][i],
            "state_word": issues["state_word"][i],
            "due": _plain(issues["due"][i]),
            "overdue": bool(issues["overdue"][i]),
            "verification": issues["verification"][i],
            "note": issues["reply_note"][i] if issues["verification"][i] == "returned" else "",
            "lon": float(xy[i, 0]),
            "lat": float(xy[i, 1]),
        }
        for i in range(len(issues))
    ]
    return {"items": items, "issues": sorted(listed, key=lambda r: (str(r["due"] or "~"), str(r["id"])))}


def _reports_to_check(ctx: _Context) -> list[dict]:
    """Every item and issue a leader reported done that awaits an inspection group's word (核实 or 退回)."""
    names, people = _where(ctx), ctx.leaders["name"].astype(str)
    status = ctx.status[(ctx.status["verification"] == "reported") & ctx.status["report"].astype(bool)]
    checks = [
        {
            "item": row["key"],
            "report": row["report"],
            "label": _item_label(ctx, row, names),
            "by": people.get(row["reply_by"], row["reply_by"]),
            "day": _plain(row["reply_day"]),
            "note": row["reply_note"],
            "photo": row["reply_photo"],
        }
        for _, row in status.iterrows()
    ]
    issues = ctx.issues
    rows = np.flatnonzero((issues["verification"] == "reported") & issues["report"].astype(bool))
    xy = shapely.get_coordinates(issues.geometry[rows]) if len(rows) else np.zeros((0, 2))
    for n, i in enumerate(rows):
        checks.append(
            {
                "issue": issues["id"][i],
                "report": issues["report"][i],
                "label": " ".join(str(v) for v in (issues["id"][i], issues["category"][i]) if v),
                "by": people.get(issues["reply_by"][i], issues["reply_by"][i]),
                "day": _plain(issues["reply_day"][i]),
                "note": issues["reply_note"][i],
                "photo": issues["reply_photo"][i],
                "lon": float(xy[n, 0]),
                "lat": float(xy[n, 1]),
            }
        )
    return checks


def _title(ctx: _Context) -> str:
    return ctx.options.title or ctx.words["title"]


def _legend_box(ctx: _Context, layers: list[_Layer]) -> str:
    return render_html("legend.html", w=ctx.words, title=ctx.words["legend"], entries=_legend_entries(_present(layers)))


# ----------------------------------------------------------------------------- the maps
def render_overview(ctx: _Context, path: Path, counts: Summary) -> MapFile:
    """The whole district: communities by tier, leaders' roads and sections, gaps, issues; search and stats."""
    w = ctx.words
    general = ctx.communities[ctx.communities["tier"] == "general"]
    top = ctx.communities[ctx.communities["tier"] != "general"]
    layers = _boundary_layer(ctx) + [
        _community_layer(ctx, general, w["layer.general"]),
        _community_layer(ctx, top, w["layer.top"]),
    ]
    layers += _road_layers(ctx, ctx.roads, ctx.coverage)
    # the gaps are the gap map's: here one switch, off at first when they would drown the tiers and the roads
    entry = _count(ctx, w["layer.gaps"], len(ctx.gaps))
    layers += _gap_layers(
        ctx, ctx.gaps, entry=entry, show=gap_share(ctx.analysis, stop=GAPS_SHOWN_MAX_SHARE) <= GAPS_SHOWN_MAX_SHARE
    )
    layers += _issue_layers(ctx, ctx.issues)
    tiers, gaps, issues = counts["communities"]["by_tier"], counts["gaps"], counts["issues"]
    coverage = counts["roads"]["coverage_pct"]
    unit = w["unit.count"]
    stats = [
        (
            w["stats.communities"],
            f"{counts['communities']['total']}{unit}{w['p.open']}{w['demonstration_short']} "
            f"{tiers['demonstration']}{w['p.list']}{w['key_short']} {tiers['key']}{w['p.list']}{w['general_short']} "
            f"{tiers['general']}{w['p.close']}",
        ),
        (w["stats.coverage"], "—" if coverage is None else f"{coverage:.1f}%"),
        (w["stats.gaps"], f"{gaps['total']}{w['unit.places']}"),
        (
            w["stats.open"],
            f"{issues['by_state']['open']}{unit}{w['p.open']}{w['stats.overdue']} {issues['overdue']}{w['p.close']}",
        ),
    ]
    boxes = [
        render_html(
            "title.html", w=w, title=_title(ctx), subtitle=f"{w['stats.as_of']} {counts['as_of']}", stats=stats
        ),
        _legend_box(ctx, layers),
    ]
    return _write(
        ctx,
        path,
        f"{_title(ctx)} · {w['overview']}",
        layers,
        boxes,
        bounds=_bounds(ctx.boundary, ctx.communities),
        road_labels=_road_label_rows(ctx.road_labels),
        community_labels=_community_labels(ctx.communities),
    )


def _leader_items(ctx: _Context, leader_id: str) -> tuple[_Table, _Table, _Table]:
    rows = ctx.mine[leader_id]
    return ctx.communities[rows["communities"]], ctx.coverage[rows["coverage"]], ctx.issues[rows["issues"]]


def _stretch_labels(ctx: _Context, coverage: _Table) -> dict:
    """Each of a leader's stretches named beside its line: ``乙街 至 丙街 · 200 米`` and the stretch drawn."""
    if coverage.empty:
        return {"texts": [], "geom": pack([])}
    w = ctx.words
    texts = [
        f"{road}{w['whole_road'] if kind == 'road' else w['p.colon'] + ends}{w['p.comma']}{metres:,.0f} {w['metres']}"
        for road, kind, ends, metres in zip(coverage["road"], coverage["kind"], coverage["ends"], coverage["metres"])
    ]
    return {"texts": texts, "geom": pack(coverage.geometry)}


def _named_alone(table: _Table, who: str, columns: tuple[str, ...]) -> _Table:
    """`table` with its leaders' columns saying only `who` (a share pack names no one else)."""
    own = {c: np.full(len(table), who, dtype=object) for c in columns if c in table.columns}
    return _Table(table.geometry, {**table.columns, **own})


def render_leader_map(ctx: _Context, leader_id: str, path: Path, others_named: bool = True) -> MapFile:
    """One leader's roads, sections, communities and issues over a faint district; their open issues listed.

    With `others_named` false (the share pack, `geo.share`), the leaders of the leader's own
    communities and issues are given as this leader alone: the file names no one else.
    """
    w = ctx.words
    leader = ctx.leaders.loc[leader_id]
    communities, coverage, issues = _leader_items(ctx, leader_id)
    if not others_named:
        alone = pd.Series([(leader_id,)])
        who, name = _who(alone, ctx.leaders, w).iloc[0], _names(alone, ctx.leaders).iloc[0]
        communities = _named_alone(communities, who, ("leaders",))
        communities = _named_alone(communities, name, ("names",))
        issues = _named_alone(issues, who, ("who",))
    focus = _bounds(communities, coverage, issues)
    bounds = focus or _bounds(ctx.boundary, ctx.communities)
    title = f"{leader['name']}{w['p.open']}{leader['title']}{w['p.close']}" if leader["title"] else str(leader["name"])
    # Orientation around the leader's area only: a leader's file stays small in a large district.
    x0, y0, x1, y1 = bounds if bounds is not None else (0.0, 0.0, 0.0, 0.0)
    pad = max(0.01, 0.5 * max(x1 - x0, y1 - y0))  # degrees; 0.01° is about 1 km
    window = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    around = ctx.communities.within(*window)
    roads = ctx.roads.within(*window)
    layers = _boundary_layer(ctx) + [
        _Layer(w["layer.all_communities"], around, FAINT, interactive=False, group="communities"),
        *_road_layers(ctx, roads, coverage, mine=True),
        _community_layer(ctx, communities, w["layer.my_communities"]),
        *_issue_layers(ctx, issues),
    ]
    # the leader's own roads and the cross streets their sections name are always labelled
    mentioned = {v for column in ("road", "from_", "to_") for v in coverage[column] if v}
    inside = ctx.road_labels.within(*window)
    open_issues = issues[issues["state"] == "open"]
    order = sorted(range(len(open_issues)), key=lambda i: (str(open_issues["due"][i]), str(open_issues["id"][i])))
    reply = _reply_section(ctx, "leader", leader_id, str(leader["name"]), **_leader_reply_lists(ctx, leader_id))
    boxes = [
        render_html("title.html", w=w, title=title, subtitle=_title(ctx), stats=None),
        render_html(
            "leader_panel.html",
            w=w,
            level=w.get(f"level.{leader['level']}", leader["level"]),
            unit=leader["unit"],
            issues_total=len(issues),
            roads=[
                {"road": road, "whole": kind == "road", "ends": ends, "metres": f"{metres:,.0f}"}
                for road, kind, ends, metres in zip(
                    coverage["road"], coverage["kind"], coverage["ends"], coverage["length_m"]
                )
            ],
            communities=[{"name": n, "tier": t} for n, t in zip(communities["name"], communities["tier_word"])],
            open_issues=[
                {
                    "id": open_issues["id"][i],
                    "category": open_issues["category"][i],
                    "due": open_issues["due"][i],
                    "overdue": open_issues["overdue"][i],
                }
                for i in order
            ],
            reply=reply is not None,
        ),
        _legend_box(ctx, layers),
    ]
    return _write(
        ctx,
        path,
        f"{title} · {w['leader_map']}",
        layers,
        boxes,
        bounds=bounds,
        focus=focus,
        road_labels=_road_label_rows(inside, always=sorted(mentioned)),
        community_labels=_community_labels(communities, priority=3) + _community_labels(around, priority=0),
        stretch_labels=_stretch_labels(ctx, coverage),
        reply=reply,
    )


def render_inspectors_map(ctx: _Context, group_id: str, path: Path) -> MapFile:
    """An inspection group's map: the whole district as the overview draws it, and the reports it can verify.

    With the project's secret the group can pin problems anywhere (上报问题) and confirm (核实) or send back
    (退回) each item or issue a leader reported done (``reply.js``).
    """
    w = ctx.words
    group = ctx.inspectors.loc[group_id]
    name = str(group["name"]) or group_id
    general = ctx.communities[ctx.communities["tier"] == "general"]
    top = ctx.communities[ctx.communities["tier"] != "general"]
    layers = _boundary_layer(ctx) + [
        _community_layer(ctx, general, w["layer.general"]),
        _community_layer(ctx, top, w["layer.top"]),
    ]
    layers += _road_layers(ctx, ctx.roads, ctx.coverage)
    layers += _issue_layers(ctx, ctx.issues)
    checks = _reports_to_check(ctx)
    reply = _reply_section(ctx, "inspectors", group_id, name, checks=checks)
    boxes = [
        render_html("title.html", w=w, title=name, subtitle=f"{_title(ctx)} · {w['inspectors_map']}", stats=None),
        render_html("inspectors_panel.html", w=w, checks=checks, reply=reply is not None),
        _legend_box(ctx, layers),
    ]
    return _write(
        ctx,
        path,
        f"{name} · {w['inspectors_map']}",
        layers,
        boxes,
        bounds=_bounds(ctx.boundary, ctx.communities),
        road_labels=_road_label_rows(ctx.road_labels),
        community_labels=_community_labels(ctx.communities),
        reply=reply,
    )


def render_gap_map(ctx: _Context, path: Path) -> MapFile:
    """Every gap over the district, each with a popup saying what is missing and who is adjacent."""
    w = ctx.words
    layers = _boundary_layer(ctx) + [_community_layer(ctx, ctx.communities, w["layer.communities"], highlight=False)]
    layers += _road_layers(ctx, ctx.roads, ctx.coverage)
    layers += _gap_layers(ctx, ctx.gaps)
    boxes = [
        render_html(
            "title.html",
            w=w,
            title=f"{_title(ctx)} · {w['gap_map']}",
            subtitle=w["gaps.total"].format(n=len(ctx.gaps)),
            stats=None,
        ),
        render_html(
            "gap_panel.html",
            w=w,
            rows=[(ctx.gap_label(c.kind), int((ctx.gaps["kind"] == c.kind).sum())) for c in CHECKS],
        ),
        _legend_box(ctx, layers),
    ]
    return _write(
        ctx,
        path,
        f"{_title(ctx)} · {w['gap_map']}",
        layers,
        boxes,
        bounds=_bounds(ctx.boundary, ctx.communities),
        road_labels=_road_label_rows(ctx.road_labels),
        community_labels=_community_labels(ctx.communities),
    )


CHANGE_STYLES = {
    "items_completed": {"fillColor": "#27ae60", "color": "#145a32", "weight": 1.5, "fillOpacity": 0.55},
    "items_newly_overdue": {"fillColor": "#c0392b", "color": "#641e16", "weight": 2, "fillOpacity": 0.55},
    "issues_new": {"radius": 6, "color": "#333", "weight": 1, "fillOpacity": 0.9, "fillColor": "#e67e22"},
    "issues_resolved": {"radius": 5, "color": "#333", "weight": 1, "fillOpacity": 0.9, "fillColor": "#27ae60"},
    "gaps_opened": {"color": GAP_COLOR, "weight": 5, "fillColor": GAP_COLOR, "fillOpacity": 0.5, "radius": 7},
    "gaps_closed": {"color": "#7f8c8d", "weight": 4, "dashArray": "6 4", "fillOpacity": 0.15, "radius": 6},
}


def render_change_map(ctx: _Context, path: Path, changes) -> MapFile:
    """What changed since the last snapshot (`geo.history.Changes`) over the faint district, dates in the title.

    Communities where items were completed (green) or became overdue (red); issues new (orange) and
    resolved (green); gaps opened (drawn where they are) and closed (their road or community, grey).
    """
    from .history import gap_key

    w = ctx.words
    by_what: dict[str, list] = {}
    for event in changes.events:
        by_what.setdefault(event["what"], []).append(event)
    communities = ctx.communities

    def of_communities(what: str) -> _Table:
        ids = {e["community"] for e in by_what.get(what, ()) if e["community"]}
        return communities[np.isin(communities["id"], list(ids))]

    def of_issues(what: str) -> _Table:
        ids = {e["ref"] for e in by_what.get(what, ())}
        return ctx.issues[np.isin(ctx.issues["id"], list(ids))]

    opened = {e["ref"] for e in by_what.get("gaps_opened", ())}
    keys = [
        gap_key(k, t, a, b)
        for k, t, a, b in zip(ctx.gaps["kind"], ctx.gaps["target"], ctx.gaps["start_m"], ctx.gaps["end_m"])
    ]
    opened_gaps = ctx.gaps[np.array([k in opened for k in keys], dtype=bool)]
    closed_targets = {e["ref"].split("\x1f")[1] for e in by_what.get("gaps_closed", ())}
    closed_areas = communities[np.isin(communities["id"], list(closed_targets))]
    closed_roads = ctx.roads[np.isin(ctx.roads["name"], list(closed_targets))]

    def layer(what: str, frame: _Table, props=(), tip=None, cluster=False) -> _Layer:
        name = _count(ctx, w[f"change.{what}"], len(frame))  # what the layer draws
        style = CHANGE_STYLES[what]
        return _Layer(
            name,
            frame,
            style,
            props,
            tip=tip,
            popup=tip,
            search=("name",) if "name" in props else ("id",) if "id" in props else (),
            cluster=cluster,
            legend=[(_swatch_area(style) if "fillColor" in style else _swatch_line(style), w[f"change.{what}"])],
            group="issues" if what.startswith("issues") else "gaps" if what.startswith("gaps") else "communities",
        )

    layers = _boundary_layer(ctx) + [
        _Layer(w["layer.all_communities"], communities, FAINT, interactive=False, group="communities")
    ]
    layers += [
        layer("items_completed", of_communities("items_completed"), COMMUNITY_PROPS, "community"),
        layer("items_newly_overdue", of_communities("items_newly_overdue"), COMMUNITY_PROPS, "community"),
        layer("gaps_closed", closed_areas, COMMUNITY_PROPS, "community"),
        layer("gaps_closed", closed_roads, ("name",), "road"),
        layer("gaps_opened", opened_gaps, GAP_PROPS, "gap"),
        layer("issues_new", of_issues("issues_new"), ISSUE_PROPS, "issue", cluster=True),
        layer("issues_resolved", of_issues("issues_resolved"), ISSUE_PROPS, "issue", cluster=True),
    ]
    since, as_of = changes.summary["since"], changes.summary["as_of"]
    title = f"{_title(ctx)} · {w['change_map']}"
    stats = [(w[f"change.count.{what}"], changes.summary[what]) for what in CHANGE_STYLES]  # each change once
    boxes = [
        render_html(
            "title.html", w=w, title=title, subtitle=w["change.between"].format(since=since, as_of=as_of), stats=stats
        ),
        _legend_box(ctx, layers),
    ]
    return _write(
        ctx,
        path,
        title,
        layers,
        boxes,
        bounds=_bounds(ctx.boundary, ctx.communities),
        road_labels=_road_label_rows(ctx.road_labels),
        community_labels=_community_labels(ctx.communities),
    )


def render_index(
    ctx: _Context,
    path: Path,
    counts: Summary,
    leader_files: dict[str, str],
    inspector_files: dict[str, str] | None = None,
) -> Path:
    """A plain, phone-readable page: the district's figures, every map and report, a table of leaders.

    `inspector_files` (group id -> file name under ``inspectors/``) adds a link to each inspection group's map.
    """
    w = ctx.words
    tiers = counts["communities"]["by_tier"]
    roads, issues = counts["roads"], counts["issues"]
    figures = [
        (
            w["stats.communities"],
            f"{counts['communities']['total']}{w['p.open']}{w['demonstration_short']} "
            f"{tiers['demonstration']}{w['p.list']}{w['key_short']} {tiers['key']}{w['p.list']}"
            f"{w['general_short']} {tiers['general']}{w['p.close']}",
        ),
        (w["index.city_roads"], roads["city_leader_roads"]),
        (w["index.sections"], roads["district_sections"]),
        (w["stats.coverage"], "—" if roads["coverage_pct"] is None else f"{roads['coverage_pct']:.1f}%"),
        (w["index.leaders"], counts["leaders"]["total"]),
        (
            w["index.issues"],
            f"{issues['total']}{w['p.open']}{w['stats.open']} {issues['by_state'].get('open', 0)}{w['p.comma']}"
            f"{w['stats.overdue']} {issues['overdue']}{w['p.close']}",
        ),
    ]
    roll = ctx.analysis.leaders.set_index("id")
    groups = []
    for level in ("city", "district", "street", "department"):
        mine = ctx.leaders[ctx.leaders["level"] == level]
        if not mine.empty:
            groups.append(
                {
                    "title": w[f"level.{level}"],
                    "rows": [
                        {
                            "file": leader_files[r.id],
                            "name": r.name,
                            "title": r.title,
                            "km": f"{roll.at[r.id, 'road_km']:.2f}",
                            "communities": len(roll.at[r.id, "communities"]),
                            "open": roll.at[r.id, "issues_open"],
                            "overdue": roll.at[r.id, "issues_overdue"],
                        }
                        for r in mine.itertuples()
                    ],
                }
            )
    page = render_html(
        "index.html",
        w=w,
        lang=html_lang(ctx.options.lang),
        title=_title(ctx),
        as_of=counts["as_of"],
        figures=figures,
        gaps_total=counts["gaps"]["total"],
        gaps=[(ctx.gap_label(k), n) for k, n in counts["gaps"]["by_kind"].items()],
        groups=groups,
        inspectors=[
            {"file": file, "name": str(ctx.inspectors.at[group_id, "name"]) or group_id}
            for group_id, file in (inspector_files or {}).items()
        ],
        head=[w[f"index.col.{c}"] for c in ("name", "title", "km", "communities", "open", "overdue")],
        changes=("changes" in counts),
        reports=[
            *(["changes.csv"] if "changes" in counts else []),  # since the last snapshot (geo.history)
            "gaps.csv",
            "roads.csv",
            "sections.csv",
            "leaders.csv",
            "communities.csv",
            "issues.csv",
            "ledger.csv",
            "responsibility.gpkg",
            "summary.json",
        ],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path

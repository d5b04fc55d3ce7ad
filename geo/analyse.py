"""Find responsibility gaps: stretches, areas and points that no one answers for.

The checks follow the contract ("Meaning of the checks"):

``section_gap`` (路段空白)
    A stretch of a road that has a road or section assignment, covered by
    no leader, at least ``min_gap_m`` long.
``section_overlap`` (路段重叠)
    A stretch covered by two leaders of the same level (a city leader's
    whole road under a district leader's section is by design, not overlap).
``unmanaged_stretch`` (无人管路段)
    Road length, named or not, covered by no road or section assignment and
    lying in no community that has a leader.
``territory_gap`` / ``territory_overlap`` (辖区空白 / 辖区重叠)
    Area inside the boundary in no community / in two communities, at least
    ``min_area_m2``; smaller pieces are counted as slivers.
``community_no_leader`` (社区无责任人)
    A community that no assignment names.
``no_district_leader`` (示范/重点社区无区领导包保)
    A demonstration or key community none of whose leaders is district-level.
``community_no_status`` (社区未报送整改进度)
    A community with no row in ``status`` (checked only when the project has
    a status layer with at least one row).
``orphan_issue`` (问题点无责任人)
    An issue point for which neither a community nor a road within
    ``issue_road_m`` gives a responsible leader.

Overdue (逾期) is not a gap but a date check against the as-of date: an open
issue, or a status item not done, whose due date has passed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from . import intervals
from .checks import CHECKS, check_of
from .config import Tolerances
from .errors import UnknownLeaderError
from .messages import msg, seq
from .model import Gap, require_columns
from .replies import KeptReplies, Outcome, item_key, settle
from .resolve import Resolved
from .shapes import keep_dimension

__all__ = ["Analysis", "analyse", "gap_frame"]

log = logging.getLogger(__name__)

# The columns of `Analysis.roads` (roads.csv): per named road, route and ground lengths, who holds it.
ROAD_COLUMNS = [
    "road",
    "length_m",
    "extent_m",
    "covered_m",
    "gap_m",
    "overlap_m",
    "pieces_m",
    "branch_m",
    "parts",
    "leaders",
    "unmanaged_m",
]

# The columns of `Analysis.gaps`: facts only (`geo.words` words them).
GAP_COLUMNS = ["kind", "target", "name", "leaders", "owners", "length_m", "area_m2", "start_m", "end_m"]


@dataclass
class Analysis:
    """Everything the reports and maps show, in the metric CRS.

    Attributes
    ----------
    gaps
        One row per gap (columns `GAP_COLUMNS`, geometry where it is), in
        `geo.checks.CHECKS` order; row *i* is `gap_records` [*i*]. ``leaders``
        and ``owners`` are tuples of ids, as in every frame here; the reports
        join them with ``;``.
    gap_records
        The same gaps as `geo.model.Gap` records, for wording (`geo.words`).
    roads
        One row per named road: ``road``, ``length_m`` (route), ``extent_m``
        (the axis chainage runs along, 0 to ``extent_m``: the route plus any
        gap in the data it bridges), ``covered_m``, ``gap_m``, ``overlap_m``,
        ``unmanaged_m``, ``pieces_m``, ``branch_m``, ``parts``, ``leaders``
        (tuple of the ids holding any of it).
    community_leaders
        Community id -> sorted leader ids (community assignments).
    issues
        The issue points with ``community``, ``road``, ``chainage_m``,
        ``leaders`` (tuple of ids), ``orphan`` and ``overdue``.
    slivers
        ``{"count": n, "area_m2": a}`` of territory gaps and overlaps below
        ``min_area_m2``.
    communities
        Per community: ``leaders``, ``district_leader``, ``road_leaders``
        (leaders of roads crossing it), ``status_items``, ``status_done``,
        ``status_overdue``, ``issues_open``, ``issues_overdue``.
    leaders
        Per leader: ``roads``, ``sections``, ``road_km`` (route length held),
        ``overlap_m`` (held with another leader of the same level),
        ``communities``, ``issues``, ``issues_open``, ``issues_overdue``.
    status
        The status rows with ``overdue``.
    as_of
        The date overdue was judged against.
    parts_removed
        Gap kind -> number of geometry parts of another dimension taken out
        of its gaps (the line along which two overlapping communities also
        share an edge); the figures never counted them.
    """

    def __repr__(self) -> str:
        kinds = self.gaps["kind"].value_counts().to_dict() if len(self.gaps) else {}
        gaps = ", ".join(f"{kind} {n}" for kind, n in kinds.items()) or "none"
        return (
            f"Analysis(as_of={self.as_of.isoformat()}, communities={len(self.communities)}, "
            f"roads={len(self.roads)}, leaders={len(self.leaders)}, issues={len(self.issues)}, gaps: {gaps})"
        )

    def frames(self, lang: str = "zh", crs: CRS | str | int = 4326) -> dict[str, gpd.GeoDataFrame]:
        """Every joined layer as a GeoDataFrame in `crs` (WGS84 unless asked), the metric figures as columns.

        ``communities`` (with ``leaders``, ``district_leader``, ``status_items`` … as in
        communities.csv), ``roads`` (the pieces), ``responsibility`` (each road or section
        assignment as placed: ``leader``, ``start_m``, ``end_m``, ``length_m`` …), ``gaps``
        (``kind``, ``length_m`` or ``area_m2``, a ``description`` in `lang` …), ``issues``
        (with ``community``, ``road``, ``chainage_m``, ``leaders``, ``orphan``, ``overdue``)
        and ``boundary`` when there is one: what responsibility.gpkg holds.
        """
        from .report import joined_layers

        return {name: frame.to_crs(crs) for name, frame in joined_layers(self, lang).items()}

    resolved: Resolved
    tolerances: Tolerances
    gaps: gpd.GeoDataFrame
    roads: pd.DataFrame
    community_leaders: dict[str, tuple[str, ...]]
    issues: gpd.GeoDataFrame
    slivers: dict[str, float]
    communities: pd.DataFrame
    leaders: pd.DataFrame
    status: pd.DataFrame
    as_of: date
    parts_removed: dict[str, int] = field(default_factory=dict)
    gap_records: list[Gap] = field(default_factory=list)
    # Replies from the field (`geo.replies`): what became of each kept entry, and the photos they carry
    # (SHA-256 hex -> image bytes).
    reply_outcomes: list[Outcome] = field(default_factory=list, repr=False)
    photos: dict[str, bytes] = field(default_factory=dict, repr=False)

    def leader_ids(self, wanted: Iterable[str]) -> list[str]:
        """The ids of the leaders asked for by id or by name (``--leader``), in the order asked, each once.

        Raises
        ------
        UnknownLeaderError
            For a value that is neither an id nor a name, or a name several leaders share.
        """
        leaders = self.resolved.project.leaders
        ids = [str(i) for i in leaders["id"]]
        names = leaders["name"].astype(str).tolist()
        found = []
        for value in wanted:
            if value in ids:
                found.append(value)
                continue
            same = [i for i, n in zip(ids, names) if n == value]
            if not same:
                raise UnknownLeaderError(msg("leaders.unknown", leader=value))
            if len(same) > 1:
                raise UnknownLeaderError(msg("leaders.ambiguous", leader=value, count=len(same), ids=seq(same)))
            found.append(same[0])
        return list(dict.fromkeys(found))

    def __post_init__(self) -> None:
        # The contract with the reports and the maps, checked where the analysis hands over.
        require_columns(self.gaps, [*GAP_COLUMNS, "geometry"], "Analysis.gaps")
        require_columns(self.roads, ROAD_COLUMNS, "Analysis.roads")
        require_columns(
            self.issues,
            ["id", "state", "community", "road", "chainage_m", "leaders", "orphan", "overdue"],
            "Analysis.issues",
        )
        require_columns(
            self.communities,
            [
                "id",
                "name",
                "tier",
                "street",
                "leaders",
                "district_leader",
                "road_leaders",
                "status_items",
                "status_done",
                "status_overdue",
                "issues_open",
                "issues_overdue",
            ],
            "Analysis.communities",
        )
        require_columns(
            self.leaders,
            [
                "id",
                "name",
                "title",
                "level",
                "roads",
                "sections",
                "road_km",
                "overlap_m",
                "communities",
                "issues",
                "issues_open",
                "issues_overdue",
            ],
            "Analysis.leaders",
        )


def gap_frame(gaps: list[Gap], crs: CRS) -> gpd.GeoDataFrame:
    """The gaps as a frame of facts (`GAP_COLUMNS`), one row per record, in the given order."""
    rows = [
        {
            "kind": g.kind,
            "target": g.target,
            "name": g.name,
            "leaders": tuple(g.leaders),
            "owners": tuple(g.owners),
            "length_m": np.nan if g.length_m is None else g.length_m,
            "area_m2": np.nan if g.area_m2 is None else g.area_m2,
            "start_m": np.nan if g.start_m is None else g.start_m,
            "end_m": np.nan if g.end_m is None else g.end_m,
            "geometry": g.geometry,
        }
        for g in gaps
    ]
    return gpd.GeoDataFrame(rows, columns=GAP_COLUMNS + ["geometry"], geometry="geometry", crs=crs)


def _street_at(resolved: Resolved, road: str, chainage: float, tol: Tolerances) -> str:
    """The cross street meeting `road` nearest `chainage` (within ``crossing_cluster_m``), or ''."""
    axes = resolved.road_axes
    point = resolved.axes[road].axis.interpolate(chainage)
    near = axes.iloc[axes.sindex.query(point, predicate="dwithin", distance=tol.crossing_cluster_m)]
    near = near[near.index != road]
    if near.empty:
        return ""
    distances = shapely.distance(near.geometry.values, point)
    nearest = distances <= distances.min() + NEAREST_TIE_M
    if nearest.sum() == 1:
        return str(near.index[int(np.argmin(distances))])
    # Several roads meet here. One that carries straight on from this road (the same street under a
    # new name past a junction) is not a cross street: take the one meeting the road most squarely.
    along = _direction(resolved.axes[road].axis, chainage)
    candidates = near[nearest]
    squareness = [abs(_cross(along, _direction(axis, axis.project(point)))) for axis in candidates["axis"]]
    return str(candidates.index[int(np.argmax(squareness))])


NEAREST_TIE_M = 1.0  # roads this much farther than the nearest from a gap's end are as near as it
DIRECTION_SPAN_M = 5.0  # a road's direction at a point: over this many metres either side


def _cross(u: np.ndarray, v: np.ndarray) -> float:
    """The sine of the angle between two unit vectors (their 2-D cross product)."""
    return float(u[0] * v[1] - u[1] * v[0])


def _direction(line: shapely.LineString, at: float) -> np.ndarray:
    """The unit direction of `line` at distance `at` along it (over `DIRECTION_SPAN_M` either side)."""
    a = line.interpolate(max(at - DIRECTION_SPAN_M, 0.0))
    b = line.interpolate(min(at + DIRECTION_SPAN_M, line.length))
    v = np.array([b.x - a.x, b.y - a.y])
    norm = float(np.hypot(*v))
    return v / norm if norm else v


def _where_present(start: float, end: float, present: list[tuple[float, float]]) -> tuple[float, float]:
    """A stretch of chainage narrowed to where the road is: from its first metre present to its last.

    Two sections placed on the road as drawn may overlap beyond the district
    (`geo.resolve`); the overlap reported is the part the district counts.
    """
    met = [(max(lo, start), min(hi, end)) for lo, hi in present if min(hi, end) > max(lo, start)]
    return (met[0][0], met[-1][1]) if met else (start, end)


def _road_coverage(resolved: Resolved, tol: Tolerances) -> tuple[list[Gap], pd.DataFrame]:
    gaps, rows = [], []
    coverage = resolved.coverage
    # each road's assignments as plain arrays, in the assignments' order (one sort, no frame per road)
    order = np.argsort(coverage["road"].to_numpy(dtype=object), kind="stable")
    road_of = coverage["road"].to_numpy(dtype=object)[order]
    starts_all = coverage["start_m"].to_numpy(dtype=float)[order]
    ends_all = coverage["end_m"].to_numpy(dtype=float)[order]
    leaders_all = coverage["leader"].to_numpy(dtype=object)[order]
    levels_all = coverage["level"].to_numpy(dtype=object)[order]
    firsts = np.flatnonzero(np.r_[True, road_of[1:] != road_of[:-1]]) if len(road_of) else np.array([], dtype=int)
    lasts = np.r_[firsts[1:], len(road_of)]
    by_road = {road_of[a]: slice(a, b) for a, b in zip(firsts, lasts)}
    for road, entity in resolved.axes.items():
        mine = by_road.get(road, slice(0, 0))
        starts, ends, leaders, levels = starts_all[mine], ends_all[mine], leaders_all[mine], levels_all[mine]
        total = entity.length_m
        spans = list(zip(starts.tolist(), ends.tolist()))
        covered = intervals.intersect_length(spans, entity.present)
        open_spans = [
            g for lo, hi in entity.present for g in intervals.complement(spans, lo, hi) if g[1] - g[0] >= tol.min_gap_m
        ]
        overlap_m = 0.0
        for level in sorted(set(levels)):  # overlaps within one level (a city leader's road under a section is not one)
            same = levels == level
            for start, end, who in intervals.overlaps(zip(starts[same], ends[same], leaders[same])):
                length = intervals.intersect_length([(start, end)], entity.present)
                overlap_m += length
                if length < tol.min_gap_m:
                    continue
                start, end = _where_present(start, end, entity.present)
                gaps.append(
                    Gap(
                        "section_overlap",
                        road,
                        road,
                        entity.stretch(start, end),
                        leaders=tuple(sorted(who)),
                        length_m=length,
                        start_m=start,
                        end_m=end,
                    )
                )
        gap_m = 0.0
        if len(starts):
            for start, end in open_spans:
                gap_m += end - start
                owners = sorted(set(leaders[np.isclose(ends, start)]) | set(leaders[np.isclose(starts, end)]))
                ends_named = (_street_at(resolved, road, start, tol), _street_at(resolved, road, end, tol))
                gaps.append(
                    Gap(
                        "section_gap",
                        road,
                        road,
                        entity.stretch(start, end),
                        owners=tuple(owners),
                        length_m=end - start,
                        start_m=start,
                        end_m=end,
                        ends=ends_named,
                    )
                )
        rows.append(
            {
                "road": road,
                "length_m": total,
                "extent_m": entity.extent_m,
                "covered_m": covered,
                "gap_m": gap_m,
                "overlap_m": overlap_m,
                "pieces_m": entity.pieces_m,
                "branch_m": entity.branch_m,
                "parts": len(entity.parts),
                "leaders": tuple(sorted(set(leaders))),
            }
        )
    return gaps, pd.DataFrame(rows, columns=ROAD_COLUMNS[:-1])


def _unmanaged(
    resolved: Resolved,
    tol: Tolerances,
    led_area: shapely.Geometry | None,
    section_gaps: list[Gap],
    led: np.ndarray | None = None,
) -> tuple[list[Gap], dict[str, float]]:
    """Road length under no road/section leader and in no led community."""
    assigned = set(resolved.coverage["road"])
    pieces = resolved.roads[~resolved.roads["name"].isin(assigned)]
    outside = np.asarray(pieces.geometry.values, dtype=object)
    if led_area is not None:
        # Cut each piece by the led communities, but only those that reach out of them: a piece
        # wholly inside one (most of them) has nothing left, found by the communities' tree, not an overlay.
        if led is not None and len(led):  # within one led community: the communities' tree, small polygons
            pieces_in, _ = shapely.STRtree(led).query(outside, predicate="within")
            inside = np.zeros(len(outside), dtype=bool)
            inside[pieces_in] = True
        else:
            shapely.prepare(led_area)
            inside = shapely.within(outside, led_area)
        outside = outside.copy()
        outside[inside] = shapely.LineString()
        outside[~inside] = shapely.difference(outside[~inside], led_area)
    frame = gpd.GeoDataFrame(
        {
            "name": pieces["name"].to_numpy(),
            "key": np.where(
                pieces["name"] != "",
                pieces["name"],
                np.where(pieces["id"] != "", pieces["id"], "#" + pieces["_row"].astype(str)),
            ),
            "_row": pieces["_row"].to_numpy(),
        },
        geometry=outside,
        crs=resolved.crs,
    )
    # Most pieces lie wholly in a led community: nothing of them is left, and a group's union is the
    # same without them. Dropping them first leaves a few groups to union instead of one per piece.
    frame = frame[shapely.length(frame.geometry.values) > 0]
    stretches = [
        (g.name, g.name, shapely.difference(g.geometry, led_area) if led_area is not None else g.geometry)
        for g in section_gaps
    ]
    for key, group in frame.groupby("key", sort=True):
        stretches.append((key, group["name"].iloc[0], shapely.union_all(group.geometry.values)))
    gaps: list[Gap] = []
    by_road: dict[str, float] = {}
    for key, name, geometry in stretches:
        length = geometry.length
        if length < tol.min_gap_m:
            continue
        by_road[name] = by_road.get(name, 0.0) + length
        gaps.append(Gap("unmanaged_stretch", key, name, shapely.line_merge(geometry), length_m=length))
    return gaps, by_road


def _territory(resolved: Resolved, tol: Tolerances) -> tuple[list[Gap], dict[str, float]]:
    communities = resolved.communities
    if communities.empty:
        return [], {"count": 0, "area_m2": 0.0}
    union = shapely.union_all(communities.geometry.values)
    if resolved.boundary is not None and not resolved.boundary.empty:
        territory = shapely.union_all(resolved.boundary.geometry.values)
    else:
        territory = shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(union)])
    gaps, sliver_count, sliver_area = [], 0, 0.0
    holes = [p for p in shapely.get_parts(shapely.difference(territory, union)) if p.area > 0]
    for hole in sorted(holes, key=lambda p: -p.area):
        if hole.area < tol.min_area_m2:
            sliver_count += 1
            sliver_area += hole.area
            continue
        near = communities.iloc[communities.sindex.query(hole, predicate="dwithin", distance=1.0)].sort_values("id")
        gaps.append(
            Gap("territory_gap", ";".join(near["id"]), "", hole, neighbours=tuple(near["name"]), area_m2=hole.area)
        )
    left, right = communities.sindex.query(communities.geometry.values, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.intersection(communities.geometry.values[left], communities.geometry.values[right])
    areas = shapely.area(shared)
    for i, j, geometry, area in zip(left, right, shared, areas):
        if area <= 0:
            continue
        if area < tol.min_area_m2:
            sliver_count += 1
            sliver_area += area
            continue
        a, b = communities.iloc[i], communities.iloc[j]
        gaps.append(
            Gap(
                "territory_overlap",
                f"{a['id']};{b['id']}",
                "",
                geometry,
                neighbours=(a["name"], b["name"]),
                area_m2=area,
            )
        )
    return gaps, {"count": sliver_count, "area_m2": sliver_area}


_K = TypeVar("_K")
_V = TypeVar("_V")


def _tuples_by(
    keys: Iterable[_K], values: Iterable[_V], *, distinct: bool = True, ordered: bool = True
) -> dict[_K, tuple[_V, ...]]:
    """Key -> its values as a tuple: distinct and sorted (``tuple(sorted(set(...)))``), or as they come.

    One sort over all the rows instead of a pandas group per key.
    """
    keys, values = np.asarray(keys, dtype=object), np.asarray(values, dtype=object)
    if len(keys) == 0:
        return {}
    # integer codes in the sort order of the distinct keys and values: the sorting is done on integers
    # (a missing key or value is a value of its own, as it was in a sort: never code -1)
    key_codes = pd.factorize(keys, sort=True, use_na_sentinel=False)[0]
    value_codes = pd.factorize(values, sort=ordered, use_na_sentinel=False)[0]
    # each code's value as it was given (factorize gives None back as NaN, and an int as np.int64)
    key_names = keys[np.unique(key_codes, return_index=True)[1]]
    value_names = values[np.unique(value_codes, return_index=True)[1]]
    if distinct:  # each pair once, where it first comes
        _, first = np.unique(key_codes.astype(np.int64) * len(value_names) + value_codes, return_index=True)
        first.sort()
        key_codes, value_codes = key_codes[first], value_codes[first]
    order = np.lexsort((value_codes, key_codes)) if ordered else np.argsort(key_codes, kind="stable")
    key_codes, value_codes = key_codes[order], value_codes[order]
    starts = np.flatnonzero(np.r_[True, key_codes[1:] != key_codes[:-1]])
    ends = np.r_[starts[1:], len(key_codes)]
    grouped = value_names[value_codes]
    return {key_names[key_codes[a]]: tuple(grouped[a:b]) for a, b in zip(starts, ends)}


def _community_leaders(resolved: Resolved) -> dict[str, tuple[str, ...]]:
    assignments = resolved.project.assignments
    mine = assignments[assignments["kind"] == "community"]
    grouped = _tuples_by(mine["target"], mine["leader"])
    return {cid: grouped.get(cid, ()) for cid in resolved.communities["id"]}


def _street_leaders(resolved: Resolved, community_leaders: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Street -> ids of the street-level leaders of its other communities (suggested owners)."""
    leaders = resolved.project.leaders
    street_level = set(leaders.loc[leaders["level"] == "street", "id"])
    pairs = [
        (street, lid)
        for street, cid in zip(resolved.communities["street"], resolved.communities["id"])
        if street
        for lid in community_leaders.get(cid, ())
        if lid in street_level
    ]
    return _tuples_by([street for street, _ in pairs], [lid for _, lid in pairs])


def _issues(
    resolved: Resolved, tol: Tolerances, community_leaders: dict[str, tuple[str, ...]], as_of: date
) -> gpd.GeoDataFrame:
    """Give each issue its community, nearest road, chainage, leaders and overdue flag (vectorised joins)."""
    issues = resolved.issues.copy()
    issues["community"] = ""
    issues["road"] = ""
    issues["chainage_m"] = np.nan
    if issues.empty:
        issues["leaders"] = pd.Series(dtype=object)
        issues["orphan"] = pd.Series(dtype=bool)
        issues["overdue"] = pd.Series(dtype=bool)
        return issues
    # Rule for points on a shared edge: the community whose id sorts first.
    inside = gpd.sjoin(issues[["geometry"]], resolved.communities[["id", "geometry"]], predicate="intersects")
    first = inside.reset_index().sort_values(["index", "id"]).drop_duplicates("index").set_index("index")["id"]
    issues.loc[first.index, "community"] = first
    # The nearest *named* road within reach, even when an unnamed piece (a footway beside the road)
    # is nearer: only a named road can carry a leader, so an issue near unnamed pieces only has none.
    pieces = resolved.roads[["name", "geometry"]]
    named = pieces[pieces["name"] != ""]
    if not named.empty:
        reach = max(tol.issue_road_m, 1e-9)  # 0 means "exactly on the road"
        # every named piece within reach, then the nearest (ties: the name that sorts first); the
        # same answer as sjoin_nearest with max_distance, in one bulk STRtree query
        points, lines = issues.geometry.values, named.geometry.values
        at, to = shapely.STRtree(lines).query(points, predicate="dwithin", distance=reach)
        near = pd.DataFrame(
            {
                "issue": issues.index.to_numpy()[at],
                "distance_m": shapely.distance(points[at], lines[to]),
                "name": named["name"].to_numpy()[to],
            }
        )
        near = near.sort_values(["issue", "distance_m", "name"]).drop_duplicates("issue").set_index("issue")
        issues.loc[near.index, "road"] = near["name"]
    named = issues["road"] != ""
    if named.any():
        axes = resolved.road_axes.loc[issues.loc[named, "road"], "axis"].values
        issues.loc[named, "chainage_m"] = shapely.line_locate_point(axes, issues.loc[named].geometry.values)
    # Road leaders at each issue's chainage: one join on the road, then an interval filter.
    coverage = resolved.coverage[["road", "start_m", "end_m", "leader"]]
    spots = pd.DataFrame({"issue": issues.index, "road": issues["road"], "chainage_m": issues["chainage_m"]})
    on = spots[spots["road"] != ""].merge(coverage, on="road")
    on = on[(on["start_m"] <= on["chainage_m"] + 1e-6) & (on["end_m"] >= on["chainage_m"] - 1e-6)]
    # every issue's leaders: its community's and the road's at its chainage, distinct and sorted
    community = issues["community"].to_numpy(dtype=object)
    held = [(i, lid) for i, cid in zip(issues.index, community) for lid in community_leaders.get(cid, ())]
    ids = [i for i, _ in held] + on["issue"].tolist()
    who = [lid for _, lid in held] + on["leader"].tolist()
    leaders = _tuples_by(ids, who)
    issues["leaders"] = [leaders.get(i, ()) for i in issues.index]
    issues["orphan"] = issues["leaders"].map(len) == 0
    issues["overdue"] = (issues["state"] == "open").to_numpy(dtype=bool) & _past(issues["due"], as_of)
    return issues


def _as_counts(column: pd.Series) -> pd.Series:
    """A joined count column as integers, 0 where nothing joined."""
    return pd.to_numeric(column, errors="coerce").fillna(0).astype(int)


def _past(dates: pd.Series, as_of: date) -> np.ndarray:
    """True where a date is given and lies before `as_of`."""
    return np.array([isinstance(d, date) and d < as_of for d in dates], dtype=bool)


def _status_overdue(status: pd.DataFrame, as_of: date) -> pd.DataFrame:
    status = status.copy()
    status["overdue"] = (status["state"] != "done").to_numpy(dtype=bool) & _past(status["due"], as_of)
    return status


def _status_holders(resolved: Resolved, community_leaders: dict[str, tuple[str, ...]]) -> pd.Series:
    """Each status row's leaders: a community item's community leaders, a road item's road and section leaders."""
    status, coverage = resolved.project.status, resolved.coverage
    on_road = _tuples_by(coverage["road"], coverage["leader"]) if len(coverage) else {}
    return pd.Series(
        [
            (community_leaders if kind == "community" else on_road).get(target, ())
            for kind, target in zip(status["kind"], status["target"])
        ],
        index=status.index,
        dtype=object,
    )


def _with_replies(
    resolved: Resolved,
    community_leaders: dict[str, tuple[str, ...]],
    status: pd.DataFrame,
    issues: gpd.GeoDataFrame,
    replies: KeptReplies | None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, list[Outcome]]:
    """The marks of the kept replies applied on top of the office's status and issues (`geo.replies.settle`)."""
    status = status.copy()
    status["leaders"] = _status_holders(resolved, community_leaders)
    for column in ("photo", "reply", "pinned_by"):
        if column not in issues:
            issues[column] = ""
    held_items = {
        (lid, item_key(k, t, i))
        for k, t, i, ids in zip(status["kind"], status["target"], status["item"], status["leaders"])
        for lid in ids
    }
    held_issues = {(lid, i) for i, ids in zip(issues["id"], issues["leaders"]) for lid in ids}
    entries = replies.entries if replies is not None else []
    status, issues, outcomes = settle(
        status,
        issues,
        [e for e in entries if e.action != "report"],
        lambda person, key: (person, key) in held_items,
        lambda person, issue: (person, issue) in held_issues,
        resolved.project.inspectors["id"],
    )
    return status, issues, outcomes


def _road_leaders_by_community(resolved: Resolved) -> dict[str, tuple[str, ...]]:
    """Community id -> leaders of the road stretches and sections that cross it."""
    coverage, communities = resolved.coverage, resolved.communities
    if coverage.empty or communities.empty:
        return {}
    left, right = coverage.sindex.query(communities.geometry.values, predicate="intersects")
    pairs = pd.DataFrame(
        {"community": communities["id"].to_numpy()[left], "leader": coverage["leader"].to_numpy()[right]}
    )
    return _tuples_by(pairs["community"], pairs["leader"])


def _community_rollup(
    resolved: Resolved, community_leaders: dict[str, tuple[str, ...]], status: pd.DataFrame, issues: gpd.GeoDataFrame
) -> pd.DataFrame:
    project = resolved.project
    levels = project.leaders.set_index("id")["level"]
    road_leaders = _road_leaders_by_community(resolved)
    mine = status[status["kind"] == "community"].assign(done=lambda f: (f["state"] == "done").astype(int))
    items = mine.groupby("target").agg(
        status_items=("item", "size"),
        status_done=("done", "sum"),
        status_overdue=("overdue", "sum"),
    )
    open_issues = (
        issues[issues["state"] == "open"]
        .groupby("community")
        .agg(issues_open=("id", "size"), issues_overdue=("overdue", "sum"))
    )
    table = pd.DataFrame(resolved.communities[["id", "name", "tier", "street"]])
    table["leaders"] = table["id"].map(lambda c: community_leaders.get(c, ()))
    table["district_leader"] = table["leaders"].map(lambda ids: any(levels.get(i) == "district" for i in ids))
    table["road_leaders"] = table["id"].map(lambda c: road_leaders.get(c, ()))
    table = table.join(items, on="id").join(open_issues, on="id")
    for column in ("status_items", "status_done", "status_overdue", "issues_open", "issues_overdue"):
        table[column] = _as_counts(table[column])
    return table.reset_index(drop=True)


def _leader_rollup(
    resolved: Resolved, community_leaders: dict[str, tuple[str, ...]], issues: gpd.GeoDataFrame, gaps: list[Gap]
) -> pd.DataFrame:
    project = resolved.project
    coverage = resolved.coverage
    table = pd.DataFrame(project.leaders[["id", "name", "title", "level", "unit"]]).reset_index(drop=True)
    roads = coverage[coverage["kind"] == "road"]
    whole = _tuples_by(roads["leader"], roads["road"], distinct=False)
    mine = coverage[coverage["kind"] == "section"]
    labels = mine["road"].astype(str) + ":" + mine["from"].astype(str) + "-" + mine["to"].astype(str)
    sections = _tuples_by(mine["leader"], labels, distinct=False, ordered=False)  # in the assignments' order
    road_m = coverage.groupby("leader")["length_m"].sum()
    communities: dict[str, list[str]] = {}
    for cid, ids in community_leaders.items():
        for lid in ids:
            communities.setdefault(lid, []).append(cid)
    exploded = issues[["id", "state", "overdue", "leaders"]].explode("leaders")
    exploded["open"] = (exploded["state"] == "open").astype(int)
    per = exploded.groupby("leaders").agg(
        issues=("id", "size"),
        issues_open=("open", "sum"),
        issues_overdue=("overdue", "sum"),
    )
    table["roads"] = table["id"].map(lambda i: whole.get(i, ()))
    table["sections"] = table["id"].map(lambda i: sections.get(i, ()))
    table["road_km"] = table["id"].map(lambda i: road_m.get(i, 0.0) / 1000.0)
    overlap_m: dict[str, float] = {}
    for gap in gaps:
        if gap.kind == "section_overlap":
            for lid in gap.leaders:
                overlap_m[lid] = overlap_m.get(lid, 0.0) + (gap.length_m or 0.0)
    table["overlap_m"] = table["id"].map(lambda i: overlap_m.get(i, 0.0))
    table["communities"] = table["id"].map(lambda i: tuple(sorted(communities.get(i, ()))))
    table = table.join(per, on="id")
    for column in ("issues", "issues_open", "issues_overdue"):
        table[column] = _as_counts(table[column])
    return table


def analyse(resolved: Resolved, tol: Tolerances, as_of: date, replies: KeptReplies | None = None) -> Analysis:
    """Run every check on a resolved project; see the module doc for the gap kinds.

    Parameters
    ----------
    as_of
        The date overdue is judged against (the caller reads the clock: `Config.as_of`).
    replies
        The project's kept replies (`geo.replies.load_replies`): their marks are applied on top
        of the office's status and issues (`geo.replies.settle`), each entry's outcome kept in
        ``Analysis.reply_outcomes``. The problems they pinned are issues already
        (`geo.replies.with_new_issues`).
    """
    community_leaders = _community_leaders(resolved)
    has_leader = resolved.communities["id"].map(lambda c: bool(community_leaders.get(c))).astype(bool)
    led = resolved.communities[has_leader]
    led_area = shapely.union_all(led.geometry.values) if not led.empty else None
    gaps, roads = _road_coverage(resolved, tol)
    section_gaps = [g for g in gaps if g.kind == "section_gap"]
    unmanaged, unmanaged_by_road = _unmanaged(
        resolved, tol, led_area, section_gaps, None if led.empty else led.geometry.values
    )
    gaps += unmanaged
    roads["unmanaged_m"] = roads["road"].map(unmanaged_by_road).fillna(0.0)
    territory, slivers = _territory(resolved, tol)
    gaps += territory
    street_leaders = _street_leaders(resolved, community_leaders)
    for _, c in resolved.communities[~has_leader].sort_values("id").iterrows():
        gaps.append(
            Gap(
                "community_no_leader",
                c["id"],
                c["name"],
                c.geometry,
                area_m2=c.geometry.area,
                owners=street_leaders.get(c["street"], ()),
            )
        )
    issues = _issues(resolved, tol, community_leaders, as_of)
    status, issues, outcomes = _with_replies(resolved, community_leaders, resolved.project.status, issues, replies)
    status = _status_overdue(status, as_of)
    issues["overdue"] = (issues["state"] == "open").to_numpy(dtype=bool) & _past(issues["due"], as_of)
    communities = _community_rollup(resolved, community_leaders, status, issues)
    levels = resolved.project.leaders.set_index("id")["level"]
    wants_district = (
        communities["tier"].isin(("demonstration", "key"))
        & communities["leaders"].map(bool)
        & ~communities["district_leader"].map(bool)
    )
    for _, c in communities[wants_district.astype(bool)].iterrows():
        gaps.append(
            Gap(
                "no_district_leader",
                c["id"],
                c["name"],
                _geometry_of(resolved, c["id"]),
                leaders=tuple(c["leaders"]),
                facts={"tier": c["tier"], "levels": sorted({levels.get(i, "") for i in c["leaders"]})},
            )
        )
    if len(status):
        for _, c in communities[communities["status_items"] == 0].iterrows():
            gaps.append(
                Gap(
                    "community_no_status",
                    c["id"],
                    c["name"],
                    _geometry_of(resolved, c["id"]),
                    leaders=tuple(c["leaders"]),
                )
            )
    for _, i in issues[issues["orphan"]].sort_values("id").iterrows():
        gaps.append(
            Gap(
                "orphan_issue",
                i["id"],
                i["id"],
                i.geometry,
                facts={"in_community": bool(i["community"]), "category": i["category"], "reach_m": tol.issue_road_m},
            )
        )
    leaders = _leader_rollup(resolved, community_leaders, issues, gaps)
    analysis = Analysis(
        resolved,
        tol,
        gap_frame([], resolved.crs),
        roads,
        community_leaders,
        issues,
        slivers,
        communities,
        leaders,
        status,
        as_of,
        reply_outcomes=outcomes,
        photos=dict(replies.photos) if replies is not None else {},
    )
    for check in CHECKS:  # checks added from outside see everything the built-in ones found
        if check.find is not None:
            gaps += check.find(analysis)
    return _with_gaps(analysis, gaps)


def _with_gaps(analysis: Analysis, gaps: list[Gap]) -> Analysis:
    """Put the gaps in registry order (then by target), each of its kind's dimension, into the analysis."""
    order = {c.kind: n for n, c in enumerate(CHECKS)}
    gaps = sorted(gaps, key=lambda g: (order.get(g.kind, len(order)), g.target))
    kept: list[Gap] = []
    parts_removed: dict[str, int] = {}
    for gap in gaps:
        check = check_of(gap.kind)
        if check is None:
            raise ValueError(f"gap of an unregistered kind {gap.kind!r}")
        (geometry,), removed = keep_dimension([gap.geometry], check.dimension)
        if removed:
            parts_removed[gap.kind] = parts_removed.get(gap.kind, 0) + removed
        kept.append(replace(gap, geometry=geometry))
    analysis.gaps = gap_frame(kept, analysis.resolved.crs)
    analysis.gap_records = kept
    analysis.parts_removed = parts_removed
    return analysis


def _geometry_of(resolved: Resolved, community_id: str) -> shapely.Geometry:
    return resolved.communities.loc[resolved.communities["id"] == community_id].geometry.iloc[0]

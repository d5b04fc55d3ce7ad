"""Resolve responsibility on the ground: roads as entities, sections as stretches.

Chainage (metres along a road) is measured on each road's reference axis
(`geo.roads`): the pieces sharing a name are merged; a road that does not
merge into one line (dual carriageway, branch, gap in the data) still has one
chainage, and sections cover every part of it. Cross streets are found where
they meet any part of the road. Everything here runs in the project's metric
CRS (the UTM zone of its data).

Every section lies within the road: ``0 <= start_m <= end_m <= extent_m``
(the axis's length, which is the route length ``length_m`` unless the axis
bridges a gap in the data). A distance past the road's end by up to half the
road's length is taken as the end, with a warning saying what was used;
further past, it is an error (more likely another road or a slip of units).
A crossing is a point projected onto the axis, so it always lies within it.
A section from a cross street to the same cross street runs between that
street's first and last crossings; a street that crosses only once gives a
section that starts and ends at one place, which is an error.

**Facts, not words.** How each end was placed is a code (`HOW`) with its
numbers (how far off a near crossing was; the chainages): `geo.words` says
them (`section_label`, `how_words`) in the reader's language.

**Ends on the road as drawn, counted inside the district.** The district
cuts road pieces to it (`geo.scope`), but a register names a section's ends
as the streets are: a cross street that meets the road just past the border,
a distance from where the road begins outside. So the ends are placed on the
road as drawn: its axis, its parts and its chainage are those of every piece
sharing its name, including the parts outside (`geo.model.District`), and a
cross street is found on its pieces as drawn, even one wholly outside. Then
only the part of each stretch inside the district counts (`geo.roads.road_inside`:
the road's parts cut to the district, on the same axis): ``length_m`` is
inside, ``outside_m`` outside (a note says so); a section wholly outside is
left out with a warning (counted in the ledger as outside), never an error.
Chainage is thus always that of the road as drawn, in every output.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from shapely.ops import nearest_points

from . import intervals
from .config import Tolerances
from .coords import metric_crs_of
from .errors import Problem
from .messages import Msg, msg, seq
from .model import Project
from .roads import RoadAxis, build_axis, merged_roads, road_inside
from .schema import name_key
from .validate import loose_key

__all__ = ["HOW", "Resolved", "axes_frame", "build_roads", "metric_crs", "resolve_project"]

log = logging.getLogger(__name__)

# Closer than this is touching: a T-junction whose end vertex misses the cross
# street by a rounding error (a coordinate round trip costs about 1e-9 m).
_TOUCH_M = 0.001
_METRES = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|米|km|公里|千米)?$", re.IGNORECASE)
_STAKE = re.compile(r"^K\s*(\d+)\s*\+\s*(\d+(?:\.\d+)?)$", re.IGNORECASE)  # 桩号 K1+200 = 1,200 m
# A distance past the road's end by up to this share of the road's length is taken as the end
# (a register's length differs from the drawn one); further past is an error.
_OVERSHOOT_SHARE = 0.5

# How an end of a road or section was placed (`Resolved.coverage`'s ``how_from`` and ``how_to``):
CROSSING = "crossing"  # where the cross street meets the road (within 1 mm)
NEAR_CROSSING = "near_crossing"  # where it comes closest, within ``snap_m`` (``off_*_m``: how far)
METRES = "metres"  # a distance along the road (250, 250米, 1.2km, K1+200)
WHOLE_ROAD = "whole_road"  # a road assignment: 0 and the road's end
TWO_CROSSINGS = "two_crossings"  # a street to itself: its first and last crossings
HOW = (CROSSING, NEAR_CROSSING, METRES, WHOLE_ROAD, TWO_CROSSINGS)


def parse_distance(value: str) -> float | None:
    """A distance along a road in metres: ``250``, ``250m``, ``250米``, ``1.2km``, ``1.2公里``, ``K1+200``.

    None when the value is not a distance (then it may be a cross street's name).
    """
    text = value.strip()
    stake = _STAKE.match(text)
    if stake:
        return float(stake.group(1)) * 1000.0 + float(stake.group(2))
    match = _METRES.match(text)
    if not match:
        return None
    unit = (match.group(2) or "m").lower()
    return float(match.group(1)) * (1000.0 if unit in ("km", "公里", "千米") else 1.0)


@dataclass
class _End:
    """The candidate chainages for one end of a section; how they were found, or why not."""

    chainages: list[float] = field(default_factory=list)
    how: str = ""  # one of `HOW`
    off_m: float = 0.0  # a near crossing: metres between the road and the cross street
    error: str | Msg = ""
    warning: str | Msg = ""  # a value that was used changed (a distance past the road's end taken as the end)


@dataclass
class Resolved:
    """A project with everything placed in metres.

    Attributes
    ----------
    crs
        The metric CRS used for every length and area.
    communities, roads, issues, boundary
        The project's layers in that CRS (``roads`` are the pieces).
    axes
        Road name -> its `RoadAxis` (parts, the axis chainage runs on, where
        the road is present), for every named road.
    road_axes
        The same as a frame, one row per named road (index: name), for
        spatial queries and tables: ``geometry`` (its parts), ``axis``,
        ``length_m`` (route length where the road is present), ``extent_m``
        (axis length), ``pieces_m`` (ground length of all parts), ``parts``.
    coverage
        One row per road or section assignment that resolved: ``leader``,
        ``level``, ``kind``, ``road``, ``from``, ``to``, ``start_m``,
        ``end_m`` (where the ends were placed on the road as drawn:
        ``0 <= start_m <= end_m <= extent_m``), ``length_m`` (route metres
        present between them inside the district), ``outside_m`` (route
        metres between them outside it), ``how_from`` and ``how_to`` (how
        each end was found: one of `HOW`), ``off_from_m`` and ``off_to_m``
        (metres between the road and the cross street where an end was taken
        as crossing it without meeting it, within ``snap_m``; 0 elsewhere),
        ``_row``; geometry: the stretch of every part of the road inside the
        district between the two chainages. Codes and numbers only:
        `geo.words.section_words` gives the ends and the how in words.

    The axes are the roads as the district counts them: each road's parts
    inside the district, on the axis of the road as drawn (for a road the
    scope did not cut, the road as drawn itself).
    """

    project: Project
    crs: CRS
    communities: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    issues: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame | None
    axes: dict[str, RoadAxis]
    road_axes: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame


def metric_crs(project: Project) -> CRS:
    """The UTM zone that holds the project's communities (or else its roads, or its issues)."""
    return metric_crs_of(project.communities, project.roads, project.issues)


def build_roads(roads_m: gpd.GeoDataFrame) -> dict[str, RoadAxis]:
    """Each named road's `RoadAxis` (see `geo.roads`), by name, in name order.

    Parameters
    ----------
    roads_m
        Road pieces in a metric CRS with a ``name`` column (``""`` for unnamed).
    """
    named = roads_m[roads_m["name"] != ""]
    return _axes_of(*merged_roads(named["name"], named.geometry.values))


def _axes_of(names: list[str], merged: npt.NDArray[np.object_], only: set[str] | None = None) -> dict[str, RoadAxis]:
    """The `RoadAxis` of each road merged (`merged_roads`), by name; only those named in `only` when given."""
    axes = {}
    for name, lines in zip(names, merged):
        if lines is None or lines.is_empty or (only is not None and name not in only):
            continue  # no piece with a line: only in a project built in code (validation leaves none)
        road = build_axis(name, (), merged=lines)
        axes[name] = road
        if len(road.parts) > 1:
            log.debug(
                "road %s has %d parts; axis %.0f m, present %.0f m", name, len(road.parts), road.extent_m, road.length_m
            )
    return axes


def axes_frame(axes: dict[str, RoadAxis], crs: CRS) -> gpd.GeoDataFrame:
    """The roads' axes as a frame indexed by name, see `Resolved.road_axes`."""
    columns = ["name", "geometry", "axis", "length_m", "extent_m", "pieces_m", "parts"]
    rows = [
        {
            "name": name,
            "geometry": road.geometry,
            "axis": road.axis,
            "length_m": road.length_m,
            "extent_m": road.extent_m,
            "pieces_m": road.pieces_m,
            "parts": len(road.parts),
        }
        for name, road in axes.items()
    ]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs, columns=columns)
    return frame.set_index("name", drop=False)


@dataclass
class _Roads:
    """The named roads twice: as drawn (sections are placed on them) and as the district counts them."""

    counted: dict[str, RoadAxis]  # each road in the district: its parts inside, on the axis of the road as drawn
    drawn: dict[str, RoadAxis]  # the same roads as drawn (the same object where the scope cut nothing)
    streets: dict[str, object]  # every road a section may end at, as drawn: name -> its merged lines
    spelled: dict[str, str] = field(default_factory=dict)  # a cross street written otherwise -> its name
    loosely: set[str] = field(default_factory=set)  # those of `spelled` matched by their loose form only


def _as_drawn(project: Project, roads: gpd.GeoDataFrame, crs: CRS) -> _Roads:
    """The roads as drawn and as counted (see the module doc), from the pieces in the district and `District`.

    Where the scope cut nothing (or there is no scope, or the roads changed
    since it ran), the roads in the district are the roads as drawn. Else the
    pieces it cut are taken whole again and the named pieces it left out are
    added back, those of a road in the district and those a section names
    as its end, so a road and its cross streets are merged as drawn; each
    road the scope cut is then counted on its parts inside (`road_inside`).
    A cross street only outside is matched as validation matches one in the
    district: by `name_key` (script, width, case), else by its loose form
    (`loose_key`: spaces, leading zeros; the section then gets a warning).
    """
    named = roads[roads["name"] != ""]
    district = project.district
    if district is None or not district.cut or district.roads is not project.roads.geometry.values:
        names, merged = merged_roads(named["name"], named.geometry.values)
        axes = _axes_of(names, merged)
        return _Roads(axes, axes, {n: lines for n, lines in zip(names, merged) if n in axes})
    area, drawn, beyond = district.area, district.drawn, district.beyond
    if CRS(district.crs) != crs:  # the district's layers chose another zone (not when projected once)
        area = gpd.GeoSeries([area], crs=district.crs).to_crs(crs).iloc[0]
        drawn, beyond = drawn.to_crs(crs), beyond.to_crs(crs)
    inside = set(named["name"])
    sections = project.assignments[project.assignments["kind"] == "section"]
    ends = set(sections["from"]) | set(sections["to"])
    outside = set(beyond["name"]) - inside
    spelled, loosely = {}, set()
    unknown = sorted(v for v in ends - inside - outside if v and parse_distance(v) is None)
    if unknown:
        folded: dict[str, list[str]] = {}
        loose: dict[str, list[str]] = {}
        for name in sorted(outside):
            folded.setdefault(name_key(name), []).append(name)
            loose.setdefault(loose_key(name), []).append(name)
        for value in unknown:
            found = folded.get(name_key(value)) or loose.get(loose_key(value)) or []
            if len(found) == 1:
                spelled[value] = found[0]
                if name_key(value) not in folded:
                    loosely.add(value)
    wanted = beyond[beyond["name"].isin(inside | ((ends | set(spelled.values())) & outside))]
    pieces = np.array(roads.geometry.values, dtype=object)
    pieces[drawn.index.to_numpy(dtype=int)] = drawn.to_numpy()  # each cut piece whole again
    whole = np.zeros(len(roads), dtype=bool)
    whole[drawn.index.to_numpy(dtype=int)] = True
    is_named = (roads["name"] != "").to_numpy()
    names, merged = merged_roads(
        np.concatenate([roads["name"].to_numpy(dtype=object)[is_named], wanted["name"].to_numpy(dtype=object)]),
        np.concatenate([pieces[is_named], np.array(wanted.geometry.values, dtype=object)]),
    )
    as_drawn = _axes_of(names, merged, only=inside)
    cut = set(roads["name"].to_numpy(dtype=object)[whole]) | (set(wanted["name"]) & inside)
    shapely.prepare(area)
    edge = shapely.boundary(area)
    counted = {name: road_inside(road, area, edge) if name in cut else road for name, road in as_drawn.items()}
    streets = {n: lines for n, lines in zip(names, merged) if lines is not None and not lines.is_empty}
    return _Roads(counted, as_drawn, streets, spelled, loosely)


def _crossings(road: RoadAxis, cross: shapely.Geometry, tol: Tolerances) -> tuple[list[float], str, float]:
    """Chainages where `cross` meets any part of `road`, clustered; how they were found; how far off (m).

    Crossing points on either carriageway project to about the same chainage,
    and the crossing points of one cross street closer than
    ``crossing_cluster_m`` count as one crossing (at their mean chainage).
    A street that misses the road by up to ``snap_m`` is taken as crossing
    it where it comes closest (`NEAR_CROSSING`, with the distance); further
    off, no chainage and the distance (for the message).
    """
    target = road.geometry
    hit = target.intersection(cross)
    points = [g for g in shapely.get_parts(hit) if not g.is_empty]
    points = [p if p.geom_type == "Point" else shapely.Point(p.coords[0]) for p in points]
    how, off = CROSSING, 0.0
    if not points:
        gap = float(target.distance(cross))
        if gap > tol.snap_m:
            return [], "", gap
        points = [nearest_points(target, cross)[0]]
        if gap > _TOUCH_M:
            how, off = NEAR_CROSSING, gap
    chainages = sorted(float(c) for c in np.clip(road.chainage(points), 0.0, road.extent_m))
    clusters: list[list[float]] = [[chainages[0]]]
    for c in chainages[1:]:
        if c - clusters[-1][-1] <= tol.crossing_cluster_m:
            clusters[-1].append(c)
        else:
            clusters.append([c])
    return [float(np.mean(c)) for c in clusters], how, off


def _end_candidates(
    value: str, road: str, axes: dict[str, RoadAxis], tol: Tolerances, streets: dict[str, object] | None = None
) -> _End:
    """Candidate chainages for one end of a section (within ``[0, extent_m]``); and how, or why not.

    `streets` are the roads an end may name, by name (their lines); the roads of `axes` when None.
    """
    entity = axes[road]
    known = axes if streets is None else streets
    metres = parse_distance(value)
    if metres is not None and value not in known:
        extent = entity.extent_m
        if metres - extent > _OVERSHOOT_SHARE * extent:
            return _End(error=msg("resolve.far_beyond_end", metres=metres, extent=extent))
        if metres - extent >= tol.min_gap_m:
            return _End(
                [extent],
                METRES,
                warning=msg("resolve.beyond_end", metres=metres, road=road, extent=extent),
            )
        return _End([min(metres, extent)], METRES)
    if value not in known:
        return _End(error=msg("resolve.not_a_place"))
    if value == road:
        return _End(error=msg("resolve.road_itself"))
    chainages, how, off = _crossings(entity, axes[value].geometry if streets is None else streets[value], tol)
    if not chainages:
        return _End(error=msg("resolve.no_crossing", street=value, road=road, distance=off))
    return _End(chainages, how, off_m=off)


def _problem(
    project: Project,
    row: int,
    column: str | None,
    value: str,
    message: str | Msg,
    fix: str | Msg,
    severity: str = "error",
    outside: bool = False,
) -> Problem:
    """A problem with one assignment row (``column`` as named in the file; None for the whole row).

    ``outside``: the row is left out as lying outside the district (not rejected).
    """
    source = project.sources.get("assignments")
    return Problem(
        severity,
        source.file if source else "assignments",
        row,
        (source.header(column) if source else column) if column else None,
        value,
        message,
        fix,
        severity == "error",
        source.row_label if source else "row",
        outside,
    )


def _same_street(
    project: Project, a: dict[str, Any], road: str, chainages: list[float], problems: list[Problem]
) -> tuple[float, float] | None:
    """A section from a cross street to the same cross street: between its first and last crossings.

    Returns ``(start_m, end_m)``, or None (and an error) when the street
    meets the road at one place only: the section would start and end there.
    """
    street, value = a["from"], f"{a['from']}..{a['to']}"
    if len(chainages) < 2:
        problems.append(
            _problem(
                project,
                a["_row"],
                None,
                value,
                msg("resolve.crosses_once", street=street, at=chainages[0], road=road),
                msg("resolve.crosses_once_fix", road=road),
            )
        )
        return None
    start, end = chainages[0], chainages[-1]
    if len(chainages) > 2:
        at = seq(f"{c:.0f}" for c in chainages)
        problems.append(
            _problem(
                project,
                a["_row"],
                None,
                value,
                msg(
                    "resolve.crosses_many", street=street, road=road, count=len(chainages), at=at, start=start, end=end
                ),
                msg("resolve.crosses_many_fix"),
                "warning",
            )
        )
    return start, end


def _how(how_from: str, how_to: str, off_from_m: float = 0.0, off_to_m: float = 0.0) -> dict[str, str | float]:
    """How a placement's two ends were found, as `Resolved.coverage`'s columns."""
    return {"how_from": how_from, "how_to": how_to, "off_from_m": off_from_m, "off_to_m": off_to_m}


def _resolve_sections(
    project: Project,
    axes: dict[str, RoadAxis],
    tol: Tolerances,
    problems: list[Problem],
    streets: dict[str, object] | None = None,
    spelled: dict[str, str] | None = None,
    loosely: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Every road and section assignment placed on `axes` (the roads as drawn): rows of `Resolved.coverage`.

    `streets` are the roads an end may name (their lines as drawn; the roads
    of `axes` when None), `spelled` the names of those written otherwise, and
    `loosely` those of them matched by their loose form (a warning each).
    """
    rows = []
    levels = dict(zip(project.leaders["id"], project.leaders["level"]))
    assignments = project.assignments
    on_roads = assignments[assignments["kind"].isin(("road", "section")) & assignments["target"].isin(list(axes))]
    if spelled:  # a cross street only outside the district, written otherwise: the roads layer's spelling
        for a in on_roads[on_roads["kind"] == "section"].to_dict("records"):
            for column in ("from", "to"):
                if a[column] in loosely:
                    spelling = spelled[a[column]]
                    problems.append(
                        _problem(
                            project,
                            a["_row"],
                            column,
                            a[column],
                            msg("validate.matched_loosely", spelling=spelling),
                            msg("validate.matched_loosely_fix"),
                            "warning",
                        )
                    )
        on_roads = on_roads.assign(**{c: on_roads[c].map(lambda v: spelled.get(v, v)) for c in ("from", "to")})
    # a cross street often ends two sections of one road: find its crossings once
    ends = functools.cache(lambda value, road: _end_candidates(value, road, axes, tol, streets))
    for a in on_roads.to_dict("records"):
        road = a["target"]
        base = {
            "leader": a["leader"],
            "level": levels.get(a["leader"], ""),
            "kind": a["kind"],
            "road": road,
            "from": a["from"],
            "to": a["to"],
            "_row": a["_row"],
        }
        if a["kind"] == "road":
            rows.append({**base, "start_m": 0.0, "end_m": axes[road].extent_m, **_how(WHOLE_ROAD, WHOLE_ROAD)})
            continue
        found_ends = []
        for column in ("from", "to"):
            found = ends(a[column], road)
            if found.error:
                problems.append(
                    _problem(
                        project,
                        a["_row"],
                        column,
                        a[column],
                        msg("resolve.end_not_found", road=road, reason=found.error),
                        msg("resolve.end_not_found_fix", road=road),
                    )
                )
                break
            if found.warning:
                problems.append(
                    _problem(
                        project,
                        a["_row"],
                        column,
                        a[column],
                        found.warning,
                        msg("resolve.beyond_end_fix", most=found.chainages[0], road=road),
                        "warning",
                    )
                )
            found_ends.append(found)
        if len(found_ends) < 2:
            continue
        first, last = found_ends
        if a["from"] == a["to"] and first.how != METRES:  # one cross street at both ends
            placed = _same_street(project, a, road, first.chainages, problems)
            if placed is None:
                continue
            start, end = placed
            how = _how(TWO_CROSSINGS, TWO_CROSSINGS, first.off_m, first.off_m)
            rows.append({**base, "start_m": start, "end_m": end, **how})
            continue
        pairs = sorted(((s, e) for s in first.chainages for e in last.chainages), key=lambda p: abs(p[1] - p[0]))
        pairs = [p for p in pairs if abs(p[1] - p[0]) >= tol.min_gap_m] or pairs
        start, end = pairs[0]
        if len(pairs) > 1 and abs(abs(pairs[1][1] - pairs[1][0]) - abs(end - start)) < tol.min_gap_m:
            problems.append(
                _problem(
                    project,
                    a["_row"],
                    None,
                    f"{a['from']}..{a['to']}",
                    msg(
                        "resolve.two_ways",
                        road=road,
                        start=start,
                        end=end,
                        other_start=pairs[1][0],
                        other_end=pairs[1][1],
                    ),
                    msg("resolve.two_ways_fix"),
                    "warning",
                )
            )
        if abs(end - start) < tol.min_gap_m:
            problems.append(
                _problem(
                    project,
                    a["_row"],
                    None,
                    f"{a['from']}..{a['to']}",
                    msg("resolve.zero_length", road=road, at=start),
                    msg("resolve.zero_length_fix"),
                )
            )
            continue
        how = _how(first.how, last.how, first.off_m, last.off_m)
        rows.append({**base, "start_m": min(start, end), "end_m": max(start, end), **how})
    return rows


def _inside_only(
    project: Project, rows: list[dict[str, Any]], roads: _Roads, tol: Tolerances, problems: list[Problem]
) -> list[dict[str, Any]]:
    """The placed stretches as the district counts them: ``length_m`` inside it, ``outside_m`` outside.

    A section with at least ``min_gap_m`` outside gets a note saying how many
    metres; one with less than ``min_gap_m`` inside is left out with a
    warning, as lying outside the district (the ledger counts its row as
    outside). A whole road's parts outside were counted by the scope already.
    """
    kept = []
    for row in rows:
        road = row["road"]
        span = [(row["start_m"], row["end_m"])]
        counted, drawn = roads.counted[road], roads.drawn[road]
        inside = intervals.intersect_length(counted.present, span)
        outside = 0.0 if counted is drawn else max(intervals.intersect_length(drawn.present, span) - inside, 0.0)
        if row["kind"] == "section" and outside >= tol.min_gap_m:
            where = {"road": road, "start": row["start_m"], "end": row["end_m"], "outside": outside}
            wholly = inside < tol.min_gap_m
            problems.append(
                _problem(
                    project,
                    row["_row"],
                    None,
                    f"{row['from']}..{row['to']}",
                    msg("resolve.section_outside", **where)
                    if wholly
                    else msg("resolve.section_partly_outside", **where, inside=inside),
                    msg("resolve.section_outside_fix") if wholly else msg("resolve.section_partly_outside_fix"),
                    "warning" if wholly else "note",
                    outside=wholly,
                )
            )
            if wholly:
                continue
        kept.append({**row, "length_m": inside, "outside_m": outside})
    return kept


def _in_metres(project: Project, name: str, crs: CRS) -> gpd.GeoDataFrame:
    """A layer in `crs`: the geometries `geo.scope` projected when it chose the same CRS, else projected now."""
    frame = getattr(project, name)
    source, known = project.metric.get(name, (None, None))
    if known is not None and source is frame.geometry.values and known.crs == crs and known.index.equals(frame.index):
        return frame.set_geometry(known.to_numpy(), crs=crs)
    return frame.to_crs(crs)  # not projected yet, or changed since


def resolve_project(project: Project, tol: Tolerances) -> tuple[Resolved, list[Problem]]:
    """Put the project in metres and resolve every road and section assignment.

    Returns
    -------
    resolved, problems
        Problems are section ends that could not be placed (errors; the
        assignment is left out and marked rejected).
    """
    crs = metric_crs(project)
    communities, roads, issues = (_in_metres(project, name, crs) for name in ("communities", "roads", "issues"))
    boundary = project.boundary.to_crs(crs) if project.boundary is not None else None
    placed = _as_drawn(project, roads, crs)
    axes = placed.counted
    problems: list[Problem] = []
    rows = _resolve_sections(project, placed.drawn, tol, problems, placed.streets, placed.spelled, placed.loosely)
    rows = _inside_only(project, rows, placed, tol, problems)
    columns = [
        "leader",
        "level",
        "kind",
        "road",
        "from",
        "to",
        "start_m",
        "end_m",
        "how_from",
        "how_to",
        "off_from_m",
        "off_to_m",
        "_row",
        "length_m",
        "outside_m",
    ]
    coverage = pd.DataFrame(rows, columns=columns)
    geometry = [axes[r.road].stretch(r.start_m, r.end_m) for r in coverage.itertuples()]
    coverage = gpd.GeoDataFrame(coverage, geometry=geometry, crs=crs)
    resolved = Resolved(project, crs, communities, roads, issues, boundary, axes, axes_frame(axes, crs), coverage)
    return resolved, problems

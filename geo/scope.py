"""The district is the scope: what lies outside it is left out of every figure, and counted.

Offices hand over the files they have: a city-wide street file, a province's
cycle routes, the hotline's points for the whole city. Counting those as the
district's unmanaged road would make the headline false, so before anything is
measured the layers are cut to the district:

- the **scope** is the boundary layer grown by ``scope_margin_m`` (15 m: a
  road drawn on the boundary line, or a pin a few metres off, is still the
  district's); without a boundary, the communities' outline (their union with
  holes filled) grown by the same margin; with neither, everything is in scope.
  Communities that reach beyond the boundary do not widen it: what lies outside
  the boundary changes no figure;
- a **community** is outside when less than half its area lies in the
  boundary grown by the margin (only with a boundary);
- a **road piece** wholly outside is left out; one crossing the scope's edge
  is cut to the part inside (the metres cut off are counted). The named
  pieces as drawn are kept aside (`District`): sections are placed on the
  whole road, and only their part inside is counted (`geo.resolve`);
- an **issue** point outside is left out.

Every row left out gets a ``note`` `Problem` marked ``outside`` (the ledger
counts it apart from used and rejected rows), and a layer that lies mostly
outside gets a warning naming the share.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .coords import geometry_gcj02_to_wgs84, geometry_wgs84_to_gcj02, in_china, metric_crs_of
from .errors import Problem
from .messages import Msg, msg
from .model import District, Outside
from .shapes import keep_dimension

__all__ = ["limit_to_district"]

_MOSTLY = 0.5  # a layer with more than this share outside gets a warning
_COMMUNITY_INSIDE = 0.5  # a community with less than this share of its area in scope is outside


def _note(source, rows, message: Msg, problems: list[Problem]) -> None:
    for row in rows:
        problems.append(
            Problem(
                "note",
                source.file,
                int(row),
                None,
                None,
                message,
                msg("scope.outside_fix"),
                row_label=source.row_label,
                outside=True,
            )
        )


def _share_warning(source, share: float, what: Msg, problems: list[Problem]) -> None:
    if share > _MOSTLY:
        problems.append(
            Problem(
                "warning",
                source.file,
                None,
                None,
                None,
                msg("scope.mostly_outside", what=what, share=float(share)),
                msg("scope.mostly_outside_fix"),
            )
        )


def limit_to_district(
    communities: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    issues: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame | None,
    margin_m: float,
    sources: dict,
    problems: list[Problem],
):
    """Cut the layers to the district (see the module doc).

    Parameters
    ----------
    communities, roads, issues, boundary
        Validated layers in EPSG:4326.
    margin_m
        How far beyond the boundary (or the communities' outline) still counts as the district.
    sources
        Layer name -> the `Layer` read (for the file names and row labels in messages).
    problems
        Extended with a note per row left out and a warning per layer mostly outside.

    Returns
    -------
    communities, roads, issues, outside, metric, district
        The layers in scope, an `Outside` record of what was left out, the
        geometries in scope as projected here to metres (by layer name: the
        layer's geometry array and its projection; `Project.metric`), and the
        `District` (its area, the named road pieces as drawn that were cut or
        left out), None when there is no scope.
    """
    crs = metric_crs_of(communities, roads, issues)
    has_boundary = boundary is not None and not boundary.empty
    if not has_boundary and communities.empty:
        return communities, roads, issues, Outside(margin_m=margin_m), {}, None
    counts = {}
    communities_m = communities.to_crs(crs)
    if boundary is not None and has_boundary and not communities.empty:
        _undeclared_gcj02(boundary, communities_m, crs, sources, problems)
    if boundary is not None and has_boundary:
        area = shapely.union_all(boundary.to_crs(crs).geometry.values)
        grown = shapely.buffer(area, margin_m) if margin_m > 0 else area
        shapely.prepare(grown)
        geoms = communities_m.geometry.values
        share = np.divide(
            shapely.area(shapely.intersection(geoms, grown)),
            shapely.area(geoms),
            out=np.ones(len(geoms)),
            where=shapely.area(geoms) > 0,
        )
        out = share < _COMMUNITY_INSIDE
        if out.any():
            _note(
                sources["communities"],
                communities.loc[out, "_row"],
                msg("scope.community_outside"),
                problems,
            )
            _share_warning(sources["communities"], out.mean(), msg("scope.communities"), problems)
        counts["communities"] = int(out.sum())
        communities, communities_m = communities[~out], communities_m[~out]
        scope = area
    else:
        union = shapely.union_all(communities_m.geometry.values)
        scope = shapely.union_all(
            [shapely.Polygon(p.exterior) for p in shapely.get_parts(union) if p.geom_type == "Polygon"]
        )
    if margin_m > 0:
        scope = shapely.buffer(scope, margin_m)
    shapely.prepare(scope)
    roads, roads_m, road_pieces, road_m, drawn, beyond = _cut_roads(roads, scope, crs, sources.get("roads"), problems)
    issues, issues_m, issue_count = _drop_points(issues, scope, crs, sources.get("issues"), problems)
    metric = {
        name: (frame.geometry.values, in_metres)
        for name, frame, in_metres in (
            ("communities", communities, communities_m.geometry),
            ("roads", roads, roads_m),
            ("issues", issues, issues_m),
        )
    }
    return (
        communities,
        roads,
        issues,
        Outside(
            counts.get("communities", 0),
            road_pieces,
            road_m,
            issue_count,
            margin_m,
            "boundary" if has_boundary else "communities",
        ),
        metric,
        District(scope, crs, drawn, beyond, roads.geometry.values),
    )


def _mismatch(boundary, communities) -> float:
    """Share of the boundary's area by which it and the communities' union differ."""
    return float(shapely.area(shapely.symmetric_difference(boundary, communities)) / max(boundary.area, 1e-9))


def _undeclared_gcj02(boundary: gpd.GeoDataFrame, communities_m: gpd.GeoDataFrame, crs, sources, problems) -> None:
    """Warn when the boundary and the communities sit a GCJ-02 offset apart (one of them undeclared GCJ-02).

    GCJ-02 (AMap, DataV) shifts coordinates in China by some 100–700 m; a layer
    in it read as WGS84 leaves a long strip of false territory gaps. When moving
    the boundary by the offset, one way or the other, halves the mismatch, the
    layer that is off is named with the fix.
    """
    outline = shapely.union_all(boundary.geometry.values)
    x0, y0, x1, y1 = outline.bounds
    if not in_china([x0, x1], [y0, y1]).all():
        return
    union = shapely.union_all(communities_m.geometry.values)
    as_is = gpd.GeoSeries([outline], crs=4326)

    def metric(series):
        return series.to_crs(crs).iloc[0]

    before = _mismatch(metric(as_is), union)
    if before < 0.02:
        return
    moved = {
        "boundary": metric(gpd.GeoSeries(geometry_gcj02_to_wgs84(as_is.values), crs=4326)),
        "communities": metric(gpd.GeoSeries(geometry_wgs84_to_gcj02(as_is.values), crs=4326)),
    }
    layer, shifted = min(moved.items(), key=lambda item: _mismatch(item[1], union))
    if _mismatch(shifted, union) > before / 2:
        return
    offset = shapely.distance(metric(as_is).centroid, shifted.centroid)
    problems.append(
        Problem(
            "warning",
            sources[layer].file,
            None,
            None,
            None,
            msg("scope.undeclared_gcj02", offset=float(offset)),
            msg("scope.undeclared_gcj02_fix", layer=layer),
        )
    )


def _cut_roads(
    roads: gpd.GeoDataFrame, scope, crs, source, problems
) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries, int, float, gpd.GeoSeries, gpd.GeoDataFrame]:
    """The road pieces cut to the scope, in degrees and in metres; what was left out; the named pieces as drawn.

    The last two are the whole line of each named piece that was cut (by its
    position among the pieces kept) and the named pieces wholly outside, in
    metres (`District`).
    """
    if roads.empty:
        metric_empty = roads.geometry.to_crs(crs)
        beyond = gpd.GeoDataFrame({"name": [], "_row": []}, geometry=metric_empty.iloc[:0].values, crs=crs)
        return roads, metric_empty, 0, 0.0, metric_empty.iloc[:0], beyond
    metric = roads.geometry.to_crs(crs).values
    lengths = shapely.length(metric)
    inside = shapely.covers(scope, metric)
    touching = shapely.intersects(scope, metric)
    partial = touching & ~inside
    cut = np.full(len(metric), None, dtype=object)
    cut[partial], _ = keep_dimension(shapely.intersection(metric[partial], scope), 1)
    gone = ~touching | (partial & pd.isna(cut))  # a piece meeting the edge in a point only is outside
    trimmed = partial & ~gone
    road_m = float(lengths[gone].sum() + (lengths[trimmed] - shapely.length(cut[trimmed])).sum())
    if gone.any():
        _note(source, roads.loc[gone, "_row"], msg("scope.road_outside"), problems)
    total = lengths.sum()
    if total > 0:
        _share_warning(source, road_m / total, msg("scope.road_length"), problems)
    keep = roads.copy()
    in_metres = np.array(metric, dtype=object)
    if trimmed.any():
        geometry = np.array(keep.geometry.values, dtype=object)
        geometry[trimmed] = gpd.GeoSeries(cut[trimmed], crs=crs).to_crs(roads.crs).values
        keep = keep.set_geometry(geometry, crs=roads.crs)
        in_metres[trimmed] = cut[trimmed]
    named = (roads["name"] != "").to_numpy()
    # by position among the pieces kept (labels may repeat where a layer comes from several files)
    drawn = gpd.GeoSeries(metric[trimmed & named], index=np.flatnonzero((trimmed & named)[~gone]), crs=crs)
    beyond = gpd.GeoDataFrame(
        {"name": roads["name"].to_numpy()[gone & named], "_row": roads["_row"].to_numpy()[gone & named]},
        geometry=metric[gone & named],
        index=roads.index[gone & named],
        crs=crs,
    )
    kept_m = gpd.GeoSeries(in_metres[~gone], index=keep.index[~gone], crs=crs)
    return keep[~gone], kept_m, int(gone.sum()), road_m, drawn, beyond


def _drop_points(issues: gpd.GeoDataFrame, scope, crs, source, problems) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries, int]:
    metric = issues.geometry.to_crs(crs)
    if issues.empty:
        return issues, metric, 0
    out = ~shapely.covers(scope, metric.values)
    if out.any():
        _note(source, issues.loc[out, "_row"], msg("scope.issue_outside"), problems)
        _share_warning(source, out.mean(), msg("scope.issues"), problems)
    return issues[~out], metric[~out], int(out.sum())

"""Write the reports: summary.json, gaps.csv/.geojson, roads/issues/leaders/communities.csv,
responsibility.gpkg, the ledger and run.json. Every table comes from the same
`Analysis`, so the same figure reads the same everywhere.

`summary` is a pure function of the data: no paths, no timestamps, figures
rounded to the millimetre (lengths) and the square centimetre (areas), so
equal data gives an equal file. Run details go to ``run.json``. CSV files
are UTF-8 with a BOM, so Excel in China opens them with the Chinese intact.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from . import __version__
from ._csv import cell_text, each_distinct, write_csv
from ._readers import ARROW, gdal_options
from .analyse import Analysis
from .checks import CHECKS
from .errors import Problem
from .ledger import LedgerEntry, write_ledger
from .model import Summary
from .words import gap_words, section_words

__all__ = [
    "community_table",
    "gap_table",
    "worded_gaps",
    "issue_table",
    "leader_table",
    "road_table",
    "section_table",
    "summary",
    "write_reports",
]

TIERS = ("demonstration", "key", "general")
LEVELS = ("city", "district", "street", "department")


def _counts(series: pd.Series, keys) -> dict[str, int]:
    counts = series.value_counts()
    return {k: int(counts.get(k, 0)) for k in keys}


def _reported(frame: pd.DataFrame, finished: str, names: tuple[str, str]) -> dict[str, int]:
    """How many are finished as reported (the office's and the leaders' word) and as confirmed (all but leaders' alone).

    A leader's done stays *reported* (已报完成) until an inspection group confirms it; the office's
    own done is confirmed (`geo.replies`).
    """
    done = frame["state"] == finished
    reported_only = frame["verification"] == "reported" if "verification" in frame else False
    return {names[0]: int(done.sum()), names[1]: int((done & ~reported_only).sum())}


def _reply_figures(analysis: Analysis) -> dict[str, int]:
    """The kept replies' entries: how many, applied, not applied (see the ledger for why)."""
    statuses = [o.status for o in analysis.reply_outcomes]
    applied = statuses.count("applied")
    return {
        "entries": len(statuses),
        "applied": applied,
        "repeated": statuses.count("repeated"),
        "not_applied": len(statuses) - applied - statuses.count("repeated"),
        "new_issues": sum(o.status == "applied" and o.entry.action == "report" for o in analysis.reply_outcomes),
    }


def summary(analysis: Analysis, problems: list[Problem], ledger: list[LedgerEntry]) -> Summary:
    """The headline figures, as a JSON-ready dict with English keys."""
    resolved = analysis.resolved
    project = resolved.project
    coverage = resolved.coverage
    gaps = analysis.gaps
    issues = analysis.issues
    status = analysis.status
    assignments = project.assignments
    communities = project.communities
    community_targets = assignments[assignments["kind"] == "community"]
    teams = community_targets[
        community_targets["leader"].isin(project.leaders.loc[project.leaders["level"] == "department", "id"])
    ]
    named = resolved.roads[resolved.roads["name"] != ""]
    assigned = analysis.roads[analysis.roads["road"].isin(set(coverage["road"]))]
    return {
        "communities": {
            "total": len(communities),
            "by_tier": _counts(communities["tier"], TIERS),
            "with_leader": int(sum(bool(v) for v in analysis.community_leaders.values())),
            "with_work_team": int(teams["target"].nunique()),
        },
        "roads": {
            "named": int(named["name"].nunique()),
            "pieces": len(resolved.roads),
            "unnamed_pieces": int((resolved.roads["name"] == "").sum()),
            "length_m": round(float(resolved.roads.length.sum()), 3),
            "city_leader_roads": int(((coverage["kind"] == "road") & (coverage["level"] == "city")).sum()),
            "district_sections": int(((coverage["kind"] == "section") & (coverage["level"] == "district")).sum()),
            "with_assignment": int(coverage["road"].nunique()),
            "without_assignment": int(named["name"].nunique() - coverage["road"].nunique()),
            "covered_m": round(float(analysis.roads["covered_m"].sum()), 3),
            "assigned_length_m": round(float(assigned["length_m"].sum()), 3),
            "coverage_pct": round(100.0 * float(assigned["covered_m"].sum()) / float(assigned["length_m"].sum()), 2)
            if float(assigned["length_m"].sum()) > 0
            else None,
        },
        "leaders": {"total": len(project.leaders), "by_level": _counts(project.leaders["level"], LEVELS)},
        "assignments": {
            "total": len(assignments),
            "by_kind": _counts(assignments["kind"], ("road", "section", "community")),
        },
        "status": {
            "total": len(status),
            "by_state": _counts(status["state"], ("todo", "doing", "done")),
            "overdue": int(status["overdue"].sum()),
            **_reported(status, "done", ("done_reported", "done_confirmed")),
        },
        "issues": {
            "total": len(issues),
            "by_source": _counts(issues["source"], ("complaint", "inspection", "leader")),
            "by_state": _counts(issues["state"], ("open", "resolved")),
            "orphans": int(issues["orphan"].sum()) if len(issues) else 0,
            "overdue": int(issues["overdue"].sum()) if len(issues) else 0,
            **_reported(issues, "resolved", ("resolved_reported", "resolved_confirmed")),  # type: ignore[typeddict-item]
        },
        "replies": _reply_figures(analysis),
        "as_of": analysis.as_of.isoformat(),
        "gaps": {
            "total": len(gaps),
            "by_kind": _counts(gaps["kind"], [c.kind for c in CHECKS]),
            "section_gap_m": round(float(gaps.loc[gaps["kind"] == "section_gap", "length_m"].sum()), 3),
            "unmanaged_m": round(float(gaps.loc[gaps["kind"] == "unmanaged_stretch", "length_m"].sum()), 3),
            "territory_gap_m2": round(float(gaps.loc[gaps["kind"] == "territory_gap", "area_m2"].sum()), 2),
            "geometry_parts_removed": {k: int(n) for k, n in sorted(analysis.parts_removed.items())},
        },
        "outside": project.outside.as_dict(),
        "slivers": {"count": int(analysis.slivers["count"]), "area_m2": round(float(analysis.slivers["area_m2"]), 2)},
        "tolerances": asdict(analysis.tolerances),
        "metric_crs": resolved.crs.to_string(),
        "input": {
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
            "ledger": {
                e.layer: {"read": e.read, "used": e.used, "rejected": e.rejected, "outside": e.outside} for e in ledger
            },
        },
    }


GAP_REPORT_COLUMNS = [
    "kind",
    "kind_label",
    "target",
    "name",
    "leader",
    "length_m",
    "area_m2",
    "start_m",
    "end_m",
    "where",
    "missing",
    "suggested_owner",
    "description",
]


def worded_gaps(analysis: Analysis, lang: str = "zh") -> pd.DataFrame:
    """The gaps with their words in `lang` (`geo.words`): the columns of gaps.csv, row *i* = gap *i*.

    The label column is named ``kind_zh`` (zh, zh-Hant) or ``kind_en`` (en).
    """
    names = analysis.resolved.project.leaders.set_index("id")["name"]

    def leader_name(i: str) -> str:
        return str(names.get(i, i))

    rows = []
    for gap, facts in zip(analysis.gap_records, analysis.gaps.itertuples()):
        words = gap_words(gap, lang, leader_name)
        rows.append(
            {
                "kind": gap.kind,
                "kind_label": words.label,
                "target": gap.target,
                "name": words.name,
                "leader": ";".join(gap.leaders),
                "length_m": facts.length_m,
                "area_m2": facts.area_m2,
                "start_m": facts.start_m,
                "end_m": facts.end_m,
                "where": words.where,
                "missing": words.missing,
                "suggested_owner": words.suggested_owner,
                "description": words.description,
            }
        )
    table = pd.DataFrame(rows, columns=GAP_REPORT_COLUMNS, index=analysis.gaps.index)
    return table.rename(columns={"kind_label": "kind_en" if lang == "en" else "kind_zh"})


def gap_table(analysis: Analysis, lang: str = "zh") -> pd.DataFrame:
    """gaps.csv: one row per gap, worded in `lang`, with a point (lon, lat) to find it by."""
    gaps = analysis.gaps
    points = gpd.GeoSeries(gaps.geometry.representative_point(), crs=gaps.crs).to_crs(4326)
    table = worded_gaps(analysis, lang)
    table["length_m"] = table["length_m"].round(3)
    table["area_m2"] = table["area_m2"].round(2)
    table["start_m"] = table["start_m"].round(3)
    table["end_m"] = table["end_m"].round(3)
    table["lon"] = points.x.round(6).to_numpy()
    table["lat"] = points.y.round(6).to_numpy()
    return table


def _ids(values) -> str:
    return ";".join(values)


def road_table(analysis: Analysis) -> pd.DataFrame:
    """roads.csv: one row per named road, with ``extent_m`` (chainage runs 0 to it) and its start (lon/lat)."""
    roads = analysis.roads.copy()
    roads["leaders"] = roads["leaders"].map(_ids)
    for column in ("length_m", "extent_m", "covered_m", "gap_m", "overlap_m", "unmanaged_m", "pieces_m", "branch_m"):
        roads[column] = roads[column].round(3)
    axes = analysis.resolved.road_axes
    starts = gpd.GeoSeries(
        shapely.get_point(axes.loc[roads["road"], "axis"].to_numpy(), 0), crs=analysis.resolved.crs
    ).to_crs(4326)
    roads["start_lon"] = starts.x.round(6).to_numpy()
    roads["start_lat"] = starts.y.round(6).to_numpy()
    return roads


def section_table(analysis: Analysis, lang: str = "zh") -> pd.DataFrame:
    """sections.csv: each road or section assignment as placed on the ground, its ends in words, and how.

    ``start_m``/``end_m`` are where the ends were placed on the road as drawn; ``length_m`` is the
    route inside the district and ``outside_m`` the route outside it (`geo.resolve`).
    """
    coverage = section_words(analysis.resolved.coverage, lang)  # the ends and how, in words
    table = pd.DataFrame(
        coverage[
            [
                "leader",
                "level",
                "kind",
                "road",
                "from",
                "to",
                "label",
                "start_m",
                "end_m",
                "length_m",
                "outside_m",
                "how",
                "_row",
            ]
        ]
    ).rename(columns={"_row": "assignments_row"})
    source = analysis.resolved.project.sources.get("assignments")
    if source is not None and source.parts:  # several files: each row as its own file numbers it, and the file
        located = [source.locate(int(row)) for row in table["assignments_row"]]
        table["assignments_row"] = [number for _, number in located]
        table["assignments_file"] = [part.file for part, _ in located]
    for column in ("start_m", "end_m", "length_m", "outside_m"):
        table[column] = table[column].round(3)
    return table


def issue_table(analysis: Analysis) -> pd.DataFrame:
    """issues.csv: per issue, its community (id), road, chainage, leaders, state, overdue."""
    issues = analysis.issues
    points = _in_wgs84(issues, analysis.resolved.project.issues).geometry
    return pd.DataFrame(
        {
            "id": issues["id"],
            "community": issues["community"],
            "road": issues["road"],
            "chainage_m": issues["chainage_m"].round(3),
            "leaders": issues["leaders"].map(_ids),
            "state": issues["state"],
            "due": issues["due"],
            "overdue": issues["overdue"],
            "orphan": issues["orphan"],
            "source": issues["source"],
            "category": issues["category"],
            "lon": points.x.round(6).to_numpy(),
            "lat": points.y.round(6).to_numpy(),
            **_reply_columns(issues),
            "photo": [
                photo_name(p, analysis.photos)
                for p in issues["photo"].where(issues["photo"] != "", issues["reply_photo"])
            ],
        }
    )


def _reply_columns(frame: pd.DataFrame) -> dict[str, object]:
    """What the replies did to each row (`geo.replies`): the office's state, reported or confirmed, by whom, when."""
    return {
        "office_state": frame["office_state"],
        "verification": frame["verification"],
        "reply_by": frame["reply_by"],
        "reply_day": [None if d is None or pd.isna(d) else d.isoformat() for d in frame["reply_day"]],
        "reply_note": frame["reply_note"],
    }


def photo_name(digest: str, photos: dict[str, bytes]) -> str:
    """A reply photo's file in ``reports/photos/`` (its SHA-256's first 16 digits and its type); "" for none."""
    data = photos.get(digest) if digest else None
    if not data:
        return ""
    ext = "png" if data.startswith(b"\x89PNG") else "webp" if data[8:12] == b"WEBP" else "jpg"
    return f"photos/{digest[:16]}.{ext}"


def status_table(analysis: Analysis) -> pd.DataFrame:
    """status.csv: per status item, its state now (replies applied) and as the office's table has it, its leaders."""
    status = analysis.status
    return pd.DataFrame(
        {
            "kind": status["kind"],
            "target": status["target"],
            "item": status["item"],
            "state": status["state"],
            "progress": status["progress"],
            "due": status["due"],
            "overdue": status["overdue"],
            "leaders": status["leaders"].map(_ids),
            **_reply_columns(status),
            "photo": [photo_name(p, analysis.photos) for p in status["reply_photo"]],
            "status_row": status["_row"],
        }
    )


def write_photos(analysis: Analysis, reports: Path) -> None:
    """The photos the replies carry, each as its own file in ``reports/photos/`` (named by `photo_name`)."""
    for digest, data in sorted(analysis.photos.items()):
        path = reports / photo_name(digest, analysis.photos)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)


def leader_table(analysis: Analysis) -> pd.DataFrame:
    """leaders.csv: per leader, roads, sections, km, communities, open and overdue issues (no phone)."""
    table = analysis.leaders.copy()
    for column in ("roads", "sections", "communities"):
        table[column] = table[column].map(_ids)
    table.insert(table.columns.get_loc("road_km"), "road_m", (table["road_km"] * 1000).round(3))
    table["road_km"] = table["road_km"].round(3)
    table["overlap_m"] = table["overlap_m"].round(3)
    return table


def community_table(analysis: Analysis) -> pd.DataFrame:
    """communities.csv: per community, its leaders, road leaders, status and issues."""
    table = analysis.communities.copy()
    for column in ("leaders", "road_leaders"):
        table[column] = table[column].map(_ids)
    return table


def _layer(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A frame ready for GeoJSON/GPKG: EPSG:4326, sequences joined, dates as text."""
    out = frame.to_crs(4326)
    for column in out.columns:
        values = out[column]
        if column == out.geometry.name or values.dtype != object:
            continue  # numbers, flags and the geometry are written as they are
        if pd.api.types.infer_dtype(values, skipna=False) == "string":
            continue  # text already (most columns of a large layer): nothing to convert
        out[column] = pd.Series(each_distinct(values, _as_text), index=out.index, dtype=object)
    return out


def _as_text(value) -> str:
    """A cell as the text a GIS shows: a sequence of ids joined by ``;``, a date in ISO form, a blank empty."""
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return cell_text(value)  # a missing date is NaN, not None: empty too


def _in_wgs84(frame: gpd.GeoDataFrame, original: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`frame` (metric) with the geometry it was projected from: the input's own coordinates, not a round trip."""
    return frame.set_geometry(original.geometry.loc[frame.index].to_numpy(), crs=original.crs)


def joined_layers(analysis: Analysis, lang: str = "zh") -> dict[str, gpd.GeoDataFrame]:
    """Every joined layer, as responsibility.gpkg holds them: communities with their roll-up, roads,
    responsibility (the placed roads and sections), gaps (worded in `lang`), issues with their
    leaders, and the boundary; each in its own CRS (the input's, or the analysis's metric one)."""
    worded = gpd.GeoDataFrame(worded_gaps(analysis, lang), geometry=analysis.gaps.geometry, crs=analysis.gaps.crs)
    resolved, project = analysis.resolved, analysis.resolved.project
    communities = project.communities[["id", "geometry"]].merge(community_table(analysis), on="id")
    coverage = section_words(resolved.coverage, lang).drop(columns=["_row"])  # codes, and words in `lang`
    # Only the contract's columns and the analysis's: a user's extra columns (a complainant's
    # phone, say) never reach a shared file.
    issue_columns = [
        "id",
        "reported",
        "source",
        "category",
        "state",
        "due",
        "note",
        "community",
        "road",
        "chainage_m",
        "leaders",
        "orphan",
        "overdue",
        "geometry",
    ]
    layers = {
        "communities": gpd.GeoDataFrame(communities, geometry="geometry", crs=project.communities.crs),
        "roads": project.roads[["name", "id", "class", "geometry"]],
        "responsibility": coverage,
        "gaps": worded,
        "issues": _in_wgs84(analysis.issues[issue_columns], project.issues),
    }
    if project.boundary is not None:
        layers["boundary"] = project.boundary
    return layers


def write_geodata(analysis: Analysis, reports: Path, lang: str = "zh") -> None:
    """gaps.geojson and responsibility.gpkg (every joined layer, for QGIS)."""
    layers = joined_layers(analysis, lang)
    path = reports / "gaps.geojson"
    path.unlink(missing_ok=True)
    _layer(layers["gaps"]).to_file(path, driver="GeoJSON", engine="pyogrio", use_arrow=ARROW)
    gpkg = reports / "responsibility.gpkg"
    gpkg.unlink(missing_ok=True)
    # A fixed creation date keeps the GeoPackage byte-identical for the same data.
    with gdal_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"}):
        for name, frame in layers.items():
            if not frame.empty:
                _layer(frame).to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio", use_arrow=ARROW)


def write_reports(
    analysis: Analysis,
    problems: list[Problem],
    ledger: list[LedgerEntry],
    reports: Path,
    run: dict,
    lang: str = "zh",
    language: dict[str, str] | None = None,
    changes=None,
) -> Summary:
    """Write every report into the folder `reports` (``<out>/reports``), worded in `lang`; return the summary.

    `language` says which language the outputs speak and why (``summary.json`` ``language``);
    `changes`, what changed since the last snapshot (``changes.csv``, ``summary.json`` ``changes``;
    `geo.history`).
    """
    reports.mkdir(parents=True, exist_ok=True)
    figures = summary(analysis, problems, ledger)
    figures["language"] = language or {"lang": lang, "chosen": "given"}
    if changes is not None:  # a geo.history.Changes
        figures["changes"] = changes.summary
        write_csv(changes.table, reports / "changes.csv")
    (reports / "summary.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_csv(gap_table(analysis, lang), reports / "gaps.csv")
    write_csv(road_table(analysis), reports / "roads.csv")
    write_csv(section_table(analysis, lang), reports / "sections.csv")
    write_csv(issue_table(analysis), reports / "issues.csv")
    write_csv(status_table(analysis), reports / "status.csv")
    write_photos(analysis, reports)
    write_csv(leader_table(analysis), reports / "leaders.csv")
    write_csv(community_table(analysis), reports / "communities.csv")
    write_geodata(analysis, reports, lang)
    write_ledger(reports, ledger, problems, lang)
    run = {
        **run,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "geo_version": __version__,
        "python": platform.python_version(),
        "geopandas": gpd.__version__,
        "files": {name: source.file for name, source in sorted(analysis.resolved.project.sources.items())},
    }
    (reports / "run.json").write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return figures

"""Write the reports: summary.json, gaps.csv, roads.csv, ledger.csv, run.json.

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

from . import __version__
from .analyse import GAP_COLUMNS, GAP_KINDS, Analysis
from .errors import Problem
from .ledger import LedgerEntry, write_ledger

__all__ = ["gap_table", "summary", "write_reports"]

TIERS = ("demonstration", "key", "general")
LEVELS = ("city", "district", "street", "department")


def _counts(series: pd.Series, keys) -> dict[str, int]:
    counts = series.value_counts()
    return {k: int(counts.get(k, 0)) for k in keys}


def summary(analysis: Analysis, problems: list[Problem], ledger: list[LedgerEntry]) -> dict:
    """The headline figures, as a JSON-ready dict with English keys."""
    resolved = analysis.resolved
    project = resolved.project
    coverage = resolved.coverage
    gaps = analysis.gaps
    issues = analysis.issues
    assignments = project.assignments
    communities = project.communities
    community_targets = assignments[assignments["kind"] == "community"]
    teams = community_targets[community_targets["leader"].isin(
        project.leaders.loc[project.leaders["level"] == "department", "id"])]
    named = resolved.roads[resolved.roads["name"] != ""]
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
        },
        "leaders": {"total": len(project.leaders), "by_level": _counts(project.leaders["level"], LEVELS)},
        "assignments": {"total": len(assignments),
                        "by_kind": _counts(assignments["kind"], ("road", "section", "community"))},
        "status": {"total": len(project.status),
                   "by_state": _counts(project.status["state"], ("todo", "doing", "done"))},
        "issues": {
            "total": len(issues),
            "by_source": _counts(issues["source"], ("complaint", "inspection")),
            "by_state": _counts(issues["state"], ("open", "resolved")),
            "orphans": int(issues["orphan"].sum()) if len(issues) else 0,
        },
        "gaps": {
            "total": len(gaps),
            "by_kind": _counts(gaps["kind"], GAP_KINDS),
            "section_gap_m": round(float(gaps.loc[gaps["kind"] == "section_gap", "length_m"].sum()), 3),
            "unmanaged_m": round(float(gaps.loc[gaps["kind"] == "unmanaged_stretch", "length_m"].sum()), 3),
            "territory_gap_m2": round(float(gaps.loc[gaps["kind"] == "territory_gap", "area_m2"].sum()), 2),
        },
        "slivers": {"count": int(analysis.slivers["count"]), "area_m2": round(float(analysis.slivers["area_m2"]), 2)},
        "tolerances": asdict(analysis.tolerances),
        "metric_crs": resolved.crs.to_string(),
        "input": {
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
            "ledger": {e.layer: {"read": e.read, "used": e.used, "rejected": e.rejected} for e in ledger},
        },
    }


def gap_table(analysis: Analysis) -> pd.DataFrame:
    """gaps.csv: one row per gap, with a point (lon, lat) to find it by."""
    gaps = analysis.gaps
    points = gpd.GeoSeries(gaps.geometry.representative_point(), crs=gaps.crs).to_crs(4326)
    table = pd.DataFrame(gaps[GAP_COLUMNS])
    table.insert(1, "kind_zh", table["kind"].map(GAP_KINDS))
    table["length_m"] = table["length_m"].round(3)
    table["area_m2"] = table["area_m2"].round(2)
    table["start_m"] = table["start_m"].round(3)
    table["end_m"] = table["end_m"].round(3)
    table["lon"] = points.x.round(6).to_numpy()
    table["lat"] = points.y.round(6).to_numpy()
    return table


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_reports(analysis: Analysis, problems: list[Problem], ledger: list[LedgerEntry], out_dir: Path,
                  run: dict) -> dict:
    """Write every report under ``out_dir/reports``; return the summary."""
    reports = out_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    figures = summary(analysis, problems, ledger)
    (reports / "summary.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _write_csv(gap_table(analysis), reports / "gaps.csv")
    roads = analysis.roads.copy()
    for column in ("length_m", "covered_m", "gap_m", "overlap_m", "unmanaged_m"):
        roads[column] = roads[column].round(3)
    _write_csv(roads, reports / "roads.csv")
    write_ledger(out_dir, ledger, problems)
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

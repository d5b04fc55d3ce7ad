"""Time and measure the pipeline on the demo and on a scaled-up project.

    python scripts/benchmark.py [--issues 20000] [--copies 4]

Prints seconds per stage and the peak resident memory; for the maps, the
leader maps per second, their sizes and each map's bytes per vertex . The scaled project is
the demo with many extra issue points (random, seeded) and the road network
copied side by side `--copies` times (each copy's roads renamed), so the
figures say how the checks grow with real volumes. Nothing here is asserted:
these are measurements to compare between versions.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import analyse, load_config, load_project, resolve_project, validate_project  # noqa: E402
from geo.pipeline import build  # noqa: E402


def scaled_project(folder: Path, issues: int, copies: int) -> Path:
    """The demo with `issues` extra points and `copies` renamed copies of every named road piece."""
    shutil.copytree(ROOT / "layers", folder)
    rng = np.random.default_rng(1)
    communities = gpd.read_file(folder / "communities.geojson")
    x0, y0, x1, y1 = communities.total_bounds
    points = shapely.points(rng.uniform(x0, x1, issues), rng.uniform(y0, y1, issues))
    extra = gpd.GeoDataFrame(
        {
            "id": [f"X{i:06d}" for i in range(issues)],
            "state": np.where(rng.random(issues) < 0.2, "open", "resolved"),
            "source": "complaint",
            "due": "2022-05-31",
        },
        geometry=points,
        crs=4326,
    )
    base = gpd.read_file(folder / "issues.geojson")
    pd.concat([base, extra], ignore_index=True).to_file(folder / "issues.geojson", driver="GeoJSON")
    roads = gpd.read_file(folder / "roads.geojson")
    named = roads[roads["name"].fillna("") != ""]
    copies_frames = [roads]
    for k in range(1, copies):
        copy = named.copy()
        copy["name"] = copy["name"] + f"（{k}）"
        copy["geometry"] = copy.geometry.translate(xoff=0.0004 * k, yoff=0.0003 * k)
        copies_frames.append(copy)
    pd.concat(copies_frames, ignore_index=True).to_file(folder / "roads.geojson", driver="GeoJSON")
    return folder


def timed(label: str, func, *args):
    start = time.perf_counter()
    result = func(*args)
    print(f"  {label:<10} {time.perf_counter() - start:7.2f} s")
    return result


def run(folder: Path, maps: bool) -> None:
    config = load_config(folder)
    total = time.perf_counter()
    layers, problems = timed("load", load_project, folder, config)
    project, problems = timed("validate", validate_project, layers, problems)
    resolved, _ = timed("resolve", resolve_project, project, config.tolerances)
    analysis = timed("analyse", analyse, resolved, config.tolerances, config.as_of())
    print(
        f"  {'check':<10} {time.perf_counter() - total:7.2f} s  "
        f"({len(project.roads)} road pieces, {len(resolved.road_axes)} roads, {len(project.issues)} issues, "
        f"{len(analysis.gaps)} gaps)"
    )
    if maps:
        with tempfile.TemporaryDirectory() as out:
            map_figures(analysis, config, Path(out) / "maps")
            result = timed("build", build, folder, Path(out) / "build", config)
            for f in result.maps:
                if f.path.name == "overview.html":
                    print(
                        f"  overview: {f.bytes / 1024:.0f} KB, {f.vertices:,} vertices, "
                        f"{f.bytes_per_vertex:.1f} bytes per vertex"
                    )
            size = sum(p.stat().st_size for p in (Path(out) / "build").rglob("*.html"))
            print(f"  maps: {len(list((Path(out) / 'build').rglob('*.html')))} files, {size / 1e6:.1f} MB")


def map_figures(analysis, config, out: Path) -> None:
    """The maps alone: the shared context, the leader maps per second, each map's size and bytes per vertex."""
    from geo.render import build_context, leader_filenames, render_gap_map, render_leader_map

    start = time.perf_counter()
    ctx = build_context(analysis, config.map)
    print(f"  {'context':<10} {time.perf_counter() - start:7.2f} s  (the page shell and every layer, once)")
    names = leader_filenames(list(ctx.leaders.index))
    start = time.perf_counter()
    leaders = [render_leader_map(ctx, i, out / "leaders" / names[i]) for i in ctx.leaders.index]
    seconds = time.perf_counter() - start
    sizes = sorted(f.bytes for f in leaders)
    if leaders:
        print(
            f"  {'leaders':<10} {seconds:7.2f} s  {len(leaders)} maps, {len(leaders) / seconds:.0f} per second; "
            f"size median {sizes[len(sizes) // 2] / 1024:.0f} KB, largest {sizes[-1] / 1024:.0f} KB"
        )
    gaps = render_gap_map(ctx, out / "gaps.html")
    for label, f in (("gap map", gaps), ("largest leader map", max(leaders, key=lambda f: f.bytes, default=None))):
        if f is not None:
            print(
                f"  {label}: {f.bytes / 1024:.0f} KB, {f.vertices:,} vertices, "
                f"{f.bytes_per_vertex:.1f} bytes per vertex"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=20_000)
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args()
    print("demo (layers/):")
    run(ROOT / "layers", maps=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = scaled_project(Path(tmp) / "scaled", args.issues, args.copies)
        print(f"scaled (+{args.issues} issues, roads x{args.copies}):")
        run(folder, maps=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

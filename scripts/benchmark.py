"""Time and measure the pipeline on the demo and on a scaled-up project.

    python scripts/benchmark.py [--issues 20000] [--copies 4]

Prints seconds per stage and the peak resident memory. The scaled project is
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
            timed("build", build, folder, Path(out), config)
            size = sum(p.stat().st_size for p in Path(out).rglob("*.html"))
            print(f"  maps: {len(list(Path(out).rglob('*.html')))} files, {size / 1e6:.1f} MB")


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
        run(folder, maps=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Shared fixtures: tiny hand-made projects whose answers are computed by hand.

Geometry is written in metres in UTM zone 49N (EPSG:32649, where Shashi is)
around the point (620 000, 3 350 000) and saved as GeoJSON in EPSG:4326, as
a user's file would be; the tool measures in the same UTM zone, so a road
drawn 1,000 m long measures 1,000 m (to well under a millimetre).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyproj
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = pytest.StashKey[Path]()

# Every check and build writes a GeoPackage, and SQLite syncs it to disk at each commit: a few
# hundredths of a second when the disk is idle, up to a third of a second when other work keeps it
# busy. No test is about surviving a power cut (a killed process loses nothing the kernel holds), so
# the test run, and the geo processes it starts, skip the sync; the files are the same bytes. Set
# OGR_SQLITE_SYNCHRONOUS=ON to run with it.
os.environ.setdefault("OGR_SQLITE_SYNCHRONOUS", "OFF")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say where the browser tests left their screenshots."""
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None:
        terminalreporter.write_line(f"browser screenshots: {folder}")


X0, Y0 = 620_000.0, 3_350_000.0
_TO_WGS = pyproj.Transformer.from_crs(32649, 4326, always_xy=True)


def m(x: float, y: float) -> tuple[float, float]:
    """A point given in metres from the fixture origin."""
    return (X0 + x, Y0 + y)


def line(*points) -> shapely.LineString:
    return shapely.LineString([m(*p) for p in points])


def square(x0, y0, x1, y1) -> shapely.Polygon:
    return shapely.box(*m(x0, y0), *m(x1, y1))


def to_wgs(geometry):
    return shapely.transform(
        geometry, lambda xy: __import__("numpy").column_stack(_TO_WGS.transform(xy[:, 0], xy[:, 1]))
    )


def write_geojson(path: Path, rows: list[dict]) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in r.items() if k != "geometry"},
            "geometry": None if r.get("geometry") is None else shapely.geometry.mapping(to_wgs(r["geometry"])),
        }
        for r in rows
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None, encoding: str = "utf-8") -> None:
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def make_project(
    folder: Path, *, communities, roads, leaders, assignments, issues=None, status=None, boundary=None
) -> Path:
    """Write a project folder from rows (dicts; geometries in fixture metres)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_geojson(folder / "communities.geojson", communities)
    write_geojson(folder / "roads.geojson", roads)
    write_csv(folder / "leaders.csv", leaders)
    write_csv(folder / "assignments.csv", assignments, ["leader", "kind", "target", "from", "to", "role"])
    if issues is not None:
        write_geojson(folder / "issues.geojson", issues)
    if status is not None:
        write_csv(folder / "status.csv", status)
    if boundary is not None:
        write_geojson(folder / "boundary.geojson", [{"name": "boundary", "geometry": boundary}])
    return folder


LEADERS = [
    {"id": "C1", "name": "甲", "title": "副市长", "level": "city"},
    {"id": "D1", "name": "乙", "title": "区长", "level": "district"},
    {"id": "D2", "name": "丙", "title": "副区长", "level": "district"},
    {"id": "S1", "name": "丁", "title": "街道书记", "level": "street"},
]


@dataclass(frozen=True)
class DemoBuild:
    """The embedded Shashi demo as `geo build layers --out <out>` left it."""

    out: Path  # the output folder: read it, never change it (copy it first)
    stdout: str  # what the build printed (not quiet)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> DemoBuild:
    """The demo built once per test run, as a new user runs it, shared by every test that reads it.

    The tests that share it only read it; that nothing changed it is checked when the run ends.
    """
    from geo.cli import main

    out = tmp_path_factory.mktemp("demo") / "maps"
    out.mkdir()  # an empty folder, as a user makes one for the maps before the first build
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["build", str(ROOT / "layers"), "--out", str(out)]) == 0
    before = _digest(out)
    yield DemoBuild(out, printed.getvalue())
    assert _digest(out) == before, "a test changed the shared demo build; copy it before changing it"


def make_road_project(folder: Path) -> Path:
    """A 1,000 m road (东西路) with cross streets at 0, 300, 500 and 1,000 m.

    Sections: D1 from 甲街 (0 m) to 乙街 (300 m); D2 from 丙街 (500 m) to 丁街
    (1,000 m). So 300–500 m, 200 m, has no section leader. Two 600 × 600 m
    communities lie side by side under the road, the left one led by S1.
    """
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (400, 0))},
        {"name": "东西路", "geometry": line((400, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "乙街", "geometry": line((300, -100), (300, 100))},
        {"name": "丙街", "geometry": line((500, -100), (500, 100))},
        {"name": "丁街", "geometry": line((1000, -100), (1000, 100))},
    ]
    communities = [
        {"id": "A", "name": "左社区", "tier": "general", "geometry": square(-100, -300, 500, 300)},
        {"id": "B", "name": "右社区", "tier": "general", "geometry": square(500, -300, 1100, 300)},
    ]
    assignments = [
        {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街", "role": "包路段"},
        {"leader": "D2", "kind": "section", "target": "东西路", "from": "丙街", "to": "丁街", "role": "包路段"},
        {"leader": "S1", "kind": "community", "target": "A", "from": "", "to": "", "role": "包片"},
    ]
    return make_project(folder, communities=communities, roads=roads, leaders=LEADERS, assignments=assignments)


@pytest.fixture
def road_project(tmp_path) -> Path:
    """`make_road_project` in the test's own folder."""
    return make_road_project(tmp_path / "road")

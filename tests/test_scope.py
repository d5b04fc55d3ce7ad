"""The district is the scope, and every layer hands the maps one kind of geometry.

Figures are computed by hand from the fixture's metres (see conftest).
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
import shapely

from conftest import LEADERS, line, m, make_project, square
from geo.cli import main
from geo.config import load_config
from geo.load import load_project
from geo.pipeline import check
from geo.resolve import resolve_project
from geo.shapes import keep_dimension
from geo.validate import validate_project


def _project(tmp_path, boundary=True, extra_assignments=()):
    roads = [
        {"name": "东西路", "geometry": line((500, 500), (1500, 500))},  # 1,000 m, crosses the edge at x = 1000
        {"name": "远路", "geometry": line((5000, 0), (6000, 0))},  # 1,000 m, 4 km away
        {"name": "", "geometry": line((100, 100), (100, 300))},  # 200 m alley inside
    ]
    communities = [
        {"id": "A", "name": "甲社区", "tier": "general", "geometry": square(0, 0, 1000, 1000)},
        # 500 x 500 m, 1 km beyond the boundary: none of it within the 15 m margin
        {"id": "Z", "name": "外区社区", "tier": "general", "geometry": square(2000, 0, 2500, 500)},
    ]
    issues = [
        {"id": "I1", "state": "open", "geometry": shapely.Point(m(300, 800))},
        {"id": "I2", "state": "open", "geometry": shapely.Point(m(1010, 900))},  # beyond the edge, inside the margin
        {"id": "I3", "state": "open", "geometry": shapely.Point(m(3000, 3000))},
    ]
    assignments = [{"leader": "S1", "kind": "community", "target": "Z"}, *extra_assignments]
    return make_project(
        tmp_path / "p",
        communities=communities,
        roads=roads,
        leaders=LEADERS,
        assignments=assignments,
        issues=issues,
        boundary=square(0, 0, 1000, 1000) if boundary else None,
    )


def test_pieces_issues_and_communities_outside_the_district_change_no_figure(tmp_path):
    folder = _project(tmp_path)
    result = check(folder, load_config(folder))
    project = result.analysis.resolved.project
    out = project.outside
    # 东西路 is cut at x = 1015 (boundary + 15 m): 485 m off; 远路 wholly outside: 1,000 m.
    assert out.road_m == pytest.approx(1485.0, abs=0.01)
    assert (out.road_pieces, out.issues, out.communities) == (1, 1, 1)
    assert set(project.communities["id"]) == {"A"}
    assert set(project.issues["id"]) == {"I1", "I2"}
    gaps = result.analysis.gaps
    unmanaged = gaps[gaps["kind"] == "unmanaged_stretch"].set_index("name")["length_m"]
    # A has no leader (Z, the only one led, is outside): 515 m of 东西路 and the 200 m alley.
    assert unmanaged.sum() == pytest.approx(715.0, abs=0.01)
    assert unmanaged["东西路"] == pytest.approx(515.0, abs=0.01)
    ledger = {e.layer: e for e in result.ledger}
    assert (ledger["roads"].read, ledger["roads"].used, ledger["roads"].outside) == (3, 2, 1)
    assert (ledger["issues"].used, ledger["issues"].outside) == (2, 1)
    assert (ledger["communities"].used, ledger["communities"].outside) == (1, 1)
    warnings = [p for p in result.problems if p.severity == "warning" and p.file == "roads.geojson"]
    assert [str(w.message) for w in warnings] == ["道路长度的 68% 位于辖区之外，未计入任何数字"]  # 1,485 of 2,200 m


def _validated(folder):
    """The project's config and its validated `Project` (with the scope's projection in `metric`)."""
    config = load_config(folder)
    layers, problems = load_project(folder, config)
    return config, validate_project(layers, problems, config.tolerances)[0]


def test_the_layers_in_metres_are_the_scope_s_projection_and_a_changed_layer_is_projected_anew(tmp_path):
    # The scope projects the layers once; resolve reuses that and gives the same metres as projecting
    # the layers afresh (东西路 as cut at the boundary plus its 15 m margin: x from 500 to 1015, 515 m).
    config, project = _validated(_project(tmp_path))
    resolved, _ = resolve_project(project, config.tolerances)
    for name in ("communities", "roads", "issues"):
        fresh = getattr(project, name).to_crs(resolved.crs).geometry.values
        assert shapely.equals_exact(getattr(resolved, name).geometry.values, fresh, tolerance=1e-6).all(), name
    assert resolved.roads.set_index("name").length["东西路"] == pytest.approx(515.0, abs=1e-3)
    # A layer given new geometry after the check (here: moved 100 m east) is projected again, not reused.
    moved = project.roads.to_crs(resolved.crs).translate(100.0, 0.0).to_crs(project.roads.crs)
    project.roads = project.roads.set_geometry(moved)
    again, _ = resolve_project(project, config.tolerances)
    shift = again.roads.geometry.values[0].coords[0][0] - resolved.roads.geometry.values[0].coords[0][0]
    assert shift == pytest.approx(100.0, abs=1e-6)


def test_resolve_draws_on_the_scope_s_projection_itself_and_needs_none(tmp_path):
    # With the scope's projection the resolved layers hold its very geometries (not projected again);
    # a project made without one (metric = {}) is projected on the spot, to the same metres.
    config, project = _validated(_project(tmp_path))
    resolved, _ = resolve_project(project, config.tolerances)
    for name in ("communities", "roads", "issues"):
        _, known = project.metric[name]
        assert all(a is b for a, b in zip(getattr(resolved, name).geometry.values, known.values)), name
    bare, _ = resolve_project(dataclasses.replace(project, metric={}), config.tolerances)
    for name in ("communities", "roads", "issues"):
        mine, theirs = getattr(bare, name).geometry.values, getattr(resolved, name).geometry.values
        assert shapely.equals_exact(mine, theirs, tolerance=1e-6).all(), name


def test_a_named_road_with_no_line_is_no_road_and_stops_no_other(tmp_path):
    # A project built in code (not from files) may hold a named piece with an empty line: "A 空路"
    # sorts before every other name, and the roads after it are still built.
    config, project = _validated(_project(tmp_path))
    empty = project.roads.iloc[:1].assign(name="A 空路", geometry=[shapely.LineString()])
    roads = pd.concat([empty, project.roads]).reset_index(drop=True)
    resolved, _ = resolve_project(dataclasses.replace(project, roads=roads), config.tolerances)
    assert list(resolved.axes) == ["东西路"]


def test_without_a_boundary_the_communities_outline_is_the_scope(tmp_path):
    folder = _project(tmp_path, boundary=False)
    out = check(folder, load_config(folder)).analysis.resolved.project.outside
    assert out.scope == "communities"
    # Z is a community, so it is in scope; 东西路 (y = 500, to x = 1500) leaves A's margin at 1015 and ends
    # before Z's (from 1985): 485 m cut; 远路 (5000..6000) lies 2.5 km past Z.
    assert out.road_m == pytest.approx(1485.0, abs=0.01)
    assert (out.road_pieces, out.issues, out.communities) == (1, 1, 0)


def test_an_assignment_to_a_road_wholly_outside_is_left_out_and_says_why(tmp_path):
    folder = _project(tmp_path, extra_assignments=[{"leader": "C1", "kind": "road", "target": "远路"}])
    result = check(folder, load_config(folder))
    by_value = {p.value: p for p in result.problems if p.file == "assignments.csv"}
    assert set(by_value) == {"远路", "Z"}
    assert all(p.rejected and "在辖区之外" in str(p.message) for p in by_value.values())


def test_the_terminal_and_summary_say_what_was_left_out(tmp_path, capsys):
    folder = _project(tmp_path)
    code = main(["check", str(folder), "--out", str(tmp_path / "out")])
    text = capsys.readouterr().out
    assert code == 1
    assert (
        "辖区外（边界外 15 米以上）未计入任何数字：道路 1,485 米、其中整段在外的路段 1 段、问题点 1 个、社区 1 个"
    ) in text
    summary = json.loads((tmp_path / "out" / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["outside"]["road_m"] == pytest.approx(1485.0, abs=0.01)
    ledger = pd.read_csv(tmp_path / "out" / "reports" / "ledger_summary.csv").set_index("layer")
    assert (ledger["read"] == ledger["used"] + ledger["rejected"] + ledger["outside"]).all()


def test_a_larger_margin_takes_the_piece_in(tmp_path):
    folder = _project(tmp_path)
    (folder / "geo.toml").write_text("[tolerances]\nscope_margin_m = 600\n", encoding="utf-8")
    out = check(folder, load_config(folder)).analysis.resolved.project.outside
    assert out.road_m == pytest.approx(1000.0, abs=0.01)  # 东西路 whole (ends 500 m past the edge), 远路 out


# ----------------------------------------------------------------------------- one dimension per layer
def test_keep_dimension_extracts_the_areas_of_a_mixed_overlap_and_counts_the_rest():
    area = shapely.box(0, 0, 10, 10)
    mixed = shapely.GeometryCollection([area, shapely.LineString([(10, 10), (20, 10)]), shapely.Point(30, 30)])
    nested = shapely.GeometryCollection([mixed, shapely.box(50, 50, 60, 60)])
    kept, removed = keep_dimension([mixed, nested, area, shapely.LineString([(0, 0), (1, 1)]), None], 2)
    assert kept[0].equals(area)
    assert kept[1].geom_type == "MultiPolygon" and kept[1].area == pytest.approx(200.0)
    assert kept[2] is area
    assert kept[3] is None and kept[4] is None
    assert removed == 2 + 2 + 1  # a line and a point, twice; then the lone line


def test_an_overlap_that_also_shares_an_edge_is_an_area_only(tmp_path):
    # C overlaps A in a 20 x 20 m corner and also shares A's top edge from x = 0 to 80.
    communities = [
        {"id": "A", "name": "甲社区", "tier": "general", "geometry": square(0, 0, 100, 100)},
        {
            "id": "C",
            "name": "丙社区",
            "tier": "general",
            "geometry": square(0, 100, 80, 200).union(square(80, 80, 100, 200)),
        },
    ]
    folder = make_project(
        tmp_path / "o",
        communities=communities,
        roads=[{"name": "路", "geometry": line((10, 10), (90, 10))}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": t} for t in "AC"],
    )
    analysis = check(folder, load_config(folder)).analysis
    overlap = analysis.gaps[analysis.gaps["kind"] == "territory_overlap"]
    assert overlap.geometry.iloc[0].geom_type == "Polygon"
    assert overlap["area_m2"].iloc[0] == pytest.approx(400.0, abs=1e-3)
    assert analysis.parts_removed == {"territory_overlap": 1}

"""Placing section ends (geo/resolve.py): thresholds and wordings, with answers worked out by hand.

Roads are built in plain metres (EPSG:32649, no reprojection), so a road drawn
from (0, 0) to (1000, 0) is exactly 1,000 m long and every threshold below can
be hit exactly: ``snap_m`` 15 m, ``crossing_cluster_m`` 60 m, ``min_gap_m``
1 m and the overshoot share of half the road (`geo.config.Tolerances`).
"""

import geopandas as gpd
import pytest
import shapely

from conftest import LEADERS, line, make_project, square
from geo import load_config, load_project, resolve_project, validate_project
from geo.config import Tolerances
from geo.resolve import _crossings, _end_candidates, build_roads, parse_distance

TOL = Tolerances()


def _axes(*named_lines):
    """`build_roads` over ``(name, [(x, y), ...])`` lines in plain metres."""
    rows = [{"name": name, "geometry": shapely.LineString(coords)} for name, coords in named_lines]
    return build_roads(gpd.GeoDataFrame(rows, geometry="geometry", crs=32649))


EAST_WEST = ("东西路", [(0, 0), (1000, 0)])  # 1,000 m exactly


# ----------------------------------------------------------------------------- distances in words
@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("250", 250.0),
        (" 250 ", 250.0),
        ("250m", 250.0),
        ("250 M", 250.0),
        ("250米", 250.0),
        ("1.2km", 1200.0),
        ("1.2KM", 1200.0),
        ("1.2公里", 1200.0),
        ("0.5千米", 500.0),
        ("K1+200", 1200.0),  # 桩号: 1 km + 200 m
        ("k 2 + 050.5", 2050.5),  # 2 × 1000 + 50.5
        ("甲街", None),
        ("-5", None),
        ("", None),
    ],
)
def test_parse_distance(text, metres):
    assert parse_distance(text) == metres


# ----------------------------------------------------------------------------- a distance past the end
def test_exactly_half_the_road_past_the_end_is_taken_as_the_end():
    # 1,500 on a 1,000 m road: 500 m past = half the road, not *more* than half: the end, with a warning.
    end = _end_candidates("1500", "东西路", _axes(EAST_WEST), TOL)
    assert (end.chainages, end.how, end.error) == ([1000.0], "米数", "")
    assert str(end.warning) == "1500 米超出了 东西路 的终点（全长 1000.0 米），已按终点 1000.0 米计"


def test_more_than_half_the_road_past_the_end_is_an_error():
    # 1,501: 501 m past > 500 m.
    end = _end_candidates("1501", "东西路", _axes(EAST_WEST), TOL)
    assert end.chainages == []
    assert str(end.error).startswith("1501 米超出了道路终点（全长 1000 米）一半以上")


def test_one_metre_past_the_end_warns_and_less_does_not():
    # min_gap_m = 1: 1,001 is 1 m past (>= 1 m, worth a word); 1,000.5 is a rounding.
    axes = _axes(EAST_WEST)
    one = _end_candidates("1001", "东西路", axes, TOL)
    assert (one.chainages, one.how) == ([1000.0], "米数") and one.warning
    half = _end_candidates("1000.5", "东西路", axes, TOL)
    assert (half.chainages, half.how, half.warning, half.error) == ([1000.0], "米数", "", "")
    inside = _end_candidates("999", "东西路", axes, TOL)
    assert (inside.chainages, inside.warning) == ([999.0], "")


def test_an_end_that_is_neither_a_distance_nor_a_road_is_an_error():
    end = _end_candidates("乙路", "东西路", _axes(EAST_WEST), TOL)
    assert (end.chainages, str(end.error)) == ([], "既不是米数，也不是道路图层中的道路")


def test_a_road_cannot_end_at_itself():
    end = _end_candidates("东西路", "东西路", _axes(EAST_WEST), TOL)
    assert (end.chainages, str(end.error)) == ([], "道路不能以自身为起止点")


# ----------------------------------------------------------------------------- crossings
def test_a_street_stopping_exactly_snap_m_short_still_crosses():
    # 乙街 stops at (300, 15): 15 m from the road, = snap_m (15 m), so it counts, at chainage 300.
    axes = _axes(EAST_WEST, ("乙街", [(300, 15), (300, 100)]))
    end = _end_candidates("乙街", "东西路", axes, TOL)
    assert (end.chainages, end.how, end.error) == ([300.0], "近路口（相距 15.0 米）", "")


def test_a_street_stopping_farther_than_snap_m_does_not_cross():
    # 15.5 m > 15 m: not a crossing; the message gives the distance.
    axes = _axes(EAST_WEST, ("乙街", [(300, 15.5), (300, 100)]))
    end = _end_candidates("乙街", "东西路", axes, TOL)
    assert end.chainages == []
    assert str(end.error) == "乙街 与 东西路 不相交（最近处相距 15.5 米）"


def test_a_street_missing_by_a_millimetre_is_touching():
    # 1 mm (_TOUCH_M) short is a rounding error: "路口", not "近路口（相距 0.0 米）".
    axes = _axes(EAST_WEST, ("乙街", [(300, 0.001), (300, 100)]))
    chainages, how = _crossings(axes["东西路"], axes["乙街"].geometry, TOL)
    assert chainages == [pytest.approx(300.0, abs=1e-9)]
    assert how == "路口"


def test_crossings_exactly_crossing_cluster_m_apart_are_one():
    # A loop street crossing at x = 300 and x = 360: 60 m apart = crossing_cluster_m, one crossing
    # at their mean, (300 + 360) / 2 = 330.
    axes = _axes(EAST_WEST, ("丙街", [(300, -100), (300, 100), (360, 100), (360, -100)]))
    chainages, how = _crossings(axes["东西路"], axes["丙街"].geometry, TOL)
    assert (chainages, how) == ([330.0], "路口")


def test_crossings_farther_apart_than_crossing_cluster_m_are_two():
    # 300 and 361: 61 m apart, two crossings.
    axes = _axes(EAST_WEST, ("丙街", [(300, -100), (300, 100), (361, 100), (361, -100)]))
    chainages, _ = _crossings(axes["东西路"], axes["丙街"].geometry, TOL)
    assert chainages == [300.0, 361.0]


# ----------------------------------------------------------------------------- projects: problems
def _resolve(tmp_path, roads, assignments):
    communities = [{"id": "A", "name": "社区", "tier": "general", "geometry": square(-200, -300, 1200, 300)}]
    assignments = assignments + [{"leader": "S1", "kind": "community", "target": "A"}]
    folder = make_project(
        tmp_path / "p", communities=communities, roads=roads, leaders=LEADERS, assignments=assignments
    )
    layers, problems = load_project(folder, load_config(folder))
    project, problems = validate_project(layers, problems)
    assert not [p for p in problems if p.severity == "error"], problems
    return resolve_project(project, TOL)


def test_an_unplaceable_end_is_a_rejecting_error_on_its_row_and_column(tmp_path):
    # Row 2 (header is row 1): "to" is 3,000 on a 1,000 m road: 2,000 m past, more than half.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -9), (0, 9))},
    ]
    resolved, problems = _resolve(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "3000"}]
    )
    assert resolved.coverage.empty
    [problem] = problems
    assert (problem.severity, problem.row, problem.column, problem.value) == ("error", 2, "to", "3000")
    assert problem.rejected is True
    assert problem.file.endswith("assignments.csv")


def test_a_street_crossing_once_at_both_ends_names_the_street_pair(tmp_path):
    # 乙街 crosses once (x = 300): the section 乙街..乙街 is rejected; the value quoted is "乙街..乙街".
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "乙街", "geometry": line((300, -9), (300, 9))},
    ]
    resolved, problems = _resolve(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "乙街", "to": "乙街"}]
    )
    assert resolved.coverage.empty
    [problem] = problems
    assert (problem.severity, problem.row, problem.column, problem.value, problem.rejected) == (
        "error",
        2,
        None,
        "乙街..乙街",
        True,
    )


def test_a_street_crossing_three_times_warns_without_rejecting(tmp_path):
    # Zigzag 丁街 crosses at x = 100, 400, 700: the section runs 100-700 m (600 m); a warning, kept.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "丁街", "geometry": line((100, -9), (100, 9), (400, 9), (400, -9), (700, -9), (700, 9))},
    ]
    resolved, problems = _resolve(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "丁街", "to": "丁街"}]
    )
    assert resolved.coverage.iloc[0]["length_m"] == pytest.approx(600.0, abs=1e-6)
    [problem] = problems
    assert (problem.severity, problem.value, problem.rejected) == ("warning", "丁街..丁街", False)
    assert str(problem.fix) == "若只指其中一段，起点或止点改填另一条相交道路或米数"


def test_a_section_of_zero_length_is_rejected(tmp_path):
    # 甲街 crosses at 0 m and "0" is 0 m: both ends at one place.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -9), (0, 9))},
    ]
    resolved, problems = _resolve(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "0"}]
    )
    assert resolved.coverage.empty
    [problem] = problems
    assert (problem.severity, problem.value, problem.rejected) == ("error", "甲街..0", True)
    assert str(problem.message) == "东西路 上的路段长度为零（两端都在 0 米处）"


def test_two_equally_long_ways_warn_and_take_the_first(tmp_path):
    # 丙街 crosses at 200 and 800 m; "500" lies 300 m from each: two ways of 300 m, 500-200 and
    # 500-800 (equal within min_gap_m). Which one is taken rests on a rounding in the file's
    # coordinates, so either is right; the warning must name both.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "丙街", "geometry": line((200, -9), (200, 9), (800, 9), (800, -9))},
    ]
    resolved, problems = _resolve(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "500", "to": "丙街"}]
    )
    row = resolved.coverage.iloc[0]
    placed = (round(row["start_m"], 6), round(row["end_m"], 6))
    assert placed in {(200.0, 500.0), (500.0, 800.0)}
    assert row["length_m"] == pytest.approx(300.0, abs=1e-6)
    assert row["how"] == "米数 / 路口"
    [problem] = problems
    assert (problem.severity, problem.value, problem.rejected) == ("warning", "500..丙街", False)
    assert "两种同样长的走法（500–" in str(problem.message) and "取了前者" in str(problem.message)
    assert ("200" in str(problem.message)) and ("800" in str(problem.message))

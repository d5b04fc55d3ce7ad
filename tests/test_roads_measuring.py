"""Measuring roads: two carriageways joined at their ends, loops, ends past the road's end, one street at both ends.

Every expected figure is worked out by hand in the comments. Geometry for
`build_axis` is in plain metres; projects are written in fixture metres
(`conftest.m`), which the tool measures to well under a millimetre.
"""

import math

import numpy as np
import pytest
import shapely

from conftest import LEADERS, line, make_project, square
from geo import ValidationError, check, load_config, load_project, resolve_project, validate_project
from geo.config import Tolerances
from geo.roads import build_axis

# Two one-way sides of a divided road, 20 m apart, tapering to meet at (0, 0) and (1000, 0),
# as OpenStreetMap draws them. Each side: 50 m taper + 900 m + 50 m taper, each taper
# sqrt(50² + 10²) = 50.990 m long, so a side is 900 + 2 × 50.990 = 1001.980 m.
NORTH = [(0, 0), (50, 10), (950, 10), (1000, 0)]
SOUTH = [(1000, 0), (950, -10), (50, -10), (0, 0)]
SIDE_M = 900.0 + 2.0 * math.hypot(50.0, 10.0)


def _polygon_ring(radius: float, vertices: int) -> shapely.LineString:
    """A closed regular polygon of `vertices` vertices on a circle of `radius` metres."""
    angles = np.linspace(0.0, 2.0 * np.pi, vertices, endpoint=False)
    coords = np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])
    return shapely.LineString(np.vstack([coords, coords[:1]]))


def _perimeter(radius: float, vertices: int) -> float:
    """A regular polygon's perimeter by hand: n chords of 2 r sin(pi / n)."""
    return vertices * 2.0 * radius * math.sin(math.pi / vertices)


# ----------------------------------------------------------------------------- the axis (geo.roads)
def test_two_sides_joined_at_both_ends_are_two_carriageways_not_a_loop():
    road = build_axis("路", [shapely.LineString(NORTH), shapely.LineString(SOUTH)])
    # The sides mirror each other about y = 0: their centre line is (0, 0)-(1000, 0).
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(1000.0, abs=1e-6)  # one side's run, not the loop's 2,004 m
    assert road.extent_m == pytest.approx(1000.0, abs=1e-6)
    assert road.pieces_m == pytest.approx(2 * SIDE_M, abs=1e-6)  # the ground: both sides
    assert road.branch_m == 0.0
    # Both sides share one chainage: the points facing each other at x = 500 are at 500 m.
    assert road.chainage(shapely.points([(500, 10), (500, -10)])) == pytest.approx([500.0, 500.0], abs=1e-6)
    # The stretch 200-700 m is 500 m of each side: 1,000 m of ground.
    assert road.stretch(200.0, 700.0).length == pytest.approx(1000.0, abs=1e-6)


def test_two_sides_drawn_in_one_piece_are_two_carriageways():
    # One way drawn out along the north side and back along the south: the same road.
    road = build_axis("路", [shapely.LineString(NORTH + SOUTH[1:])])
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(1000.0, abs=1e-6)


def test_two_sides_joined_at_one_end_only_are_two_carriageways():
    # Joined at the east taper; at the west the sides stop 20 m apart, at (0, 10) and (0, -10).
    # Centre line: from (0, 0) to (1000, 0): 1,000 m.
    north = shapely.LineString([(0, 10), (950, 10), (1000, 0)])
    south = shapely.LineString([(1000, 0), (950, -10), (0, -10)])
    road = build_axis("路", [north, south])
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(1000.0, abs=1e-6)


def test_square_ended_dual_carriageway_is_about_one_side():
    # Sides (0, ±10)-(1000, ±10) joined by 20 m ends across: a 1000 x 20 m rectangle. Route length
    # lies between one side (1,000 m) and one side plus both 20 m ends (1,040 m); a loop would be 2,040.
    road = build_axis("路", [shapely.LineString([(0, -10), (0, 10), (1000, 10), (1000, -10), (0, -10)])])
    assert len(road.parts) == 2
    assert 1000.0 - 1e-6 <= road.length_m <= 1010.0


def test_dual_stretch_with_the_undivided_road_running_on():
    # The undivided road runs on 300 m west of the west tip: 300 + 1,000 = 1,300 m, chainage 0 at its end.
    stub = shapely.LineString([(-300, 0), (0, 0)])
    road = build_axis("路", [shapely.LineString(NORTH), shapely.LineString(SOUTH), stub])
    assert len(road.parts) == 3
    assert road.length_m == pytest.approx(1300.0, abs=1e-6)
    assert road.chainage(shapely.points([(-300, 0), (0, 0), (500, 10), (1000, 0)])) == pytest.approx(
        [0.0, 300.0, 800.0, 1300.0], abs=1e-6
    )


def test_a_circular_road_stays_one_loop():
    # A circle of 300 m radius (64-gon): its halves are a diameter (600 m) apart. Route: the whole loop.
    ring = _polygon_ring(300.0, 64)
    road = build_axis("环路", [ring])
    assert len(road.parts) == 1
    assert road.length_m == pytest.approx(_perimeter(300.0, 64), abs=1e-6)  # 1,884.199 m


def test_a_roundabout_stays_one_loop():
    # A roundabout of 20 m radius (32-gon): its halves are close in metres but far for their length.
    road = build_axis("环岛", [_polygon_ring(20.0, 32)])
    assert len(road.parts) == 1
    assert road.length_m == pytest.approx(_perimeter(20.0, 32), abs=1e-6)  # 125.461 m


def test_a_loop_wider_than_two_carriageways_stays_one_loop():
    # A 2000 x 100 m loop street: long and narrow for its length, but its sides are 100 m apart,
    # wider than any divided road. Route: the whole loop, 2 x 2,100 = 4,200 m.
    road = build_axis("绕行路", [shapely.LineString([(0, 0), (2000, 0), (2000, 100), (0, 100), (0, 0)])])
    assert len(road.parts) == 1
    assert road.length_m == pytest.approx(4200.0, abs=1e-6)


# ----------------------------------------------------------------------------- projects (geo.resolve)
def _project(tmp_path, roads, assignments, east=1200, name="p"):
    communities = [{"id": "A", "name": "社区", "tier": "general", "geometry": square(-200, -300, east, 300)}]
    assignments = assignments + [{"leader": "S1", "kind": "community", "target": "A"}]
    return make_project(tmp_path / name, communities=communities, roads=roads, leaders=LEADERS, assignments=assignments)


def _resolve(folder):
    layers, problems = load_project(folder, load_config(folder))
    project, problems = validate_project(layers, problems)
    assert not [p for p in problems if p.severity == "error"], problems
    resolved, more = resolve_project(project, Tolerances())
    return resolved, more


def _within_road(resolved):
    """Every placed section lies within its road's chainage: 0 <= start_m <= end_m <= extent_m."""
    extent = resolved.road_axes["extent_m"]
    for row in resolved.coverage.itertuples():
        assert 0.0 <= row.start_m <= row.end_m <= extent[row.road] + 1e-9, row


def _dual_roads(*crossings_x):
    roads = [{"name": "大道", "geometry": line(*NORTH)}, {"name": "大道", "geometry": line(*SOUTH)}]
    for name, x in crossings_x:
        roads.append({"name": name, "geometry": line((x, -100), (x, 100))})
    return roads


def test_section_between_cross_streets_covers_both_sides(tmp_path):
    roads = _dual_roads(("甲街", 200), ("乙街", 700))
    folder = _project(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "大道", "from": "甲街", "to": "乙街"}]
    )
    resolved, problems = _resolve(folder)
    assert problems == []
    assert resolved.road_axes.at["大道", "length_m"] == pytest.approx(1000.0, abs=1e-3)
    row = resolved.coverage.iloc[0]
    # Each street crosses both sides (x = 200 at y = ±10): one crossing at chainage 200.
    assert (row["start_m"], row["end_m"]) == pytest.approx((200.0, 700.0), abs=1e-3)
    assert row["length_m"] == pytest.approx(500.0, abs=1e-3)
    assert row["geometry"].length == pytest.approx(1000.0, abs=1e-3)  # 500 m of each side
    assert (row["how_from"], row["how_to"], row["off_from_m"], row["off_to_m"]) == ("crossing", "crossing", 0.0, 0.0)
    _within_road(resolved)


def test_dual_carriageway_covered_end_to_end_has_no_gap(tmp_path):
    # Streets through both tips (x = 0, 1000) and across the middle (x = 500); two sections cover
    # 0-500 and 500-1,000 m. As a loop, half the road would be a 1,000 m "gap".
    roads = _dual_roads(("甲街", 0), ("乙街", 500), ("丙街", 1000))
    folder = _project(
        tmp_path,
        roads,
        [
            {"leader": "D1", "kind": "section", "target": "大道", "from": "甲街", "to": "乙街"},
            {"leader": "D2", "kind": "section", "target": "大道", "from": "乙街", "to": "丙街"},
        ],
    )
    analysis = check(folder, load_config(folder)).analysis
    assert "section_gap" not in set(analysis.gaps["kind"])
    table = analysis.roads.set_index("road")
    assert table.at["大道", "length_m"] == pytest.approx(1000.0, abs=1e-3)
    assert table.at["大道", "covered_m"] == pytest.approx(1000.0, abs=1e-3)
    assert table.at["大道", "gap_m"] == 0.0
    assert table.at["大道", "pieces_m"] == pytest.approx(2 * SIDE_M, abs=1e-3)
    sections = analysis.resolved.coverage.set_index("leader")
    # D1's stretch: the west taper (50.990 m) and 450 m on each side.
    assert sections.at["D1", "geometry"].length == pytest.approx(2 * (math.hypot(50, 10) + 450), abs=1e-3)


def _straight_road(length=1200):
    return [
        {"name": "东西路", "geometry": line((0, 0), (length, 0))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
    ]


def test_distance_past_the_end_is_taken_as_the_end_with_a_warning(tmp_path):
    folder = _project(
        tmp_path,
        _straight_road(1200),
        [
            {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "1500"},
            {"leader": "D2", "kind": "section", "target": "东西路", "from": "1200.5", "to": "600"},
        ],
        east=1400,
    )
    resolved, problems = _resolve(folder)
    sections = resolved.coverage.set_index("leader")
    # 1,500 on a 1,200 m road: 300 m past the end, within half the road's length: taken as 1,200.
    assert (sections.at["D1", "start_m"], sections.at["D1", "end_m"]) == pytest.approx((0.0, 1200.0), abs=1e-6)
    assert sections.at["D1", "length_m"] == pytest.approx(1200.0, abs=1e-6)
    # 1,200.5: half a metre past (under min_gap_m, a rounding): the end, without a word.
    assert (sections.at["D2", "start_m"], sections.at["D2", "end_m"]) == pytest.approx((600.0, 1200.0), abs=1e-6)
    assert len(problems) == 1
    warning = problems[0]
    assert (warning.severity, warning.row, warning.column, warning.value) == ("warning", 2, "to", "1500")
    assert not warning.rejected
    assert "1500 米超出了 东西路 的终点" in str(warning.message) and "1200.0 米" in str(warning.message)
    _within_road(resolved)


def test_distance_far_past_the_end_is_an_error(tmp_path):
    # 2,000 on a 1,200 m road: 800 m past, more than half its length: another road or wrong units.
    folder = _project(
        tmp_path,
        _straight_road(1200),
        [
            {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "2000"},
        ],
        east=1400,
    )
    with pytest.raises(ValidationError, match="assignments.csv 第 2 行，“to”列.*2000 米超出了道路终点"):
        check(folder, load_config(folder))


def test_crossing_beyond_the_axis_end_is_at_the_end(tmp_path):
    # The north carriageway (995 m, shorter than the south one, which is the axis) runs 15 m past the
    # axis's end at x = 1000: too short to extend it. 乙街 at x = 1010 meets only that stretch: its
    # crossing lies past the axis's end, and its chainage is the end, 1,000 m.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "东西路", "geometry": line((20, 20), (1015, 20))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "乙街", "geometry": line((1010, 5), (1010, 100))},
    ]
    folder = _project(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街"}]
    )
    resolved, _ = _resolve(folder)
    assert resolved.road_axes.at["东西路", "extent_m"] == pytest.approx(1000.0, abs=1e-6)
    assert resolved.coverage.iloc[0]["end_m"] == pytest.approx(1000.0, abs=1e-6)
    _within_road(resolved)


def _loop_street_roads():
    # 丙街 leaves 东西路 at x = 120, loops north and comes back across it at x = 860.
    return [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "乙街", "geometry": line((300, -100), (300, 100))},
        {"name": "丙街", "geometry": line((120, -100), (120, 100), (860, 100), (860, -100))},
    ]


def test_section_from_a_street_to_itself_runs_between_its_two_crossings(tmp_path):
    folder = _project(
        tmp_path,
        _loop_street_roads(),
        [{"leader": "D1", "kind": "section", "target": "东西路", "from": "丙街", "to": "丙街"}],
    )
    resolved, problems = _resolve(folder)
    assert problems == []  # not "two equally long ways" (120-860 or 860-120)
    row = resolved.coverage.iloc[0]
    assert (row["start_m"], row["end_m"]) == pytest.approx((120.0, 860.0), abs=1e-6)
    assert row["length_m"] == pytest.approx(740.0, abs=1e-6)
    # between 丙街's first and last crossings (words: 丙街（两处路口，120 米与 860 米）, not 丙街 至 丙街)
    assert (row["how_from"], row["how_to"], row["off_from_m"], row["off_to_m"]) == (
        "two_crossings",
        "two_crossings",
        0.0,
        0.0,
    )


def test_section_from_a_street_to_itself_that_crosses_once_is_an_error(tmp_path):
    folder = _project(
        tmp_path,
        _loop_street_roads(),
        [{"leader": "D1", "kind": "section", "target": "东西路", "from": "乙街", "to": "乙街"}],
    )
    with pytest.raises(ValidationError) as err:
        check(folder, load_config(folder))
    text = str(err.value)
    assert "assignments.csv 第 2 行：路段的起点和止点是同一处：乙街 只在 300 米处与 东西路 相交一次" in text
    assert "起点或止点改填另一条与 东西路 相交的道路" in text


def test_section_from_a_street_that_crosses_three_times_runs_first_to_last_with_a_warning(tmp_path):
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        # a zigzag street across 东西路 at x = 100, 400 and 700
        {"name": "丁街", "geometry": line((100, -100), (100, 100), (400, 100), (400, -100), (700, -100), (700, 100))},
    ]
    folder = _project(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "丁街", "to": "丁街"}]
    )
    resolved, problems = _resolve(folder)
    row = resolved.coverage.iloc[0]
    assert (row["start_m"], row["end_m"]) == pytest.approx((100.0, 700.0), abs=1e-6)
    assert [(p.severity, p.row) for p in problems] == [("warning", 2)]
    assert "丁街 与 东西路 相交 3 处（100、400、700 米）" in str(problems[0].message)

"""Road axes (geo/roads.py): extension, stretches across a data gap, tips of folded parts.

Plain metres, no reprojection; every expected figure is worked out by hand in
the comments. ``OFF`` moves a layout away from the origin: the rules depend on
where the road is only through distances, so a shifted copy must measure the same.
"""

import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.ops import substring

from geo.roads import _centre, _cut, build_axis, merged_roads, road_inside

OFF = (5000.0, 3000.0)


def _at(coords, off=(0.0, 0.0)):
    return shapely.LineString([(x + off[0], y + off[1]) for x, y in coords])


# ----------------------------------------------------------------------------- a gap in the data
# 西段 0-500 m on y = 0; 东段 from (600, 30) to (1000, 30), 400 m. The axis runs on from (500, 0)
# to (600, 30), sqrt(100² + 30²) = 104.403 m, then along 东段: extent 500 + 104.403 + 400.
BRIDGE_M = math.hypot(100.0, 30.0)
EAST_START = 500.0 + BRIDGE_M  # 604.403: chainage where 东段 begins


def _gapped():
    return build_axis("路", [_at([(0, 0), (500, 0)]), _at([(600, 30), (1000, 30)])])


def test_a_gap_in_the_data_extends_the_axis_but_is_not_road():
    road = _gapped()
    assert road.name == "路"
    assert road.extent_m == pytest.approx(900.0 + BRIDGE_M, abs=1e-6)  # 1,004.403
    assert road.length_m == pytest.approx(900.0, abs=1e-6)  # 500 + 400: the bridge is not road
    assert [x for span in road.present for x in span] == pytest.approx([0.0, 500.0, EAST_START, 900.0 + BRIDGE_M])


def test_a_stretch_inside_the_gap_is_drawn_on_the_axis():
    # 520-580 m lies on the bridge: no part holds it; it is drawn along the axis, 60 m.
    piece = _gapped().stretch(520.0, 580.0)
    assert piece.geom_type == "LineString"
    assert piece.length == pytest.approx(60.0, abs=1e-6)
    # 20 m along the bridge from (500, 0), heading (100, 30) / 104.403.
    assert piece.coords[0] == pytest.approx((500.0 + 20.0 * 100 / BRIDGE_M, 20.0 * 30 / BRIDGE_M), abs=1e-6)


def test_a_stretch_starting_in_the_gap_is_only_the_part_beyond_it():
    # 550-900 m: 西段 ends at 500 (skipped), 东段 from 604.403 to 900: 295.597 m, not the 350 m
    # the axis would give with its bridge.
    piece = _gapped().stretch(550.0, 900.0)
    assert piece.geom_type == "LineString"
    assert piece.length == pytest.approx(900.0 - EAST_START, abs=1e-6)
    assert piece.coords[0] == pytest.approx((600.0, 30.0), abs=1e-6)


def test_a_stretch_across_the_gap_has_both_parts_and_not_the_bridge():
    # 499.5-800 m: half a metre of 西段 (counted, however short) and 604.403-800 of 东段.
    piece = _gapped().stretch(499.5, 800.0)
    assert piece.geom_type == "MultiLineString"
    assert piece.length == pytest.approx(0.5 + 800.0 - EAST_START, abs=1e-6)


def test_a_stretch_on_one_part_is_a_single_line():
    piece = _gapped().stretch(100.0, 450.0)
    assert piece.geom_type == "LineString"
    assert piece.length == pytest.approx(350.0, abs=1e-6)


# ----------------------------------------------------------------------------- the 20 m extension rule
@pytest.mark.parametrize(("past_m", "extent_m"), [(20.0, 1040.0), (19.5, 1000.0)])
def test_a_carriageway_extends_the_axis_only_if_it_runs_on_20_m(past_m, extent_m):
    # Axis (0, 0)-(1000, 0). The other carriageway runs (30, 20)-(1000, 20) and on past_m metres.
    # 20 m past the end (>= _EXTEND_MIN_M): the axis runs on from (1000, 0) up to (1000, 20) (20 m)
    # and along the 20 m: 1,000 + 20 + 20 = 1,040. 19.5 m: too short, the axis stays 1,000 m.
    other = _at([(30, 20), (1000, 20), (1000 + past_m, 20)])
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), other])
    assert road.extent_m == pytest.approx(extent_m, abs=1e-6)


def test_the_straightest_continuation_extends_the_axis_first():
    # Axis (0, 0)-(500, 0)-(1000, 0). Past its east end: 直段, 300 m straight on from (1050, 0), and
    # 斜段, 350 m from (1030, 30) at 70° to the axis (longer, but turning). The straight one extends
    # the axis: 1,000 + 50 (gap) + 300 = 1,350 m. 斜段 then leaves the axis sideways: its chainage
    # spreads 350 cos 70° = 119.7 m, under half its length: a branch of 350 m.
    # Route: 1,000 + 300 = 1,300 m.
    end = (1030 + 350 * math.cos(math.radians(70)), 30 + 350 * math.sin(math.radians(70)))
    road = build_axis("路", [_at([(0, 0), (500, 0), (1000, 0)]), _at([(1050, 0), (1350, 0)]), _at([(1030, 30), end])])
    assert road.extent_m == pytest.approx(1350.0, abs=1e-6)
    assert road.length_m == pytest.approx(1300.0, abs=1e-6)
    assert road.branch_m == pytest.approx(350.0, abs=1e-6)


def test_the_straightest_continuation_at_the_start_extends_the_axis_first():
    # The same at the axis's start (its first vertex, (0, 0)): 直段 (-350, 0)-(-50, 0) runs straight
    # on westwards, 斜段 leaves (-30, 30) at 70° to the north-west. 直段 extends the axis:
    # 300 + 50 + 1,000 = 1,350 m, chainage 0 moves to (-350, 0) and (0, 0) is at 350 m.
    end = (-30 - 350 * math.cos(math.radians(70)), 30 + 350 * math.sin(math.radians(70)))
    road = build_axis("路", [_at([(0, 0), (500, 0), (1000, 0)]), _at([(-350, 0), (-50, 0)]), _at([(-30, 30), end])])
    assert road.extent_m == pytest.approx(1350.0, abs=1e-6)
    assert road.length_m == pytest.approx(1300.0, abs=1e-6)
    assert road.chainage(shapely.points([(0, 0), (-350, 0)])) == pytest.approx([350.0, 0.0], abs=1e-6)


# ----------------------------------------------------------------------------- a carriageway drawn backwards
def test_a_carriageway_drawn_backwards_shares_the_chainage():
    # North side drawn east to west, (1000, 20)-(995, 20)-(10, 20): uneven samples (5 m, then
    # 9.95 m). Reoriented along the axis, the stretch 200-700 m of it runs x = 200 to 700.
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(1000, 20), (995, 20), (10, 20)])])
    assert road.extent_m == pytest.approx(1000.0, abs=1e-6)
    stretch = road.stretch(200.0, 700.0)
    assert stretch.length == pytest.approx(1000.0, abs=1e-6)  # 500 m of each side
    north = [g for g in shapely.get_parts(stretch) if g.coords[0][1] > 10][0]
    assert (north.coords[0][0], north.coords[-1][0]) == pytest.approx((200.0, 700.0), abs=1e-6)


def test_a_carriageway_drawn_backwards_from_past_the_end_shares_the_chainage():
    # North side drawn east to west from 15 m past the end, (1015, 20)-(30, 20) (under 20 m: no
    # extension). Its first two samples, x = 1015 and 1005.05, both project to the end (1,000): its
    # last, x = 30, projects to 30, so it runs backwards and is turned round: 30-1,000, no branch.
    # The stretch 200-700 m is 500 m of each side.
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(1015, 20), (30, 20)])])
    assert road.branch_m == 0.0
    assert road.stretch(200.0, 700.0).length == pytest.approx(1000.0, abs=1e-6)


# ----------------------------------------------------------------------------- where a folded part is cut
@pytest.mark.parametrize("off", [(0.0, 0.0), OFF])
def test_two_sides_joined_at_one_end_anywhere_on_the_map(off):
    # Joined at the east taper; at the west they stop 20 m apart. Cut at the vertex farthest from
    # the middle of the two open ends (the east tip): two carriageways, centre line (0, 0)-(1000, 0).
    north = _at([(0, 10), (950, 10), (1000, 0)], off)
    south = _at([(1000, 0), (950, -10), (0, -10)], off)
    road = build_axis("路", [north, south])
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(1000.0, abs=1e-6)


@pytest.mark.parametrize("off", [(0.0, 0.0), OFF])
def test_a_square_ended_loop_drawn_from_mid_side_is_two_carriageways(off):
    # The 1000 x 20 m rectangle of test_roads_measuring, but drawn from the middle of its north side.
    # The cuts are its tips (the ends of the long sides), wherever drawing begins: two sides of
    # 1,020 m each, not one loop of 2,040 m; the route lies between 1,000 and 1,010 m.
    ring = _at([(500, 10), (1000, 10), (1000, -10), (0, -10), (0, 10), (500, 10)], off)
    road = build_axis("路", [ring])
    assert len(road.parts) == 2
    assert road.pieces_m == pytest.approx(2040.0, abs=1e-6)
    assert 1000.0 - 1e-6 <= road.length_m <= 1010.0


@pytest.mark.parametrize("off", [(0.0, 0.0), OFF])
def test_two_sides_joined_at_their_west_end_anywhere_on_the_map(off):
    # The same layout mirrored: open at the east (ends (1000, ±10)), joined at the west taper (0, 0).
    # The tip is the vertex farthest from the middle of the open ends, (1000, 0): (0, 0), 1,000 m
    # away, not an open end (10 m away), wherever the layout lies on the map.
    north = _at([(1000, 10), (50, 10), (0, 0)], off)
    south = _at([(0, 0), (50, -10), (1000, -10)], off)
    road = build_axis("路", [north, south])
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(1000.0, abs=1e-6)


@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("off", [(0.0, 0.0), OFF])
def test_two_straight_sides_meeting_at_a_point_are_two_carriageways(off, flip):
    # One-way sides drawn as two straight ways from a junction node (300, 0) to ends exactly
    # _DUAL_APART_M = 50 m apart, (0, ±25): three vertices, the tip the middle one. Half of a side
    # lies within 301.04 × 0.5 × sin(2 atan(25 / 300)) = 24.9 m of the other (<= min(50, 0.15 ×
    # 301.04)): two carriageways. Their centre line runs (0, 0)-(300, 0): route 300 m. Mirrored
    # (tip to the west) and shifted, the same.
    points = [(0, 25), (300, 0), (0, -25)]
    if flip:
        points = [(300 - x, y) for x, y in points]
    road = build_axis("路", [_at(points, off)])
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(300.0, abs=1e-6)


def test_a_fold_whose_ends_are_more_than_50_m_apart_is_one_road():
    # Ends (0, ±26): 52 m apart > _DUAL_APART_M, so it is not cut at all: one part, its whole
    # length 2 × sqrt(300² + 26²) = 602.249 m.
    road = build_axis("路", [_at([(0, 26), (300, 0), (0, -26)])])
    assert len(road.parts) == 1
    assert road.length_m == pytest.approx(2 * math.hypot(300.0, 26.0), abs=1e-6)


def test_a_loop_is_cut_at_the_tip_nearest_where_it_was_drawn_from():
    # The 1000 x 20 m rectangle drawn from (400, 10), eastwards. Tips: the vertex farthest from
    # (400, 10) is (1000, -10) (600.3 m); the one farthest from that is (0, 10) (1,000.2 m), the tip
    # nearest the start, where chainage 0 lies. Sides out (0, 10)-(1000, 10)-(1000, -10) and back
    # (0, 10)-(0, -10)-(1000, -10), 1,020 m each, paired every 10 m: centre (0, 10), (10, 0),
    # (990, 0), (1000, -10). Chainage of (100, 0): 10√2 + 90 = 104.142 (from the east: 904.142). (Within
    # a metre: were the samples, about 10 m apart, to miss the corners, they would cut them a little.)
    road = build_axis("路", [_at([(400, 10), (1000, 10), (1000, -10), (0, -10), (0, 10), (400, 10)])])
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(980.0 + 20.0 * math.sqrt(2.0), abs=1.0)
    assert road.chainage(shapely.Point(100, 0)) == pytest.approx(90.0 + 10.0 * math.sqrt(2.0), abs=1.0)


def test_a_loop_whose_tips_are_its_last_two_vertices_is_two_carriageways():
    # Drawn clockwise from the west tip: (0, 0), (50, 10), (950, 10), (1000, 0), back to (0, 0). The
    # tips are (0, 0) and (1000, 0), the last vertex before the ring closes: out is the north side
    # (2 × 50.99 + 900 = 1,001.98 m), back the straight south side (1,000 m). Two carriageways, the
    # centre line from (0, 0) to (1000, 0): at least 1,000 m, at most (1,001.98 + 1,000) / 2.
    road = build_axis("路", [_at([(0, 0), (50, 10), (950, 10), (1000, 0), (0, 0)])])
    assert len(road.parts) == 2
    assert 1000.0 - 1e-6 <= road.length_m <= (2 * math.hypot(50.0, 10.0) + 900.0 + 1000.0) / 2


def test_sides_exactly_50_m_apart_are_two_carriageways():
    # A 1000 x 50 m rectangle: cut at (0, 25) and (1000, -25), halves of 1,050 m. Of the 106 samples of
    # one half, 96 lie exactly 50 m from the other: the median is 50 = _DUAL_APART_M (not more).
    # Centre (0, 25), (25, 0), (975, 0), (1000, -25): 950 + 2 × 25√2 = 1,020.711 m (within a metre, as above).
    road = build_axis("路", [_at([(0, 25), (1000, 25), (1000, -25), (0, -25), (0, 25)])])
    assert len(road.parts) == 2
    assert road.length_m == pytest.approx(950.0 + 50.0 * math.sqrt(2.0), abs=1.0)


@pytest.mark.parametrize(
    "points",
    [
        [(0.0, 0.0), (20.0, 1.0), (40.0, 0.0)],  # the first end is the farthest from the middle (a tie)
        # in UTM coordinates rounding makes the last end farther, by an ulp
        [(620000.1, 3350000.0), (620020.15, 3350001.0), (620040.2, 3350000.0)],
    ],
)
def test_a_short_street_with_a_bend_is_one_part(points):
    # Ends under 50 m apart, so _unfold looks for a tip: the vertex farthest from the middle of the
    # ends is an end itself (the bend is 1 m off the chord): nothing to cut. One part, 2 × sqrt(20² + 1²)
    # (2 × sqrt(20.05² + 1²) for the second).
    half = math.hypot(points[1][0] - points[0][0], 1.0)
    road = build_axis("路", [shapely.LineString(points)])
    assert len(road.parts) == 1
    assert road.length_m == pytest.approx(2 * half, abs=1e-6)


def test_the_centre_line_of_a_curved_dual_road_follows_the_curve():
    # Two carriageways drawn as half circles of radius 490 and 510 m (720 segments each), paired at
    # equal shares: midpoints on the 500 m half circle, 500π = 1,570.796 m long. Sampled every
    # 1,602.2 / 161 = 9.95 m (162 points), the chords fall short by 161 × (500π/161)³ / (24 × 500²)
    # = 0.025 m; the centre line is within 5 cm of the arc.
    angles = [math.pi * k / 720 for k in range(721)]
    inner = shapely.LineString([(490 * math.cos(a), 490 * math.sin(a)) for a in angles])
    outer = shapely.LineString([(510 * math.cos(a), 510 * math.sin(a)) for a in angles])
    assert _centre(inner, outer).length == pytest.approx(500 * math.pi, abs=0.05)


# ----------------------------------------------------------------------------- the stretch past an end
@pytest.mark.parametrize("end", ["tail", "head"])
def test_a_continuation_drawn_towards_the_road_extends_it_to_its_far_end(end):
    # Past the east end: a piece drawn from (1030, 110) down to (1030, 0) and on to (1010, 0), towards
    # the road (14 samples, every 10 m). The axis runs on from (1000, 0) to its near end (1010, 0),
    # round the corner (1030, 0) and up to (1030, 110): 1,000 + 10 + 20 + 110 = 1,140 m. At the west
    # end, mirrored, the same.
    piece = [(1030, 110), (1030, 0), (1010, 0)]
    if end == "head":
        piece = [(1000 - x, y) for x, y in piece]
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at(piece)])
    assert road.extent_m == pytest.approx(1140.0, abs=1e-6)


@pytest.mark.parametrize("end", ["tail", "head"])
def test_the_run_past_the_end_starts_at_the_near_end_of_the_piece(end):
    # Past the east end of (0, 0)-(500, 0)-(1000, 0), a hook drawn (1010, 0), (1050, 0), (1050, 40),
    # (1002, 40), 128 m, all of it past the end. Its near end is the one closest to the axis's end
    # (1000, 0): (1010, 0), 10 m (not (1002, 40), 40.05 m, though that one is nearer the axis's other
    # vertices). Extent 1,000 + 10 + 128 = 1,138 m. At the west end, mirrored, the same.
    piece = [(1010, 0), (1050, 0), (1050, 40), (1002, 40)]
    if end == "head":
        piece = [(1000 - x, y) for x, y in piece]
    road = build_axis("路", [_at([(0, 0), (500, 0), (1000, 0)]), _at(piece)])
    assert road.extent_m == pytest.approx(1138.0, abs=1e-6)


def test_of_two_stretches_past_the_end_the_longer_extends_the_axis():
    # A piece past the east end, back alongside, and past it again: (1030, 30)-(1005, 30) (25 m past),
    # then (990, 40), (990, 60) (alongside), then (990, 60)-(1100, 60) (100 m past from x = 1000).
    # The longer stretch extends the axis: from (1000, 0) up to (1000, 60) and on to (1100, 60),
    # 1,000 + 60 + 100 = 1,160 m (the shorter would give 1,000 + 30.41 + 25).
    piece = _at([(1030, 30), (1005, 30), (990, 40), (990, 60), (1100, 60)])
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), piece])
    assert road.extent_m == pytest.approx(1160.0, abs=1e-6)


@pytest.mark.parametrize("end", ["tail", "head"])
def test_only_samples_past_the_end_count_towards_the_20_m(end):
    # The other carriageway ends with a jog half a metre before the east end, (999.5, 20)-(999.5, 30),
    # then runs 15 m past it, (1000, 30)-(1015, 30). Only those 15 m are past the end: under 20 m, no
    # extension (counting the jog, 10 + 0.5 + 15 = 25.5 m, would extend it). Mirrored at the west end.
    piece = [(30, 20), (999.5, 20), (999.5, 30), (1000, 30), (1015, 30)]
    if end == "head":
        piece = [(1000 - x, y) for x, y in piece]
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at(piece)])
    assert road.extent_m == pytest.approx(1000.0, abs=1e-6)


def test_a_part_past_both_ends_extends_both():
    # The axis (0, 0)-(400, 0)-(500, -200)-(600, 0)-(1000, 0) winds (800 + 2 × 223.607 = 1,247.214 m);
    # the other carriageway runs straight at y = 20 from x = -50 to 1080 (1,130 m), past both ends:
    # 80 m past the east end, 50 m past the west end. Both extend the axis: east by 20 + 80, west by
    # 20 + 50: 1,247.214 + 100 + 70 = 1,417.214 m, from (-50, 20). Chainage 0-40 is that carriageway's
    # first 40 m, (-50, 20)-(-10, 20).
    axis = _at([(0, 0), (400, 0), (500, -200), (600, 0), (1000, 0)])
    road = build_axis("路", [axis, _at([(-50, 20), (1080, 20)])])
    assert road.extent_m == pytest.approx(800.0 + 2 * math.hypot(100.0, 200.0) + 170.0, abs=1e-6)
    assert road.axis.coords[0] == pytest.approx((-50.0, 20.0))
    piece = road.stretch(0.0, 40.0)
    assert piece.length == pytest.approx(40.0, abs=1e-6)
    assert piece.coords[0] == pytest.approx((-50.0, 20.0), abs=1e-6)


def test_a_part_that_turns_back_past_the_end_extends_the_axis_once():
    # A hairpin (800, 20)-(1100, 20)-(1100, 80)-(800, 80) (ends 60 m apart: no fold): all of it from
    # x = 1000 on lies past the east end, one stretch: the axis runs on (1000, 0)-(1000, 20)-(1100, 20)-
    # (1100, 80)-(1000, 80), 1,000 + 20 + 100 + 60 + 100 = 1,280 m. The way back, alongside the road,
    # does not extend it again (the stretch of it nearest the new end is past that end only because
    # the axis turned back).
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(800, 20), (1100, 20), (1100, 80), (800, 80)])])
    assert road.extent_m == pytest.approx(1280.0, abs=1e-6)


# ----------------------------------------------------------------------------- which continuation first
def test_a_collinear_continuation_on_a_diagonal_is_straight_on():
    # Axis (0, 0)-(600, 1000), 200√34 m. 直段 (630, 1050)-(930, 1550) runs straight on: heading and
    # onward both along (3, 5), and their cosine rounds to 1.0000000000000002 (a turn of 0, not NaN).
    # 斜段 (590, 1040)-(-10, 1400), 120√34 = 699.7 m (longer, so tried first), leaves at 90°.
    # 直段 extends the axis: 200√34 + 10√34 (gap) + 100√34 = 310√34 = 1,807.595 m; 斜段 is a branch.
    road = build_axis(
        "路", [_at([(0, 0), (600, 1000)]), _at([(630, 1050), (930, 1550)]), _at([(590, 1040), (-10, 1400)])]
    )
    assert road.extent_m == pytest.approx(310 * math.sqrt(34.0), abs=1e-6)
    assert road.branch_m == pytest.approx(120 * math.sqrt(34.0), abs=1e-6)


@pytest.mark.parametrize(
    ("other_deg", "extent_m"),
    [
        (10.0, 1210.0 + 10.0 * math.sqrt(2.0)),  # A turns 2.73° < 10°: A (a kink's 45° does not count)
        (2.8, 1210.0 + 10.0 * math.sqrt(2.0)),  # 2.73° < 2.8° (to its last-but-one sample: 2.86°)
        (2.0, 1200.0 + math.sqrt(500.0)),  # 2.0° < 2.73°: B (from A's second sample: 1.40°)
    ],
)
def test_the_turn_is_measured_from_the_first_to_the_last_point_past_the_end(other_deg, extent_m):
    # Past the east end of (0, 0)-(1000, 0): A (1010, 0)-(1020, 10)-(1220, 10) starts with a 45° kink
    # and then runs straight on; its turn is that of its chord (210, 10): atan(10 / 210) = 2.73°.
    # B leaves (1010, -20) straight, 200 m at other_deg below the axis. The smaller turn extends the
    # axis: A gives 1,000 + 10 + 10√2 + 200; B gives 1,000 + sqrt(10² + 20²) + 200. The other then
    # runs alongside, under 20 m past the new end.
    b = math.radians(other_deg)
    other = _at([(1010, -20), (1010 + 200 * math.cos(b), -20 - 200 * math.sin(b))])
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(1010, 0), (1020, 10), (1220, 10)]), other])
    assert road.extent_m == pytest.approx(extent_m, abs=1e-6)


def test_of_two_equally_straight_continuations_the_longer_extends_first():
    # After a data gap the road divides: A (1050, 0)-(1100, 0), 50 m, and B (1050, 30)-(1300, 30),
    # 250 m, both straight on (turn 0). B, the longer, extends the axis: 1,000 + sqrt(50² + 30²) +
    # 250 = 1,308.310 m, and A lies alongside it. (A first would give 1,100 + 30 + 200 = 1,330.)
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(1050, 0), (1100, 0)]), _at([(1050, 30), (1300, 30)])])
    assert road.extent_m == pytest.approx(1250.0 + math.hypot(50.0, 30.0), abs=1e-6)


def test_two_extensions_before_the_start_both_move_chainage_0():
    # West of (0, 0)-(1000, 0): A (-250, 0)-(-30, 0), 220 m, then B (-400, 0)-(-300, 0), 100 m, both
    # straight on. A extends the head first (the longer): chainage 0 moves 250 m west; then B: 150 m
    # more. The first part starts at chainage 400: present [0, 100] (B), [150, 370] (A), [400, 1400].
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(-250, 0), (-30, 0)]), _at([(-400, 0), (-300, 0)])])
    assert road.extent_m == pytest.approx(1400.0, abs=1e-6)
    assert [x for span in road.present for x in span] == pytest.approx([0, 100, 150, 370, 400, 1400], abs=1e-6)


# ----------------------------------------------------------------------------- branches and short pieces
def test_a_part_spanning_exactly_half_its_length_is_not_a_branch():
    # (400, 20)-(450, 20)-(450, 70): 100 m, its chainage spans 400-450, 50 m = exactly _BRANCH (half)
    # of its length, not less: part of the road, no branch.
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(400, 20), (450, 20), (450, 70)])])
    assert road.branch_m == 0.0
    assert len(road.parts) == 2


def test_a_piece_under_a_metre_still_counts():
    # A 0.6 m piece of the other carriageway, (500, 20)-(500.6, 20): every piece counts, however short.
    road = build_axis("路", [_at([(0, 0), (1000, 0)]), _at([(500, 20), (500.6, 20)])])
    assert road.pieces_m == pytest.approx(1000.6, abs=1e-9)
    assert len(road.parts) == 2


# ----------------------------------------------------------------------------- cutting a stretch
_vertices = st.lists(
    st.tuples(st.integers(-500, 500), st.integers(-500, 500)).map(lambda p: (float(p[0]), float(p[1]))),
    min_size=2,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_vertices, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_a_cut_is_the_substring_shapely_gives(points, u, v):
    # The independent method: shapely.ops.substring, on lines with repeated vertices, turns and
    # doubling back; the fast cut must give the same vertices to within rounding.
    line = shapely.LineString(points)
    assume(line.length > 0)
    start, end = sorted((u * line.length, v * line.length))
    assume(end - start > 1e-6)
    coords = shapely.get_coordinates(line)
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    mine = _cut(coords, along, start, end)
    theirs = substring(line, start, end)
    assert mine.length == pytest.approx(end - start, abs=1e-6)
    np.testing.assert_allclose(shapely.get_coordinates(mine), shapely.get_coordinates(theirs), atol=1e-6)


def test_a_cut_by_hand():
    # An L: (0,0) -> (100,0) -> (100,50). From 40 m to 120 m: (40,0), the corner (100,0), then
    # 20 m up, (100,20); the corner is kept, the ends interpolated.
    coords = np.array([(0.0, 0.0), (100.0, 0.0), (100.0, 50.0)])
    cut = _cut(coords, np.array([0.0, 100.0, 150.0]), 40.0, 120.0)
    assert shapely.get_coordinates(cut).tolist() == [[40.0, 0.0], [100.0, 0.0], [100.0, 20.0]]
    # Ending exactly at the corner keeps it once, as an end.
    cut = _cut(coords, np.array([0.0, 100.0, 150.0]), 40.0, 100.0)
    assert shapely.get_coordinates(cut).tolist() == [[40.0, 0.0], [100.0, 0.0]]


# ----------------------------------------------------------------------------- merging all roads at once
def _merged_one_by_one(names, pieces):
    by_name: dict[str, list] = {}
    for name, piece in zip(names, pieces):
        by_name.setdefault(name, []).append(piece)
    return {n: shapely.line_merge(shapely.union_all(by_name[n])) for n in sorted(by_name)}


def _assert_merged_as_one_by_one(names, pieces):
    got_names, got = merged_roads(names, pieces)
    want = _merged_one_by_one(names, pieces)
    assert got_names == list(want)
    for name, lines in zip(got_names, got):
        # exactly equal, vertex order included: the axis starts at the merged line's first vertex
        assert shapely.equals_exact(lines, want[name], tolerance=0), name


_segment = st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)).filter(
    lambda s: (s[0], s[1]) != (s[2], s[3])
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("甲乙丙"), st.lists(_segment, min_size=1, max_size=3)), min_size=1, max_size=8)
)
def test_roads_merged_at_once_are_merged_as_one_by_one(roads):
    # Pieces on a 5 x 5 grid (100 m): touching end to end, crossing, overlapping, drawn twice, as
    # chains of segments; the independent method is each road's union merged on its own.
    names, pieces = [], []
    for name, segments in roads:
        for x0, y0, x1, y1 in segments:
            names.append(name)
            pieces.append(shapely.LineString([(x0 * 100.0, y0 * 100.0), (x1 * 100.0, y1 * 100.0)]))
    _assert_merged_as_one_by_one(names, pieces)


def test_openstreetmap_roads_merged_at_once_are_merged_as_one_by_one():
    # Real pieces: the OpenStreetMap extract of tests/data/osm (dual carriageways, roads crossing
    # themselves, ways split at every junction), 301 named roads of which a dozen are not simple.
    import pyogrio

    extract = Path(__file__).resolve().parent / "data" / "osm" / "aguascalientes.osm.pbf"  # ODbL, see its README
    lines = pyogrio.read_dataframe(extract, layer="lines")
    lines = lines[lines["name"].notna() & (lines["name"] != "")].to_crs(32613)
    _assert_merged_as_one_by_one(lines["name"].tolist(), list(lines.geometry.values))


# ----------------------------------------------------------------------------- the road as the district counts it
def _box(x0, y0, x1, y1, off=OFF):
    return shapely.box(x0 + off[0], y0 + off[1], x1 + off[0], y1 + off[1])


def test_a_road_touching_the_district_s_edge_from_inside_is_one_stretch_to_where_it_leaves():
    # 路 (0, 0)-(300, 10)-(600, 0)-(1000, 0)-(1100, 0): it touches the edge y = 10 at its vertex (300, 10)
    # and leaves at x = 1010. Inside: 0 to 2 x hypot(300, 10) + 400 + 10 = 1,010.333 m, one stretch
    # (the pieces either side of the touch join), not two.
    road = build_axis("路", [_at([(0, 0), (300, 10), (600, 0), (1000, 0), (1100, 0)], OFF)])
    inside = road_inside(road, _box(-10, -10, 1010, 10))
    assert inside.name == "路"
    assert sum(inside.present, ()) == pytest.approx((0.0, 2 * math.hypot(300, 10) + 410.0), abs=1e-6)
    assert len(inside.parts) == 1


def test_a_branch_cut_by_the_edge_stays_a_branch_and_adds_no_chainage():
    # 路 (0, 0)-(1000, 0) with a spur (500, 0)-(500, 300); the district holds y <= 100: the spur's
    # 100 m inside is still a branch (branch_m 100), and the road is present 0-1,000 m, no more.
    road = build_axis("路", [_at([(0, 0), (1000, 0)], OFF), _at([(500, 0), (500, 300)], OFF)])
    assert road.branch_m == pytest.approx(300.0)
    inside = road_inside(road, _box(-10, -10, 1010, 100))
    assert inside.branch_m == pytest.approx(100.0)
    assert [round(b.line.length, 6) for b in inside.branches] == [100.0]
    assert sum(inside.present, ()) == pytest.approx((0.0, 1000.0))


def test_a_stretch_inside_under_a_metre_still_counts():
    # 路 0-1,000 m; the district begins at x = 999.4: 0.6 m of it inside. A road 0.6 m long wholly
    # inside is 0.6 m of road too.
    road = build_axis("路", [_at([(0, 0), (1000, 0)], OFF)])
    assert sum(road_inside(road, _box(999.4, -10, 2000, 10)).present, ()) == pytest.approx((999.4, 1000.0), abs=1e-6)
    stub = build_axis("路", [_at([(0, 0), (0.6, 0)], OFF)])
    assert sum(road_inside(stub, _box(-10, -10, 2000, 10)).present, ()) == pytest.approx((0.0, 0.6), abs=1e-9)


def test_a_stretch_on_the_second_stretch_inside_starts_and_ends_where_asked():
    # 路 0-1,000 m; the district holds x <= 300 and x >= 600. On the stretch inside from 600, the
    # window 650-700 m is the 50 m from x = 650 to x = 700 (not from the stretch's start, nor its
    # samples outside it).
    road = build_axis("路", [_at([(0, 0), (1000, 0)], OFF)])
    inside = road_inside(road, shapely.union(_box(-10, -10, 300, 10), _box(600, -10, 1010, 10)))
    [piece] = shapely.get_parts(inside.stretch(650.0, 700.0))
    assert [x - OFF[0] for x, _ in piece.coords] == pytest.approx([650.0, 700.0], abs=1e-6)

"""Road axes (geo/roads.py): extension, stretches across a data gap, tips of folded parts.

Plain metres, no reprojection; every expected figure is worked out by hand in
the comments. ``OFF`` moves a layout away from the origin: the rules depend on
where the road is only through distances, so a shifted copy must measure the same.
"""

import math

import pytest
import shapely

from geo.roads import build_axis

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

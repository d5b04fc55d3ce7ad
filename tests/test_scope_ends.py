"""Sections end on the roads as drawn; only their part inside the district counts (issue 20, item 8).

The scope cuts road pieces to the district (boundary + 15 m margin), but a
register names a section's ends as the streets are: a cross street meeting
the road just past the border, metres from where the road begins outside.
Before, such an end was an error (“不相交”, or “既不是米数，也不是道路图层中的
道路” for a street wholly outside) and metres were counted on the cut road;
now the ends are placed on the road as drawn and only the part inside is
counted. Every figure below is worked out by hand from the fixture's metres
(see conftest: EPSG:32649 around a fixed origin, so 1 unit = 1 m).

The fixture, in metres (the district is the box x 0..1000, y -300..300;
with the 15 m margin, x from -15):

- 东西路 is drawn from x = -200 to x = 800 along y = 0, in two pieces meeting
  at x = -50 (the first wholly outside): 1,000 m, chainage 0 at x = -200
  (outside), so chainage = x + 200. Inside: x -15..800, that is chainage
  185..1000, 815 m.
- cross streets (north-south, at x): 友爱街 251巷 -150 (chainage 50), 东门街
  -100 (chainage 100) and 界路 -40 (a border road 25 m past the margin,
  chainage 160), wholly outside; 甲街 -31
  (16 m past the margin, chainage 169), which then turns east into the
  district (so the scope cut it); 乙街 300 (chainage 500), inside.
- 南北路 is a dual carriageway across the district: the west side drawn from
  y = -500 to 500 at x = 490 (1,000 m: the axis, chainage = y + 500), the east
  side from y = 490 to -490 at x = 510 (980 m, chainage 10..990). Inside
  (y -315..315): chainage 185..815 on both sides, 630 m of route, 1,260 m of
  ground. 南街 crosses it at y = -400 (chainage 100), 北街 at y = 400 (900),
  both outside.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely

from conftest import LEADERS, X0, Y0, line, make_project, square
from geo.config import load_config
from geo.pipeline import check
from geo.report import road_table, section_table
from geo.resolve import build_roads
from geo.roads import road_inside

DISTRICT = square(0, -300, 1000, 300)
ROADS = [
    {"name": "东西路", "geometry": line((-200, 0), (-50, 0))},  # wholly outside: left out by the scope
    {"name": "东西路", "geometry": line((-50, 0), (800, 0))},  # cut at the margin, x = -15
    {"name": "友爱街 251巷", "geometry": line((-150, -100), (-150, 100))},
    {"name": "东门街", "geometry": line((-100, -100), (-100, 100))},
    {"name": "界路", "geometry": line((-40, -300), (-40, 300))},
    {"name": "甲街", "geometry": line((-31, -100), (-31, 100), (100, 100))},  # turns east into the district
    {"name": "乙街", "geometry": line((300, -100), (300, 100))},
    {"name": "南北路", "geometry": line((490, -500), (490, 500))},
    {"name": "南北路", "geometry": line((510, 490), (510, -490))},
    {"name": "北街", "geometry": line((400, 400), (600, 400))},
    {"name": "南街", "geometry": line((400, -400), (600, -400))},
]
ASSIGNMENTS = [
    # row 2: from a street 16 m past the margin to one inside
    {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街"},
    # row 3: wholly outside, its start written in Traditional characters (東門街 = 东门街)
    {"leader": "D2", "kind": "section", "target": "东西路", "from": "東門街", "to": "界路"},
    # row 4: metres from the start as drawn: 1000 is the road's end, not past it
    {"leader": "D2", "kind": "section", "target": "东西路", "from": "700", "to": "1000"},
    # row 5: a dual carriageway crossing the border at both ends
    {"leader": "C1", "kind": "section", "target": "南北路", "from": "南街", "to": "北街"},
]


def _check(tmp_path, extra=(), boundary=DISTRICT):
    folder = make_project(
        tmp_path / "p",
        communities=[{"id": "A", "name": "甲社区", "tier": "general", "geometry": DISTRICT}],
        roads=ROADS,
        leaders=LEADERS,
        assignments=[*ASSIGNMENTS, *extra],
        issues=[{"id": "I1", "state": "open", "geometry": shapely.Point(X0 + 600, Y0 + 5)}],
        boundary=boundary,
    )
    return check(folder, load_config(folder))


def _placed(result) -> pd.DataFrame:
    return result.analysis.resolved.coverage.set_index("_row")


def _about_sections(result):
    return {p.row: p for p in result.problems if p.file == "assignments.csv"}


def test_a_section_from_a_street_just_past_the_border_is_placed_whole_and_counted_inside(tmp_path):
    result = _check(tmp_path)
    assert not [p for p in result.problems if p.severity == "error"]
    row = _placed(result).loc[2]
    # 甲街 at chainage 169 (outside), 乙街 at 500: placed 169-500; inside 185-500 = 315 m, outside 16 m.
    assert (row["start_m"], row["end_m"]) == pytest.approx((169.0, 500.0), abs=1e-3)
    assert (row["length_m"], row["outside_m"]) == pytest.approx((315.0, 16.0), abs=1e-3)
    assert (row["how_from"], row["how_to"], row["off_from_m"], row["off_to_m"]) == ("crossing", "crossing", 0.0, 0.0)
    # Drawn only inside: from the margin (x = -15) to 乙街 (x = 300).
    assert row.geometry.length == pytest.approx(315.0, abs=1e-3)
    assert row.geometry.bounds[0] - X0 == pytest.approx(-15.0, abs=1e-3)
    note = _about_sections(result)[2]
    assert (note.severity, note.rejected, note.outside, note.column, note.value) == (
        "note",
        False,
        False,
        None,
        "甲街..乙街",
    )
    assert str(note.message) == "路段（东西路 的 169–500 米）有 16 米位于辖区之外，只计辖区内的 315 米"
    assert str(note.fix) == "无需修改；如辖区外那段也属于本辖区，请检查边界图层（boundary）"
    assert note.text("en").startswith(
        "assignments.csv row 2: 16 m of the section (东西路, 169–500 m) lie outside the district; "
        "only the 315 m inside count"
    )


def test_metres_count_from_the_start_of_the_road_as_drawn(tmp_path):
    # 700..1000 on the road as drawn (x 500..800); on the cut road (815 m) 1000 would have been past its end.
    result = _check(tmp_path)
    row = _placed(result).loc[4]
    assert (row["start_m"], row["end_m"], row["length_m"], row["outside_m"]) == pytest.approx(
        (700.0, 1000.0, 300.0, 0.0), abs=1e-3
    )
    assert (row["how_from"], row["how_to"]) == ("metres", "metres")
    x0, _, x1, _ = row.geometry.bounds
    assert (x0 - X0, x1 - X0) == pytest.approx((500.0, 800.0), abs=1e-3)
    assert 4 not in _about_sections(result)  # no warning, no note


def test_a_section_wholly_outside_is_left_out_with_a_warning_and_counted_as_outside(tmp_path):
    # 東門街 (chainage 100, folded to 东门街) to 界路 (160): 60 m, all of it past the margin.
    result = _check(tmp_path)
    assert 3 not in _placed(result).index
    warning = _about_sections(result)[3]
    assert (warning.severity, warning.rejected, warning.outside) == ("warning", False, True)
    assert str(warning.message) == "路段整段位于辖区之外（东西路 的 100–160 米，共 60 米），未计入"
    assert str(warning.fix) == "核对起点、止点是否写错；如这段属于本辖区，请检查边界图层（boundary）或道路图层的坐标系"
    # 東門街 is 东门街 folded (script), not a loose spelling: no other word about row 3
    assert [p.message for p in result.problems if p.file == "assignments.csv" and p.row == 3] == [warning.message]
    ledger = {e.layer: e for e in result.ledger}["assignments"]
    assert (ledger.read, ledger.used, ledger.rejected, ledger.outside, ledger.lost) == (4, 3, 0, 1, 0)


def test_a_street_only_outside_written_loosely_is_matched_with_a_warning(tmp_path):
    # 友爱街251巷 for the data's 友爱街 251巷 (wholly outside): matched as validation matches one inside,
    # with its warning; the section 50..500 has 135 m outside (50..185) and 315 m inside.
    extra = [{"leader": "S1", "kind": "section", "target": "东西路", "from": "友爱街251巷", "to": "乙街"}]  # row 6
    result = _check(tmp_path, extra)
    row = _placed(result).loc[6]
    assert row["from"] == "友爱街 251巷"
    assert (row["start_m"], row["end_m"], row["length_m"], row["outside_m"]) == pytest.approx(
        (50.0, 500.0, 315.0, 135.0), abs=1e-3
    )
    problems = [p for p in result.problems if p.file == "assignments.csv" and p.row == 6]
    assert [(p.severity, p.column, p.value) for p in problems] == [
        ("warning", "from", "友爱街251巷"),
        ("note", None, "友爱街 251巷..乙街"),
    ]
    assert str(problems[0].message) == "与数据中的“友爱街 251巷”写法不同（空格或数字前的 0），按“友爱街 251巷”匹配"
    # The streets wholly outside that sections end at (东门街, 界路, 友爱街 251巷, 南街 and 北街, 385 m past
    # the edge) place those ends but are no roads of the district: none is measured.
    assert sorted(result.analysis.roads["road"]) == sorted(["东西路", "乙街", "南北路", "甲街"])


def test_a_dual_carriageway_crossing_the_border_is_counted_on_both_sides_inside(tmp_path):
    result = _check(tmp_path)
    row = _placed(result).loc[5]
    # 南街 (100) to 北街 (900): inside 185..815 = 630 m of route, 170 m outside (85 m at each end).
    assert (row["start_m"], row["end_m"]) == pytest.approx((100.0, 900.0), abs=1e-3)
    assert (row["length_m"], row["outside_m"]) == pytest.approx((630.0, 170.0), abs=1e-3)
    assert row.geometry.geom_type == "MultiLineString"
    assert row.geometry.length == pytest.approx(1260.0, abs=1e-3)  # both carriageways, 630 m each
    assert str(_about_sections(result)[5].message) == (
        "路段（南北路 的 100–900 米）有 170 米位于辖区之外，只计辖区内的 630 米"
    )
    road = result.analysis.roads.set_index("road").loc["南北路"]
    assert (road["length_m"], road["extent_m"], road["pieces_m"], road["covered_m"], road["gap_m"]) == pytest.approx(
        (630.0, 1000.0, 1260.0, 630.0, 0.0), abs=1e-3
    )
    assert road["parts"] == 2


def test_gaps_lengths_and_issues_measure_inside_on_the_chainage_as_drawn(tmp_path):
    result = _check(tmp_path)
    analysis = result.analysis
    road = analysis.roads.set_index("road").loc["东西路"]
    # 815 m inside, chainage 0..1000; covered 185..500 and 700..1000 (615 m); the gap 500..700.
    assert (road["length_m"], road["extent_m"], road["pieces_m"], road["covered_m"], road["gap_m"]) == pytest.approx(
        (815.0, 1000.0, 815.0, 615.0, 200.0), abs=1e-3
    )
    gaps = analysis.gaps
    [gap] = gaps[(gaps["kind"] == "section_gap") & (gaps["name"] == "东西路")].itertuples()
    assert (gap.start_m, gap.end_m, gap.length_m) == pytest.approx((500.0, 700.0, 200.0), abs=1e-3)
    assert gap.owners == ("D1", "D2")  # D1's section ends at 500, D2's starts at 700
    # The issue at x = 600 lies at chainage 800, in D2's 700..1000.
    issue = analysis.issues.set_index("id").loc["I1"]
    assert issue["road"] == "东西路" and issue["chainage_m"] == pytest.approx(800.0, abs=1e-3)
    assert "D2" in issue["leaders"]
    # roads.csv names the start as drawn, 200 m outside the boundary: x = -200.
    start = road_table(analysis).set_index("road").loc["东西路"]
    x, y = pyproj.Transformer.from_crs(4326, 32649, always_xy=True).transform(start["start_lon"], start["start_lat"])
    assert (x - X0, y - Y0) == pytest.approx((-200.0, 0.0), abs=0.1)  # degrees to 6 places: a few cm
    # sections.csv: where the ends were placed, the metres inside and outside.
    table = section_table(analysis).set_index("assignments_row")
    assert table.loc[2, ["start_m", "end_m", "length_m", "outside_m"]].tolist() == pytest.approx(
        [169.0, 500.0, 315.0, 16.0], abs=1e-3
    )


def test_a_whole_road_and_an_overlap_that_begin_outside_count_inside(tmp_path):
    extra = [
        {"leader": "C1", "kind": "road", "target": "东西路"},  # row 6
        {"leader": "D2", "kind": "section", "target": "东西路", "from": "甲街", "to": "400"},  # row 7: 169..400
    ]
    result = _check(tmp_path, extra)
    placed = _placed(result)
    whole = placed.loc[6]
    assert (whole["start_m"], whole["end_m"], whole["length_m"], whole["outside_m"]) == pytest.approx(
        (0.0, 1000.0, 815.0, 185.0), abs=1e-3
    )
    assert 6 not in _about_sections(result)  # the road's parts outside were counted by the scope
    # D1 169..500 and D2 169..400 overlap on 169..400: the district counts 185..400, 215 m.
    gaps = result.analysis.gaps
    [overlap] = gaps[gaps["kind"] == "section_overlap"].itertuples()
    assert (overlap.start_m, overlap.end_m, overlap.length_m) == pytest.approx((185.0, 400.0, 215.0), abs=1e-3)
    assert overlap.leaders == ("D1", "D2")
    assert overlap.geometry.length == pytest.approx(215.0, abs=1e-3)


def test_the_scope_moves_no_end_and_refuses_no_section(tmp_path):
    # With a boundary holding every road, the same ends are placed; the district only decides what counts.
    everything = _check(tmp_path / "all", boundary=square(-1000, -1000, 2000, 1000))
    district = _check(tmp_path / "district")
    for result in (everything, district):
        assert not [p for p in result.problems if p.severity == "error"]
    wide, narrow = _placed(everything), _placed(district)
    assert sorted(wide.index) == [2, 3, 4, 5] and sorted(narrow.index) == [2, 4, 5]
    for row in narrow.index:
        assert narrow.loc[row, ["start_m", "end_m"]].tolist() == pytest.approx(
            wide.loc[row, ["start_m", "end_m"]].tolist(), abs=1e-6
        )
    assert (wide["outside_m"] == 0).all()
    assert (wide.loc[3, "start_m"], wide.loc[3, "end_m"]) == pytest.approx((100.0, 160.0), abs=1e-3)


# ----------------------------------------------------------------------------- the road as counted, in metres
def _road(coords):
    """A road of one line drawn in plain metres (EPSG:32649, never reprojected)."""
    frame = gpd.GeoDataFrame([{"name": "路", "geometry": shapely.LineString(coords)}], geometry="geometry", crs=32649)
    return build_roads(frame)["路"]


def test_a_road_leaving_and_entering_the_district_is_present_on_its_two_stretches_inside():
    # 0..1000 along y = 0; the district holds x up to 300 and from 600: two stretches, one chainage.
    road = _road([(0, 0), (1000, 0)])
    area = shapely.union(shapely.box(-10, -10, 300, 10), shapely.box(600, -10, 1010, 10))
    inside = road_inside(road, area)
    assert inside.axis is road.axis and inside.extent_m == 1000.0
    assert sum(inside.present, ()) == pytest.approx((0.0, 300.0, 600.0, 1000.0))
    assert inside.length_m == pytest.approx(700.0)
    # A stretch across the outside part is drawn on its two parts inside only: 200..300 and 600..700.
    stretch = inside.stretch(200.0, 700.0)
    assert [round(g.length, 9) for g in shapely.get_parts(stretch)] == [100.0, 100.0]


def test_a_loop_road_half_outside_keeps_its_chainage_around_from_its_first_vertex():
    # A 400 m square loop from (0, 0), counter-clockwise: 1,600 m; its sides 400 m apart, so a loop.
    # The district holds x <= 200: the bottom side to x = 200 (0..200) and from x = 200 on the top
    # side back round to the start (1000..1600).
    road = _road([(0, 0), (400, 0), (400, 400), (0, 400), (0, 0)])
    assert road.extent_m == pytest.approx(1600.0)
    inside = road_inside(road, shapely.box(-10, -10, 200, 410))
    assert sum(inside.present, ()) == pytest.approx((0.0, 200.0, 1000.0, 1600.0))
    assert inside.pieces_m == pytest.approx(800.0)


def test_a_road_wholly_inside_is_its_own_road_as_counted():
    road = _road([(0, 0), (1000, 0)])
    inside = road_inside(road, shapely.box(-10, -10, 1010, 10))
    assert inside.present == road.present and inside.length_m == pytest.approx(1000.0)

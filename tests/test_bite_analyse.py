"""Finding the gaps (geo/analyse.py): the rules behind each figure, with answers worked out by hand.

Most tests build a tiny project (`conftest.make_project`, metres in UTM 49N saved
as WGS84) and run `geo.check` on it. The thresholds that are compared with ``<``
or ``<=`` (``min_area_m2``, ``min_gap_m`` on a piece's drawn length) are tested on
plain-metre frames (EPSG:32649, no reprojection), so a figure can sit exactly on
the threshold. Defaults (`geo.config.Tolerances`): ``min_gap_m`` 1 m,
``min_area_m2`` 100 m², ``issue_road_m`` 50 m, ``crossing_cluster_m`` 60 m.
"""

import math
from datetime import date
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import LEADERS, line, m, make_project, make_road_project, square, write_csv, write_geojson
from geo import check, load_config, load_project, resolve_project, validate_project
from geo.analyse import Analysis, _territory, _tuples_by, _unmanaged, _where_present, analyse
from geo.checks import CHECKS, Check, register, unregister
from geo.config import Tolerances
from geo.errors import UnknownLeaderError
from geo.model import Gap

TOL = Tolerances()
X0, Y0 = m(0, 0)


def _analysis(folder, toml: str = ""):
    if toml:
        (folder / "geo.toml").write_text(toml, encoding="utf-8")
    return check(folder, load_config(folder)).analysis


def _records(analysis, kind: str) -> list[Gap]:
    return [g for g in analysis.gap_records if g.kind == kind]


def _street(name, x):
    """A cross street at chainage `x` of a road drawn along y = 0 (200 m long, centred on it)."""
    return {"name": name, "geometry": line((x, -100), (x, 100))}


def _section(leader, start, end, road="东西路"):
    return {"leader": leader, "kind": "section", "target": road, "from": start, "to": end}


def _community(cid, geometry, name=None, tier="general", street=""):
    return {"id": cid, "name": name or f"{cid}社区", "tier": tier, "street": street, "geometry": geometry}


# The strip under a road along y = 0 from 0 to 1,000 m, as one community.
STRIP = square(-100, -300, 1100, 300)


def _on_a_road(tmp_path, sections, streets=(), led=True, pieces=None):
    """东西路 (by default one piece, 0-1,000 m on y = 0) in community A, with `sections` (rows).

    A (-100..1,100 x -300..300) is led by S1 unless `led` is false.
    """
    pieces = pieces or [line((0, 0), (1000, 0))]
    roads = [{"name": "东西路", "geometry": g} for g in pieces] + list(streets)
    assignments = list(sections) + ([{"leader": "S1", "kind": "community", "target": "A"}] if led else [])
    return make_project(
        tmp_path / "p", communities=[_community("A", STRIP)], roads=roads, leaders=LEADERS, assignments=assignments
    )


# ----------------------------------------------------------------------------- section gaps and overlaps
def test_a_section_gap_of_exactly_min_gap_m_is_reported_and_a_shorter_one_is_not(tmp_path):
    # Sections by distance: D1 0-300, D2 301-600, D1 600.5-1000. Open: 300-301 (1 m = min_gap_m,
    # reported) and 600-600.5 (0.5 m, not reported). Covered: 1,000 - 1 - 0.5 = 998.5 m.
    folder = _on_a_road(
        tmp_path, [_section("D1", "0", "300"), _section("D2", "301", "600"), _section("D1", "600.5", "1000")]
    )
    analysis = _analysis(folder)
    [gap] = _records(analysis, "section_gap")
    assert (gap.start_m, gap.end_m, gap.length_m) == (300.0, 301.0, 1.0)
    road = analysis.roads.set_index("road").loc["东西路"]
    assert road["gap_m"] == 1.0
    assert road["covered_m"] == pytest.approx(998.5, abs=1e-6)


def test_overlaps_add_up_per_road_and_per_leader(tmp_path):
    # D1 0-400 and 650-1000, D2 300-700 (all district): overlaps 300-400 (100 m) and 650-700
    # (50 m), both D1 and D2. The road's overlap_m and each holder's: 100 + 50 = 150 m.
    folder = _on_a_road(
        tmp_path, [_section("D1", "0", "400"), _section("D2", "300", "700"), _section("D1", "650", "1000")]
    )
    analysis = _analysis(folder)
    overlaps = _records(analysis, "section_overlap")
    assert [(g.target, g.name, g.leaders) for g in overlaps] == [("东西路", "东西路", ("D1", "D2"))] * 2
    assert [(g.start_m, g.end_m) for g in overlaps] == [(300.0, 400.0), (650.0, 700.0)]
    assert [g.length_m for g in overlaps] == pytest.approx([100.0, 50.0], abs=1e-6)
    # each drawn on the road between its two chainages
    assert [g.geometry.length for g in overlaps] == pytest.approx([100.0, 50.0], abs=1e-3)
    facts = analysis.gaps[analysis.gaps["kind"] == "section_overlap"]
    assert facts[["target", "leaders", "start_m", "end_m"]].values.tolist() == [
        ["东西路", ("D1", "D2"), 300.0, 400.0],
        ["东西路", ("D1", "D2"), 650.0, 700.0],
    ]
    road = analysis.roads.set_index("road").loc["东西路"]
    assert road["overlap_m"] == pytest.approx(150.0, abs=1e-6)
    assert road["leaders"] == ("D1", "D2")
    leaders = analysis.leaders.set_index("id")["overlap_m"]
    assert leaders.to_dict() == pytest.approx({"C1": 0.0, "D1": 150.0, "D2": 150.0, "S1": 0.0}, abs=1e-6)


def test_an_overlap_of_exactly_min_gap_m_is_reported_after_a_shorter_one(tmp_path):
    # D1 0-300.5 and 600-1000, D2 300-601: overlaps 300-300.5 (0.5 m, under min_gap_m, not
    # reported) and then 600-601 (1 m = min_gap_m, reported).
    folder = _on_a_road(
        tmp_path, [_section("D1", "0", "300.5"), _section("D2", "300", "601"), _section("D1", "600", "1000")]
    )
    [overlap] = _records(_analysis(folder), "section_overlap")
    assert (overlap.start_m, overlap.end_m, overlap.length_m) == (600.0, 601.0, 1.0)


def test_a_section_gap_ends_at_the_nearest_cross_street_or_at_none(tmp_path):
    # D1 0-300, D2 500-1000 (by distance): the gap is 300-500. At 300 m two streets lie within
    # crossing_cluster_m (60 m): B街 at 280 m (20 m off) and C街 at 300 m (0 m): C街, the nearer.
    # At 500 m no street lies within 60 m: no name.
    folder = _on_a_road(
        tmp_path,
        [_section("D1", "0", "300"), _section("D2", "500", "1000")],
        streets=[_street("B街", 280), _street("C街", 300)],
    )
    [gap] = _records(_analysis(folder), "section_gap")
    assert gap.ends == ("C街", "")
    assert gap.owners == ("D1", "D2")  # the sections ending at 300 and starting at 500


def test_a_section_gap_ends_at_the_cross_street_not_at_the_road_carrying_straight_on(tmp_path):
    # 东西路 runs (0, 0)-(1000, 0) and carries straight on as 东西延长路 (1000, 0)-(2000, 0); 甲街, 乙街
    # and 丙街 cross at x = 0, 500 and 1,000. D1 holds 甲街..乙街 (0-500 m): the gap is 500-1,000 m.
    # At 1,000 m both 丙街 and 东西延长路 are 0 m away; 东西延长路 meets 东西路 head on (sin 0° = 0),
    # 丙街 square (sin 90° = 1): the gap ends at 丙街. (Found by the generated city, scripts/make_city.py.)
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "东西延长路", "geometry": line((1000, 0), (2000, 0))},
        *({"name": n, "geometry": line((x, -200), (x, 200))} for n, x in (("甲街", 0), ("乙街", 500), ("丙街", 1000))),
    ]
    folder = make_project(
        tmp_path / "p",
        communities=[{"id": "A", "name": "甲社区", "tier": "general", "geometry": square(-100, -300, 2100, 300)}],
        roads=roads,
        leaders=LEADERS,
        assignments=[
            {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街"},
            {"leader": "S1", "kind": "community", "target": "A"},
        ],
    )
    [gap] = [g for g in _records(_analysis(folder), "section_gap") if g.target == "东西路"]
    assert (gap.start_m, gap.end_m) == pytest.approx((500.0, 1000.0), abs=0.01)
    assert gap.ends == ("乙街", "丙街")


@pytest.mark.parametrize("turn", [0.0, 30.0, 120.0])
def test_of_two_streets_at_a_gap_s_end_the_squarer_is_named_whatever_their_length_or_name_order(tmp_path, turn):
    # 东西路 from (0, 0) 1,000 m long; D1 holds 0-500 m: the gap is 500-1,000 m. At its end two streets
    # meet, both 0 m away: 一街 passes through at 35° to 东西路 (sin 35° = 0.57), 丙街 starts there at
    # 90° (sin 90° = 1). 丙街 is named. 一街 sorts first, and over the ±5 m where a direction is taken it
    # runs 10 m against 丙街's 5 m (丙街 starts at the point): neither the order nor an unscaled
    # direction (10 x 0.57 = 5.7 > 5 x 1) may decide. The whole layout is turned by `turn` degrees
    # about (0, 0): only the angle between the roads counts, not how they lie on the map.
    def at(length, degrees):  # the point `length` m from (0, 0) at `degrees` from east, after the turn
        a = math.radians(degrees + turn)
        return (length * math.cos(a), length * math.sin(a))

    end = at(1000, 0)

    def along(length, degrees):  # `length` m from the gap's end at `degrees` from 东西路
        a = math.radians(degrees + turn)
        return (end[0] + length * math.cos(a), end[1] + length * math.sin(a))

    roads = [
        {"name": "东西路", "geometry": line((0, 0), end)},
        {"name": "一街", "geometry": line(along(-300, 35), along(300, 35))},
        {"name": "丙街", "geometry": line(end, along(250, 90))},
    ]
    folder = make_project(
        tmp_path / "p",
        communities=[_community("A", square(-1500, -1500, 1500, 1500))],
        roads=roads,
        leaders=LEADERS,
        assignments=[_section("D1", "0", "500"), {"leader": "S1", "kind": "community", "target": "A"}],
    )
    [gap] = [g for g in _records(_analysis(folder), "section_gap") if g.target == "东西路"]
    assert (gap.start_m, gap.end_m) == pytest.approx((500.0, 1000.0), abs=0.01)
    assert gap.ends == ("", "丙街")


def test_every_assignment_of_every_road_counts_not_only_the_first_road_s(tmp_path):
    # 东西路 (y = 0) whole to C1; 南北路 (x = 500, y from -250 to 250) in three sections: D1 0-200,
    # D2 200-400, C1 400-500 m. 南北路 sorts after 东西路: all three of its sections count, so it has
    # no gap and 500 m covered; 东西路 1,000 m covered.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "南北路", "geometry": line((500, -250), (500, 250))},
    ]
    folder = make_project(
        tmp_path / "p",
        communities=[_community("A", STRIP)],
        roads=roads,
        leaders=LEADERS,
        assignments=[
            {"leader": "C1", "kind": "road", "target": "东西路"},
            _section("D1", "0", "200", road="南北路"),
            _section("D2", "200", "400", road="南北路"),
            _section("C1", "400", "500", road="南北路"),
            {"leader": "S1", "kind": "community", "target": "A"},
        ],
    )
    analysis = _analysis(folder)
    roads = analysis.roads.set_index("road")
    assert roads.loc["南北路", ["covered_m", "gap_m"]].tolist() == pytest.approx([500.0, 0.0], abs=1e-6)
    assert roads.loc["东西路", ["covered_m", "gap_m"]].tolist() == pytest.approx([1000.0, 0.0], abs=1e-6)
    assert roads.at["南北路", "leaders"] == ("C1", "D1", "D2")
    assert _records(analysis, "section_gap") == []


def test_a_road_with_no_assignment_or_no_unmanaged_length_reads_zero_not_blank(tmp_path):
    # The reference project: the 200 m section gap (300-500) is in A, which has a leader, so
    # 东西路 has no unmanaged length (0, not missing). The cross streets have no assignment:
    # no leader, nothing covered (甲街: 200 m long, 0 covered).
    analysis = _analysis(make_road_project(tmp_path / "r"))
    roads = analysis.roads.set_index("road")
    assert roads.at["东西路", "unmanaged_m"] == 0.0
    assert roads.at["东西路", "extent_m"] == pytest.approx(1000.0, abs=1e-6)
    assert roads.loc["甲街", ["leaders", "covered_m", "gap_m"]].tolist() == [(), 0.0, 0.0]
    section = analysis.gaps[analysis.gaps["kind"] == "section_gap"].iloc[0]
    assert (section["target"], section["owners"], section["leaders"]) == ("东西路", ("D1", "D2"), ())


def test_a_zero_length_overlap_in_a_data_gap_adds_nothing_to_a_leader(tmp_path):
    # min_gap_m = 0. 东西路 is missing between 400 and 600 m (chainage runs across). D1 0-550 and
    # D2 450-1000 overlap at 450-550, wholly inside the data gap: 0 m of road held twice.
    folder = _on_a_road(
        tmp_path,
        [_section("D1", "0", "550"), _section("D2", "450", "1000")],
        pieces=[line((0, 0), (400, 0)), line((600, 0), (1000, 0))],
    )
    leaders = _analysis(folder, "[tolerances]\nmin_gap_m = 0\n").leaders.set_index("id")
    assert leaders.at["D1", "overlap_m"] == 0.0 and leaders.at["D2", "overlap_m"] == 0.0


# ----------------------------------------------------------------------------- unmanaged road
def _unled_east(tmp_path, roads):
    """A (0-500 x 0-500, led by S1) and B (500-1000 x 0-500, no leader)."""
    communities = [_community("A", square(0, 0, 500, 500)), _community("B", square(500, 0, 1000, 500))]
    return make_project(
        tmp_path / "u",
        communities=communities,
        roads=roads,
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
    )


def test_unmanaged_pieces_are_named_by_road_then_id_then_feature_number(tmp_path):
    # 北路 runs 400-800 m on y = 100 in three pieces; A (led) holds 400-500, so 300 m is unmanaged.
    # Three unnamed pieces in B: P1 (50 m), P2 (30 m), and one with no id, the 6th feature (10 m).
    roads = [
        {"name": "北路", "geometry": line((400, 100), (600, 100))},
        {"name": "北路", "geometry": line((600, 100), (700, 100))},
        {"name": "北路", "geometry": line((700, 100), (800, 100))},
        {"id": "P1", "geometry": line((600, 200), (650, 200))},
        {"id": "P2", "geometry": line((600, 300), (630, 300))},
        {"geometry": line((600, 400), (610, 400))},
    ]
    analysis = _analysis(_unled_east(tmp_path, roads))
    unmanaged = _records(analysis, "unmanaged_stretch")
    assert [(g.target, g.name) for g in unmanaged] == [("#6", ""), ("P1", ""), ("P2", ""), ("北路", "北路")]
    assert [g.length_m for g in unmanaged] == pytest.approx([10.0, 50.0, 30.0, 300.0], abs=1e-3)
    assert [g.geometry.length for g in unmanaged] == pytest.approx([10.0, 50.0, 30.0, 300.0], abs=1e-3)
    assert analysis.roads.set_index("road").at["北路", "unmanaged_m"] == pytest.approx(300.0, abs=1e-3)


def test_section_gaps_in_no_led_community_are_unmanaged_and_add_up_per_road(tmp_path):
    # No community has a leader. D1 甲街-乙街 (0-300), D2 丙街-丁街 (500-700): section gaps
    # 300-500 (200 m) and 700-1000 (300 m), both unmanaged: 东西路 has 200 + 300 = 500 m. The five
    # cross streets (200 m each, no assignment) are unmanaged too.
    streets = [_street(n, x) for n, x in (("甲街", 0), ("乙街", 300), ("丙街", 500), ("丁街", 700), ("戊街", 1000))]
    folder = _on_a_road(
        tmp_path, [_section("D1", "甲街", "乙街"), _section("D2", "丙街", "丁街")], streets=streets, led=False
    )
    analysis = _analysis(folder)
    gaps = _records(analysis, "section_gap")
    assert [x for g in gaps for x in (g.start_m, g.end_m)] == pytest.approx([300.0, 500.0, 700.0, 1000.0], abs=1e-6)
    assert [g.ends for g in gaps] == [("乙街", "丙街"), ("丁街", "戊街")]
    roads = analysis.roads.set_index("road")
    assert roads.at["东西路", "gap_m"] == pytest.approx(500.0, abs=1e-6)
    assert roads.at["东西路", "unmanaged_m"] == pytest.approx(500.0, abs=1e-3)
    assert roads.at["甲街", "unmanaged_m"] == pytest.approx(200.0, abs=1e-3)
    unmanaged = {(g.target, round(g.length_m, 3)) for g in _records(analysis, "unmanaged_stretch")}
    assert unmanaged == {("东西路", 200.0), ("东西路", 300.0)} | {(s["name"], 200.0) for s in streets}


def test_an_unmanaged_piece_of_exactly_min_gap_m_is_reported():
    # Plain metres: a 1 m piece (= min_gap_m) and a 0.5 m piece, unnamed, no assignment, no led area.
    roads = gpd.GeoDataFrame(
        {"name": ["", ""], "id": ["P1", "P2"], "_row": [1, 2]},
        geometry=[shapely.LineString([(0, 0), (1, 0)]), shapely.LineString([(0, 10), (0.5, 10)])],
        crs=32649,
    )
    resolved = SimpleNamespace(roads=roads, coverage=pd.DataFrame({"road": []}), crs=roads.crs)
    gaps, _ = _unmanaged(resolved, TOL, None, [])
    assert [(g.target, g.length_m) for g in gaps] == [("P1", 1.0)]


def test_a_project_whose_roads_have_no_names(tmp_path):
    # No name column: every piece is unnamed, there is no named road and no road table row; an
    # issue beside a piece has no road. The piece lies in B (no leader): 80 m unmanaged.
    folder = make_project(
        tmp_path / "n",
        communities=[_community("A", square(0, 0, 100, 100)), _community("B", square(100, 0, 200, 100))],
        roads=[{"id": "P1", "geometry": line((110, 10), (190, 10))}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        issues=[{"id": "I1", "state": "open", "geometry": shapely.Point(m(150, 12))}],
    )
    analysis = _analysis(folder)
    assert analysis.roads.empty
    issue = analysis.issues.set_index("id").loc["I1"]
    assert (issue["community"], issue["road"], issue["orphan"]) == ("B", "", True)
    [unmanaged] = _records(analysis, "unmanaged_stretch")
    assert unmanaged.target == "P1" and unmanaged.length_m == pytest.approx(80.0, abs=1e-3)


# ----------------------------------------------------------------------------- territory
def _frame(rows):
    """Communities (or a boundary) in plain metres: rows of (id, geometry)."""
    return gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "name": [f"{r[0]}社区" for r in rows]},
        geometry=[r[1] for r in rows],
        crs=32649,
    )


def _territory_of(communities, boundary=None):
    """`_territory` reads only a resolved project's communities and boundary."""
    return _territory(SimpleNamespace(communities=_frame(communities), boundary=boundary), TOL)


def test_communities_that_tile_the_district_leave_no_sliver(tmp_path):
    # The reference project: A and B share the edge x = 500 (0 m² in common) and leave no hole.
    analysis = _analysis(make_road_project(tmp_path / "r"))
    assert analysis.slivers == {"count": 0, "area_m2": 0.0}
    assert not {"territory_gap", "territory_overlap"} & set(analysis.gaps["kind"])


def test_slivers_are_counted_one_by_one_holes_and_overlaps_alike():
    # Boundary 0-300 x 0-100. Holes: the strip between A and B (100-100.5 x 100 = 50 m²) and a
    # hole in C (0.5 x 1 = 0.5 m²). Overlaps: D inside C (5 x 5 = 25 m²), E inside A (0.5 x 1 =
    # 0.5 m²); B and C only touch (0 m²: nothing). All under 100 m²: 4 slivers, 50 + 0.5 + 25 + 0.5
    # = 76 m², and no gap.
    c = shapely.box(200, 0, 300, 100).difference(shapely.box(250, 50, 250.5, 51))
    communities = [
        ("B", shapely.box(100.5, 0, 200, 100)),
        ("C", c),
        ("A", shapely.box(0, 0, 100, 100)),
        ("D", shapely.box(295, 95, 300, 100)),
        ("E", shapely.box(0, 0, 0.5, 1)),
    ]
    gaps, slivers = _territory_of(communities, _frame([("boundary", shapely.box(0, 0, 300, 100))]))
    assert gaps == []
    assert slivers == {"count": 4, "area_m2": 76.0}


def test_a_gap_or_overlap_of_exactly_min_area_m2_is_reported_not_a_sliver():
    # A 0-100, B 101-200: a 1 x 100 = 100 m² strip between (= min_area_m2). C (190-200 x 90-100)
    # lies inside B: 10 x 10 = 100 m² of overlap. Both are gaps; no sliver.
    communities = [
        ("A", shapely.box(0, 0, 100, 100)),
        ("B", shapely.box(101, 0, 200, 100)),
        ("C", shapely.box(190, 90, 200, 100)),
    ]
    gaps, slivers = _territory_of(communities, _frame([("boundary", shapely.box(0, 0, 200, 100))]))
    assert [(g.kind, g.target, g.name, g.area_m2) for g in gaps] == [
        ("territory_gap", "A;B", "", 100.0),
        ("territory_overlap", "B;C", "", 100.0),
    ]
    assert gaps[1].neighbours == ("B社区", "C社区")
    assert gaps[1].geometry.area == 100.0
    assert slivers == {"count": 0, "area_m2": 0.0}


def test_a_territory_gap_names_the_communities_within_a_metre():
    # The hole is 100-150 x 0-100 (5,000 m²). A and B touch it; C lies behind the 1.5 m strip
    # B (150-151.5), 1.5 m from the hole: farther than 1 m, not a neighbour.
    communities = [
        ("C", shapely.box(151.5, 0, 300, 100)),
        ("B", shapely.box(150, 0, 151.5, 100)),
        ("A", shapely.box(0, 0, 100, 100)),
    ]
    [gap], _ = _territory_of(communities, _frame([("boundary", shapely.box(0, 0, 300, 100))]))
    assert (gap.kind, gap.target, gap.name, gap.neighbours) == ("territory_gap", "A;B", "", ("A社区", "B社区"))
    assert gap.area_m2 == 5000.0 and gap.geometry.equals(shapely.box(100, 0, 150, 100))


def test_holes_in_a_community_are_territory_gaps_without_a_boundary_largest_first(tmp_path):
    # No boundary: the district is the communities' outline with holes filled. A (0-100 square)
    # has two holes: 10-30 (20 x 20 = 400 m²) and 50-80 (30 x 30 = 900 m²); both next to A
    # only, listed largest first.
    ring = square(0, 0, 100, 100).difference(square(10, 10, 30, 30)).difference(square(50, 50, 80, 80))
    folder = make_project(
        tmp_path / "h",
        communities=[_community("A", ring)],
        roads=[{"name": "路", "geometry": line((5, 95), (95, 95))}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
    )
    gaps = _records(_analysis(folder), "territory_gap")
    assert [g.target for g in gaps] == ["A", "A"]
    assert [g.area_m2 for g in gaps] == pytest.approx([900.0, 400.0], abs=1e-3)


def test_no_territory_figures_when_every_community_lies_outside_the_boundary(tmp_path):
    # The boundary (0-50 square) holds a quarter of A (0-100 square): less than half, so A is
    # left out, and no community is left to measure.
    folder = make_project(
        tmp_path / "o",
        communities=[_community("A", square(0, 0, 100, 100))],
        roads=[{"name": "路", "geometry": line((10, 10), (40, 10))}],
        leaders=LEADERS,
        assignments=[{"leader": "C1", "kind": "road", "target": "路"}],
        boundary=square(0, 0, 50, 50),
    )
    analysis = _analysis(folder)
    assert analysis.resolved.communities.empty
    assert analysis.slivers == {"count": 0, "area_m2": 0.0}


def test_removed_parts_are_counted_per_gap(tmp_path):
    # Twice the pattern of test_scope: C overlaps A in a 20 x 20 corner and shares A's top edge
    # from 0 to 80 (a line, taken out of the area gap); D does the same to B, 500 m east.
    def pair(x, a, c):
        return [
            _community(a, square(x, 0, x + 100, 100)),
            _community(c, square(x, 100, x + 80, 200).union(square(x + 80, 80, x + 100, 200))),
        ]

    folder = make_project(
        tmp_path / "o",
        communities=pair(0, "A", "C") + pair(500, "B", "D"),
        roads=[{"name": "路", "geometry": line((10, 10), (90, 10))}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": t} for t in "ABCD"],
    )
    analysis = _analysis(folder)
    assert [g.target for g in _records(analysis, "territory_overlap")] == ["A;C", "B;D"]
    assert analysis.parts_removed == {"territory_overlap": 2}


# ----------------------------------------------------------------------------- issues
def test_an_issue_on_a_corner_two_communities_share_goes_to_the_first_by_id(tmp_path):
    # (500, 300) is a corner of both A (-100..500) and B (500..1100): B is written first, A wins.
    folder = make_road_project(tmp_path / "r")
    write_geojson(
        folder / "communities.geojson",
        [_community("B", square(500, -300, 1100, 300)), _community("A", square(-100, -300, 500, 300))],
    )
    write_geojson(folder / "issues.geojson", [{"id": "I1", "state": "open", "geometry": shapely.Point(m(500, 300))}])
    assert _analysis(folder).issues.set_index("id").at["I1", "community"] == "A"


def test_an_issue_at_a_section_end_gets_both_sections_and_the_road_first_by_name(tmp_path):
    # 东西路 has a vertex at (300, 0), where 乙街 starts: I1 there is 0 m from both roads, and
    # 东西路 sorts before 乙街. D1 holds 0-300 and D2 300-1000, ends included: I1 gets both.
    # I2 at 299.5 m is in D1's only, I3 at 300.5 m in D2's only.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (300, 0), (1000, 0))},
        _street("甲街", 0),
        {"name": "乙街", "geometry": line((300, 0), (300, 100))},
        _street("丁街", 1000),
    ]
    issues = [
        {"id": "I1", "state": "open", "geometry": shapely.Point(m(300, 0))},
        {"id": "I2", "state": "open", "geometry": shapely.Point(m(299.5, 0))},
        {"id": "I3", "state": "open", "geometry": shapely.Point(m(300.5, 0))},
    ]
    folder = make_project(
        tmp_path / "s",
        communities=[_community("A", STRIP)],
        roads=roads,
        leaders=LEADERS,
        assignments=[_section("D1", "甲街", "乙街"), _section("D2", "乙街", "丁街")],
        issues=issues,
    )
    table = _analysis(folder).issues.set_index("id")
    assert table["road"].to_dict() == {"I1": "东西路", "I2": "东西路", "I3": "东西路"}
    assert table["chainage_m"].to_list() == pytest.approx([300.0, 299.5, 300.5], abs=1e-6)
    assert table["leaders"].to_dict() == {"I1": ("D1", "D2"), "I2": ("D1",), "I3": ("D2",)}


def test_an_issue_goes_to_the_nearest_road_not_the_first_by_name(tmp_path):
    # A路 runs along y = 0, B路 along y = 45: I1 at (500, 40) is 40 m from A路 and 5 m from B路, both
    # within issue_road_m (50 m). The nearest wins, though A路 sorts first: B路 and its leader D2.
    # I2 at (500, 10) is 10 m from A路 and 35 m from B路: A路 and C1.
    roads = [
        {"name": "A路", "geometry": line((0, 0), (1000, 0))},
        {"name": "B路", "geometry": line((0, 45), (1000, 45))},
    ]
    issues = [
        {"id": "I1", "state": "open", "geometry": shapely.Point(m(500, 40))},
        {"id": "I2", "state": "open", "geometry": shapely.Point(m(500, 10))},
    ]
    folder = make_project(
        tmp_path / "n",
        communities=[_community("A", STRIP)],
        roads=roads,
        leaders=LEADERS,
        assignments=[
            {"leader": "C1", "kind": "road", "target": "A路"},
            {"leader": "D2", "kind": "road", "target": "B路"},
        ],
        issues=issues,
    )
    table = _analysis(folder).issues.set_index("id")
    assert table["road"].to_dict() == {"I1": "B路", "I2": "A路"}
    assert table["leaders"].to_dict() == {"I1": ("D2",), "I2": ("C1",)}
    assert table["chainage_m"].to_list() == pytest.approx([500.0, 500.0], abs=1e-6)


def test_an_issue_beside_an_unnamed_piece_only_has_no_road_and_is_an_orphan(tmp_path):
    # The footway (unnamed) is 5 m from I1; 东西路 is 200 m away (beyond issue_road_m, 50 m). A has
    # no leader: I1 has no one. The orphan gap carries the facts its words use.
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "", "geometry": line((0, 200), (1000, 200))},
    ]
    issues = [{"id": "I1", "state": "open", "category": "垃圾", "geometry": shapely.Point(m(100, 205))}]
    folder = make_project(
        tmp_path / "f",
        communities=[_community("A", STRIP)],
        roads=roads,
        leaders=LEADERS,
        assignments=[{"leader": "C1", "kind": "road", "target": "东西路"}],
        issues=issues,
    )
    analysis = _analysis(folder)
    issue = analysis.issues.set_index("id").loc["I1"]
    assert (issue["community"], issue["road"], issue["leaders"], issue["orphan"]) == ("A", "", (), True)
    assert pd.isna(issue["chainage_m"])
    [orphan] = _records(analysis, "orphan_issue")
    assert (orphan.target, orphan.name) == ("I1", "I1")
    assert orphan.geometry.distance(shapely.Point(X0 + 100, Y0 + 205)) < 1e-3
    assert orphan.facts == {"in_community": True, "category": "垃圾", "reach_m": 50.0}


def test_an_issue_in_the_notch_of_an_l_shaped_community_is_in_the_one_around_it(tmp_path):
    # A is an L (0-200 x 0-100 and 0-100 x 100-200); B fills the notch (100-200 x 100-200).
    # (150, 150) lies in A's bounding box but in B only.
    communities = [
        _community("A", square(0, 0, 200, 100).union(square(0, 100, 100, 200))),
        _community("B", square(100, 100, 200, 200)),
    ]
    folder = make_project(
        tmp_path / "l",
        communities=communities,
        roads=[{"name": "路", "geometry": line((10, 10), (190, 10))}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "B"}],
        issues=[{"id": "I1", "state": "open", "geometry": shapely.Point(m(150, 150))}],
    )
    issue = _analysis(folder).issues.set_index("id").loc["I1"]
    assert (issue["community"], issue["leaders"]) == ("B", ("S1",))


def test_an_issue_road_m_under_a_metre_is_taken_as_written(tmp_path):
    # issue_road_m = 0.5: I1, 0.3 m off 东西路, is on it (C1's road); I2, 0.8 m off, is not.
    issues = [
        {"id": "I1", "state": "open", "geometry": shapely.Point(m(100, 0.3))},
        {"id": "I2", "state": "open", "geometry": shapely.Point(m(200, 0.8))},
    ]
    folder = make_project(
        tmp_path / "i",
        communities=[_community("A", STRIP)],
        roads=[{"name": "东西路", "geometry": line((0, 0), (1000, 0))}],
        leaders=LEADERS,
        assignments=[{"leader": "C1", "kind": "road", "target": "东西路"}],
        issues=issues,
    )
    table = _analysis(folder, "[tolerances]\nissue_road_m = 0.5\n").issues.set_index("id")
    assert table["road"].to_dict() == {"I1": "东西路", "I2": ""}
    assert table["leaders"].to_dict() == {"I1": ("C1",), "I2": ()}


# ----------------------------------------------------------------------------- communities
COMMUNITY_COLUMNS = [
    "id",
    "name",
    "tier",
    "street",
    "leaders",
    "district_leader",
    "road_leaders",
    "status_items",
    "status_done",
    "status_overdue",
    "issues_open",
    "issues_overdue",
]


def test_a_status_item_is_held_by_its_community_s_leaders_or_its_road_s_section_leaders(tmp_path):
    # The reference project: D1 and D2 hold sections of 东西路, S1 leads A, nobody B or 甲街.
    folder = make_road_project(tmp_path / "r")
    status = [
        {"kind": "road", "target": "东西路", "item": "占道", "state": "doing", "due": ""},
        {"kind": "community", "target": "A", "item": "保洁", "state": "doing", "due": ""},
        {"kind": "community", "target": "B", "item": "绿化", "state": "doing", "due": ""},
        {"kind": "road", "target": "甲街", "item": "破损", "state": "doing", "due": ""},
    ]
    write_csv(folder / "status.csv", status)
    held = _analysis(folder, "today = 2022-05-14\n").status
    assert held["leaders"].tolist() == [("D1", "D2"), ("S1",), (), ()]


def test_status_and_open_issues_are_counted_per_community(tmp_path):
    # As of 2022-05-14. B: done (due 05-01, past, but done: not overdue), doing (no due date),
    # doing (due 05-14, today: not yet overdue), doing (due 05-13: overdue) -> 4 items, 1 done,
    # 1 overdue. A reported nothing. Issues in A: two open, one resolved -> 2 open; in B one open.
    folder = make_road_project(tmp_path / "r")
    status = [
        {"kind": "community", "target": "B", "item": "保洁", "state": "done", "due": "2022-05-01"},
        {"kind": "community", "target": "B", "item": "绿化", "state": "doing", "due": ""},
        {"kind": "community", "target": "B", "item": "门前", "state": "doing", "due": "2022-05-14"},
        {"kind": "community", "target": "B", "item": "垃圾", "state": "doing", "due": "2022-05-13"},
    ]
    write_csv(folder / "status.csv", status)
    issues = [
        {"id": "I1", "state": "open", "geometry": shapely.Point(m(100, 200))},
        {"id": "I2", "state": "open", "geometry": shapely.Point(m(200, 200))},
        {"id": "I3", "state": "resolved", "geometry": shapely.Point(m(300, 200))},
        {"id": "I4", "state": "open", "geometry": shapely.Point(m(800, 200))},
    ]
    write_geojson(folder / "issues.geojson", issues)
    analysis = _analysis(folder, "today = 2022-05-14\n")
    assert list(analysis.communities.columns) == COMMUNITY_COLUMNS
    table = analysis.communities.set_index("id")
    counts = ["status_items", "status_done", "status_overdue", "issues_open", "issues_overdue"]
    assert table.loc["A", counts].tolist() == [0, 0, 0, 2, 0]
    assert table.loc["B", counts].tolist() == [4, 1, 1, 1, 0]
    # counts are whole numbers (communities.csv says 4, not 4.0)
    assert all(pd.api.types.is_integer_dtype(table[c]) for c in counts)
    assert analysis.status["overdue"].tolist() == [False, False, False, True]
    # A reported nothing while B did: A has no status; its leader is named, its own square drawn
    # (A is -100..500 x -300..300, centred on (200, 0)).
    [no_status] = _records(analysis, "community_no_status")
    assert (no_status.target, no_status.name, no_status.leaders) == ("A", "左社区", ("S1",))
    assert no_status.geometry.centroid.distance(shapely.Point(X0 + 200, Y0)) < 1e-3


def test_a_community_s_road_leaders_are_those_whose_road_crosses_it(tmp_path):
    # Four 500 m squares: A (SW), B (SE), C (NW), D (NE). 斜路 runs from (0, 100) to (900, 1000)
    # (y = x + 100): through A, C and D; it never reaches B (there y <= 500 < x + 100), though
    # its bounding box covers most of B.
    communities = [
        _community("A", square(0, 0, 500, 500)),
        _community("B", square(500, 0, 1000, 500)),
        _community("C", square(0, 500, 500, 1000)),
        _community("D", square(500, 500, 1000, 1000)),
    ]
    folder = make_project(
        tmp_path / "d",
        communities=communities,
        roads=[{"name": "斜路", "geometry": line((0, 100), (900, 1000))}],
        leaders=LEADERS,
        assignments=[{"leader": "C1", "kind": "road", "target": "斜路"}],
    )
    table = _analysis(folder).communities.set_index("id")
    assert table["road_leaders"].to_dict() == {"A": ("C1",), "B": (), "C": ("C1",), "D": ("C1",)}


def test_a_community_without_a_leader_is_offered_the_street_leaders_of_its_street(tmp_path):
    # 东街: A led by S1 (street) and D1 (district), B unled -> B is offered S1 only.
    # No street: C led by S2 (street), E unled -> E is offered no one (no street, no neighbours).
    # 西街: F unled, and no one leads in 西街 -> no one.
    leaders = LEADERS + [{"id": "S2", "name": "戊", "title": "街道主任", "level": "street"}]
    communities = [
        _community("A", square(0, 0, 100, 100), street="东街"),
        _community("B", square(100, 0, 200, 100), street="东街"),
        _community("C", square(200, 0, 300, 100)),
        _community("E", square(300, 0, 400, 100)),
        _community("F", square(400, 0, 500, 100), street="西街"),
    ]
    folder = make_project(
        tmp_path / "s",
        communities=communities,
        roads=[{"name": "路", "geometry": line((10, 10), (90, 10))}],
        leaders=leaders,
        assignments=[
            {"leader": "S1", "kind": "community", "target": "A"},
            {"leader": "D1", "kind": "community", "target": "A"},
            {"leader": "S2", "kind": "community", "target": "C"},
        ],
    )
    gaps = _records(_analysis(folder), "community_no_leader")
    assert [(g.target, g.name, g.owners) for g in gaps] == [
        ("B", "B社区", ("S1",)),
        ("E", "E社区", ()),
        ("F", "F社区", ()),
    ]
    assert [g.area_m2 for g in gaps] == pytest.approx([10_000.0] * 3, abs=1e-3)  # 100 x 100 m
    assert [g.geometry.area for g in gaps] == pytest.approx([10_000.0] * 3, abs=1e-3)


def test_a_key_or_demonstration_community_led_below_district_level_is_flagged(tmp_path):
    # K (key): S1 (street) and W1 (department) -> flagged, levels department and street.
    # M (demonstration): S1 only -> flagged. G (general): S1 only -> fine.
    leaders = LEADERS + [{"id": "W1", "name": "己", "title": "局长", "level": "department"}]
    communities = [
        _community("K", square(0, 0, 100, 100), tier="key"),
        _community("M", square(100, 0, 200, 100), tier="demonstration"),
        _community("G", square(200, 0, 300, 100)),
    ]
    folder = make_project(
        tmp_path / "k",
        communities=communities,
        roads=[{"name": "路", "geometry": line((10, 10), (290, 10))}],
        leaders=leaders,
        assignments=[
            {"leader": "S1", "kind": "community", "target": "K"},
            {"leader": "W1", "kind": "community", "target": "K"},
            {"leader": "S1", "kind": "community", "target": "M"},
            {"leader": "S1", "kind": "community", "target": "G"},
        ],
    )
    gaps = _records(_analysis(folder), "no_district_leader")
    assert [(g.target, g.name, g.leaders, g.facts) for g in gaps] == [
        ("K", "K社区", ("S1", "W1"), {"tier": "key", "levels": ["department", "street"]}),
        ("M", "M社区", ("S1",), {"tier": "demonstration", "levels": ["street"]}),
    ]
    # each drawn as its own community: K's square is centred on (50, 50), M's on (150, 50)
    assert [(round(g.geometry.centroid.x - X0, 3), round(g.geometry.centroid.y - Y0, 3)) for g in gaps] == [
        (50.0, 50.0),
        (150.0, 50.0),
    ]


def test_a_community_without_a_leader_is_drawn_and_measured(tmp_path):
    # The reference project: B (500-1100 x -300..300, 600 x 600 = 360,000 m²) has no leader.
    [gap] = _records(_analysis(make_road_project(tmp_path / "r")), "community_no_leader")
    assert (gap.target, gap.name) == ("B", "右社区")
    assert gap.area_m2 == pytest.approx(360_000.0, abs=1e-2)
    assert gap.geometry.centroid.distance(shapely.Point(X0 + 800, Y0)) < 1e-3


# ----------------------------------------------------------------------------- leaders
LEADER_COLUMNS = [
    "id",
    "name",
    "title",
    "level",
    "unit",
    "roads",
    "sections",
    "road_km",
    "overlap_m",
    "communities",
    "issues",
    "issues_open",
    "issues_overdue",
]


def test_each_leader_lists_whole_roads_sections_kilometres_and_communities(tmp_path):
    # The reference project plus C1 over the whole 东西路 (1 km): C1 a road, D1 and D2 a section
    # each (300 m, 500 m), S1 community A and no road.
    folder = make_road_project(tmp_path / "r")
    write_csv(
        folder / "assignments.csv",
        [
            {"leader": "C1", "kind": "road", "target": "东西路"},
            _section("D1", "甲街", "乙街"),
            _section("D2", "丙街", "丁街"),
            {"leader": "S1", "kind": "community", "target": "A"},
        ],
        ["leader", "kind", "target", "from", "to", "role"],
    )
    leaders = _analysis(folder).leaders
    assert list(leaders.columns) == LEADER_COLUMNS
    table = leaders.set_index("id")
    assert table["roads"].to_dict() == {"C1": ("东西路",), "D1": (), "D2": (), "S1": ()}
    assert table["sections"].to_dict() == {"C1": (), "D1": ("东西路:甲街-乙街",), "D2": ("东西路:丙街-丁街",), "S1": ()}
    assert table["road_km"].to_dict() == pytest.approx({"C1": 1.0, "D1": 0.3, "D2": 0.5, "S1": 0.0}, abs=1e-9)
    assert table["communities"].to_dict() == {"C1": (), "D1": (), "D2": (), "S1": ("A",)}


def test_a_leader_s_sections_are_listed_in_the_assignments_order_and_a_road_once(tmp_path):
    # D1 holds 甲街-乙街 and then 丙街-丁街: in the table's order, not the names' (丙 sorts before 甲); C1 is given
    # 东西路 whole in two rows (a row typed twice): validation drops the repeat, so it is listed once.
    folder = make_road_project(tmp_path / "r")
    write_csv(
        folder / "assignments.csv",
        [
            _section("D1", "甲街", "乙街"),
            _section("D1", "丙街", "丁街"),
            {"leader": "C1", "kind": "road", "target": "东西路"},
            {"leader": "C1", "kind": "road", "target": "东西路"},
        ],
        ["leader", "kind", "target", "from", "to", "role"],
    )
    table = _analysis(folder).leaders.set_index("id")
    assert table.at["D1", "sections"] == ("东西路:甲街-乙街", "东西路:丙街-丁街")
    assert table.at["C1", "roads"] == ("东西路",)


# ----------------------------------------------------------------------------- the gap list
def test_gaps_are_listed_in_registry_order_then_by_target(tmp_path):
    # The reference project's gaps: the section gap on 东西路, 丁街 unmanaged, B with no leader.
    # By target alone "B" would come first; the registry puts section gaps first.
    analysis = _analysis(make_road_project(tmp_path / "r"))
    assert analysis.gaps[["kind", "target"]].values.tolist() == [
        ["section_gap", "东西路"],
        ["unmanaged_stretch", "丁街"],
        ["community_no_leader", "B"],
    ]
    assert [c.kind for c in CHECKS][:3] == ["section_gap", "section_overlap", "unmanaged_stretch"]


def test_a_registered_check_sees_the_analysis_and_adds_to_the_built_in_gaps(tmp_path):
    # The check reads the analysis it is given (its roads table) and adds one gap per road over
    # 900 m: 东西路 (1,000 m). The built-in gaps stay.
    def long_roads(analysis):
        roads = analysis.roads
        return [Gap("long_road", r, r, None) for r in roads.loc[roads["length_m"] > 900, "road"]]

    register(Check("long_road", 1, {}, find=long_roads))
    try:
        analysis = _analysis(make_road_project(tmp_path / "r"))
    finally:
        unregister("long_road")
    assert analysis.gaps[["kind", "target"]].values.tolist() == [
        ["section_gap", "东西路"],
        ["unmanaged_stretch", "丁街"],
        ["community_no_leader", "B"],
        ["long_road", "东西路"],
    ]


# ----------------------------------------------------------------------------- gathering values by key
def _gathered_by_hand(keys, values, distinct, ordered):
    out: dict = {}
    for k, v in zip(keys, values):
        if not (distinct and v in out.get(k, [])):
            out.setdefault(k, []).append(v)
    return {k: tuple(sorted(vs) if ordered else vs) for k, vs in sorted(out.items())}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["A", "B", "社区3", "10", "9"]), st.sampled_from(["L2", "L10", "甲", "L2 "]))),
    st.booleans(),
    st.booleans(),
)
def test_values_gathered_by_key_as_a_loop_over_the_rows_gathers_them(rows, distinct, ordered):
    # The independent method: a plain loop keeping each key's values (once each, if distinct), sorted as
    # text ("L10" before "L2") or in the order they come.
    keys, values = [k for k, _ in rows], [v for _, v in rows]
    got = _tuples_by(keys, values, distinct=distinct, ordered=ordered)
    assert got == _gathered_by_hand(keys, values, distinct, ordered)
    assert all(type(k) is str for k in got) and all(type(v) is str for vs in got.values() for v in vs)


def test_a_missing_key_or_value_is_one_of_its_own():
    # a missing street (None) must not lend its leaders to the street that sorts last, nor a missing
    # leader take another's place
    assert _tuples_by(["甲街", None, "乙街"], ["L1", "L2", "L3"]) == {"甲街": ("L1",), None: ("L2",), "乙街": ("L3",)}
    assert _tuples_by(["甲街", "乙街", "乙街"], ["L1", None, "L3"], ordered=False) == {
        "甲街": ("L1",),
        "乙街": (None, "L3"),
    }


def test_by_default_each_value_comes_once_per_key():
    # an issue's community leader who also holds its road is named once
    assert _tuples_by(["I1", "I1", "I2"], ["L1", "L1", "L1"]) == {"I1": ("L1",), "I2": ("L1",)}


def test_integer_keys_come_back_as_python_integers():
    assert _tuples_by([3, 1, 3], ["b", "a", "a"]) == {1: ("a",), 3: ("a", "b")}
    assert all(type(k) is int for k in _tuples_by([3, 1, 3], ["b", "a", "a"]))


# ----------------------------------------------------------------------------- leaders asked for by id or name
def _asked(wanted):
    leaders = pd.DataFrame({"id": ["S1", "S2", "S3", "C1"], "name": ["张建国", "赵丽", "赵丽", "S1"]})
    analysis = SimpleNamespace(resolved=SimpleNamespace(project=SimpleNamespace(leaders=leaders)))
    return Analysis.leader_ids(analysis, wanted)


def test_leaders_are_asked_for_by_id_first_then_by_a_name_only_one_has():
    # "S1" is S1's id and C1's name: the id wins. Asked twice, a leader comes once, in the order asked.
    assert _asked(["C1", "张建国", "S1", "C1"]) == ["C1", "S1"]
    assert _asked([]) == []


def test_a_leader_no_one_is_and_a_name_two_share_are_refused_by_name():
    with pytest.raises(UnknownLeaderError) as unknown:
        _asked(["S2", "钱七"])
    assert unknown.value.text() == "没有编号或姓名为“钱七”的责任人（见 leaders 表的 id 与 name 列）"
    with pytest.raises(UnknownLeaderError) as shared:
        _asked(["赵丽"])
    assert shared.value.text() == "有 2 名责任人叫“赵丽”（编号 S2、S3）；请用编号指定"
    assert shared.value.text("en") == "2 leaders are called “赵丽” (ids S2, S3); name one by its id"


# ----------------------------------------------------------------------------- the analysis as a notebook sees it
def test_the_analysis_reads_in_one_line_and_gives_its_layers_in_wgs84_worded_in_chinese(tmp_path):
    # The reference project: 2 communities, 5 named roads (东西路 and 甲乙丙丁街), 4 leaders, no issues.
    # Its gaps, one of each kind, in the checks' order: 300-500 m of 东西路 (section_gap); B has no
    # leader (community_no_leader), so the road in B no road leader holds is unmanaged_stretch.
    analysis = _analysis(make_road_project(tmp_path / "r"), "today = 2022-05-14\n")
    assert repr(analysis) == (
        "Analysis(as_of=2022-05-14, communities=2, roads=5, leaders=4, issues=0, "
        "gaps: section_gap 1, unmanaged_stretch 1, community_no_leader 1)"
    )
    layers = analysis.frames()
    assert all(frame.crs.to_epsg() == 4326 for frame in layers.values())
    assert layers["gaps"]["kind_zh"].tolist() == ["路段空白", "无人管路段", "社区无责任人"]  # Chinese unless asked
    assert analysis.frames(crs=32649)["gaps"].crs.to_epsg() == 32649
    assert analysis.frames(lang="en")["gaps"]["kind_en"].tolist()[0] != "路段空白"


def test_an_analysis_with_no_gap_says_none(tmp_path):
    folder = _on_a_road(tmp_path, [_section("D1", "0", "1000")])
    assert repr(_analysis(folder, "today = 2022-05-14\n")).endswith(", issues=0, gaps: none)")


def test_issues_analysed_without_replies_have_the_reply_columns_empty(tmp_path):
    # A project analysed in code, not through geo.check (which adds the pinned problems first): the
    # issues still get the reply columns, empty, as the reports and maps read them.
    folder = make_road_project(tmp_path / "r")
    write_geojson(folder / "issues.geojson", [{"id": "I1", "state": "open", "geometry": shapely.Point(m(100, 5))}])
    config = load_config(folder)
    layers, problems = load_project(folder, config)
    project = validate_project(layers, problems, config.tolerances)[0]
    assert "photo" not in project.issues
    resolved, _ = resolve_project(project, config.tolerances)
    issues = analyse(resolved, config.tolerances, date(2022, 5, 14)).issues
    assert issues[["photo", "reply", "pinned_by"]].values.tolist() == [["", "", ""]]


def test_an_overlap_is_narrowed_to_where_the_road_is_not_to_a_stretch_it_only_touches():
    # The road is present 0-300 and 600-1,000 m (it leaves the district between). An overlap placed
    # 300-700 m touches the first stretch at 300 only: what the district counts is 600-700.
    assert _where_present(300.0, 700.0, [(0.0, 300.0), (600.0, 1000.0)]) == (600.0, 700.0)
    assert _where_present(200.0, 700.0, [(0.0, 300.0), (600.0, 1000.0)]) == (200.0, 700.0)
    assert _where_present(350.0, 550.0, [(0.0, 300.0), (600.0, 1000.0)]) == (350.0, 550.0)  # nowhere: as placed

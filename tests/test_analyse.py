"""Gaps found on hand-made layers, every figure computed by hand."""

import pytest
import shapely

from conftest import LEADERS, line, m, make_project, square
from geo import check, load_config
from geo.report import gap_table


def _gaps(folder):
    """The analysis, and its gaps as gaps.csv words them (facts and words side by side)."""
    analysis = check(folder, load_config(folder)).analysis
    return analysis, gap_table(analysis)


def test_1000_m_road_with_two_sections_leaves_a_200_m_gap(road_project):
    analysis, gaps = _gaps(road_project)
    section = gaps[gaps["kind"] == "section_gap"]
    assert len(section) == 1
    row = section.iloc[0]
    assert row["length_m"] == pytest.approx(200.0, abs=1e-3)
    assert (row["start_m"], row["end_m"]) == pytest.approx((300.0, 500.0), abs=1e-3)
    assert "乙街 至 丙街" in row["description"]
    assert row["suggested_owner"] == "乙、丙"  # the leaders of the adjacent sections
    roads = analysis.roads.set_index("road")
    assert roads.at["东西路", "covered_m"] == pytest.approx(800.0, abs=1e-3)
    assert roads.at["东西路", "gap_m"] == pytest.approx(200.0, abs=1e-3)


def test_unled_community_and_the_unmanaged_street_in_it(road_project):
    _, gaps = _gaps(road_project)
    assert gaps.loc[gaps["kind"] == "community_no_leader", "target"].tolist() == ["B"]
    unmanaged = gaps[gaps["kind"] == "unmanaged_stretch"]
    # 丁街 (x = 1000 m, 200 m long) lies wholly in B, which has no leader; 丙街 runs
    # along the A/B edge and counts as in A. The 200 m section gap lies in A (led).
    assert unmanaged["target"].tolist() == ["丁街"]
    assert unmanaged.iloc[0]["length_m"] == pytest.approx(200.0, abs=1e-3)
    assert set(gaps["kind"]) == {"section_gap", "unmanaged_stretch", "community_no_leader"}


def test_overlap_between_two_district_leaders_names_both(tmp_path):
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "丙街", "geometry": line((500, -100), (500, 100))},
        {"name": "戊街", "geometry": line((600, -100), (600, 100))},
        {"name": "丁街", "geometry": line((1000, -100), (1000, 100))},
    ]
    assignments = [
        {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "戊街"},
        {"leader": "D2", "kind": "section", "target": "东西路", "from": "丙街", "to": "丁街"},
        {"leader": "C1", "kind": "road", "target": "东西路"},  # city over district: by design
        {"leader": "S1", "kind": "community", "target": "A"},
    ]
    communities = [{"id": "A", "name": "社区", "tier": "general", "geometry": square(-200, -300, 1600, 300)}]
    folder = make_project(
        tmp_path / "o", communities=communities, roads=roads, leaders=LEADERS, assignments=assignments
    )
    analysis, gaps = _gaps(folder)
    overlaps = gaps[gaps["kind"] == "section_overlap"]
    assert len(overlaps) == 1
    assert overlaps.iloc[0]["length_m"] == pytest.approx(100.0, abs=1e-3)
    assert overlaps.iloc[0]["leader"] == "D1;D2"
    assert "section_gap" not in set(gaps["kind"])
    assert analysis.roads.set_index("road").at["东西路", "overlap_m"] == pytest.approx(100.0, abs=1e-3)


def _territory_project(tmp_path, boundary=True):
    # Two 100 x 100 m squares 2 m apart: a 2 x 100 m = 200 m² gap between them;
    # C reaches into A's corner (20 x 20 m = 400 m² of overlap).
    communities = [
        {"id": "A", "name": "甲社区", "tier": "general", "geometry": square(0, 0, 100, 100)},
        {"id": "B", "name": "乙社区", "tier": "general", "geometry": square(102, 0, 202, 100)},
        {
            "id": "C",
            "name": "丙社区",
            "tier": "general",
            "geometry": square(90, 100, 190, 200).union(square(80, 80, 100, 100)).union(square(0, 100, 90, 200)),
        },
    ]
    roads = [{"name": "路", "geometry": line((10, 10), (190, 10))}]
    assignments = [{"leader": "S1", "kind": "community", "target": t} for t in "ABC"]
    return make_project(
        tmp_path / "t",
        communities=communities,
        roads=roads,
        leaders=LEADERS,
        assignments=assignments,
        boundary=square(0, 0, 202, 200) if boundary else None,
    )


def test_two_squares_and_a_sliver(tmp_path):
    _, gaps = _gaps(_territory_project(tmp_path))
    territory = gaps[gaps["kind"] == "territory_gap"].sort_values("area_m2")
    # inside the boundary (0..202 x 0..200): the 2 m strip between A and B
    # (2 x 100) and C's missing corner (190..202 x 100..200 = 12 x 100).
    assert territory["area_m2"].round(3).tolist() == [200.0, 1200.0]
    assert set(territory["suggested_owner"]) == {"甲社区、乙社区、丙社区", "乙社区、丙社区"}
    overlap = gaps[gaps["kind"] == "territory_overlap"]
    assert len(overlap) == 1
    assert overlap.iloc[0]["area_m2"] == pytest.approx(400.0, abs=1e-3)  # the 20 x 20 corner of C inside A
    assert overlap.iloc[0]["target"] == "A;C"


def test_slivers_below_the_tolerance_are_counted_not_reported(tmp_path):
    communities = [
        {"id": "A", "name": "甲社区", "tier": "general", "geometry": square(0, 0, 100, 100)},
        {"id": "B", "name": "乙社区", "tier": "general", "geometry": square(100.5, 0, 200, 100)},
    ]
    roads = [{"name": "路", "geometry": line((10, 10), (90, 10))}]
    folder = make_project(
        tmp_path / "s",
        communities=communities,
        roads=roads,
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": t} for t in "AB"],
        boundary=square(0, 0, 200, 100),
    )
    analysis, gaps = _gaps(folder)
    assert "territory_gap" not in set(gaps["kind"])
    assert analysis.slivers["count"] == 1
    assert analysis.slivers["area_m2"] == pytest.approx(50.0, abs=1e-3)  # 0.5 x 100 m


def test_issues_get_community_road_section_leader_or_are_orphans(road_project):
    issues = [
        {"id": "I1", "state": "open", "geometry": shapely.Point(m(100, 20))},  # in A, 20 m from road, D1's section
        {"id": "I2", "state": "open", "geometry": shapely.Point(m(500, 200))},  # on the A/B edge, 200 m from road
        {"id": "I3", "state": "open", "geometry": shapely.Point(m(800, 250))},  # in B (no leader), no road near
        {"id": "I4", "state": "resolved", "geometry": shapely.Point(m(1110, 250))},  # in no community, no road
        {"id": "I5", "state": "open", "geometry": shapely.Point(m(5000, 5000))},  # outside the district
    ]
    from conftest import write_geojson

    write_geojson(road_project / "issues.geojson", issues)
    analysis, gaps = _gaps(road_project)
    table = analysis.issues.set_index("id")
    assert table.at["I1", "community"] == "A" and table.at["I1", "road"] == "东西路"
    assert table.at["I1", "chainage_m"] == pytest.approx(100.0, abs=1e-3)
    assert table.at["I1", "leaders"] == ("D1", "S1")
    assert table.at["I2", "community"] == "A"  # shared edge: the id that sorts first
    assert table.at["I2", "road"] == ""
    assert table.at["I3", "community"] == "B" and table.at["I3", "leaders"] == ()
    assert table.at["I4", "community"] == "" and table.at["I4", "orphan"]
    assert gaps.loc[gaps["kind"] == "orphan_issue", "target"].tolist() == ["I3", "I4"]
    # I5 lies 4 km beyond the communities' outline (+15 m): in no figure, counted as outside.
    assert "I5" not in table.index
    assert analysis.resolved.project.outside.issues == 1


def _dual_project(tmp_path, target_pieces, assignments):
    roads = target_pieces + [
        {"name": n, "geometry": line((x, -100), (x, 100))}
        for n, x in (("甲街", 0), ("乙街", 300), ("丙街", 500), ("丁街", 1000))
    ]
    communities = [{"id": "A", "name": "社区", "tier": "general", "geometry": square(-200, -300, 1600, 300)}]
    assignments = assignments + [{"leader": "S1", "kind": "community", "target": "A"}]
    return make_project(tmp_path / "d", communities=communities, roads=roads, leaders=LEADERS, assignments=assignments)


def test_dual_carriageway_shares_one_chainage_and_sections_cover_both(tmp_path):
    # Two carriageways 20 m apart, digitised in opposite directions and cut into pieces.
    pieces = [
        {"name": "东西路", "geometry": line((0, 10), (450, 10))},
        {"name": "东西路", "geometry": line((450, 10), (1000, 10))},
        {"name": "东西路", "geometry": line((1000, -10), (620, -10))},
        {"name": "东西路", "geometry": line((620, -10), (0, -10))},
    ]
    folder = _dual_project(
        tmp_path,
        pieces,
        [
            {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街"},
            {"leader": "D2", "kind": "section", "target": "东西路", "from": "丙街", "to": "丁街"},
        ],
    )
    analysis, gaps = _gaps(folder)
    road = analysis.roads.set_index("road").loc["东西路"]
    assert road["parts"] == 2
    assert road["length_m"] == pytest.approx(1000.0, abs=1e-3)  # route length
    assert road["pieces_m"] == pytest.approx(2000.0, abs=1e-3)  # both carriageways on the ground
    assert road["covered_m"] == pytest.approx(800.0, abs=1e-3)
    section = gaps[gaps["kind"] == "section_gap"]
    assert len(section) == 1
    assert (section.iloc[0]["start_m"], section.iloc[0]["end_m"]) == pytest.approx((300.0, 500.0), abs=1e-3)
    # the gap is drawn on both carriageways: 2 x 200 m of ground
    [record] = [g for g in analysis.gap_records if g.kind == "section_gap"]
    assert record.geometry.length == pytest.approx(400.0, abs=1e-3)
    coverage = analysis.resolved.coverage.set_index("leader")
    assert coverage.at["D1", "geometry"].length == pytest.approx(600.0, abs=1e-3)


def test_a_gap_in_the_data_is_not_a_coverage_gap(tmp_path):
    # The road is missing between 400 and 600 m (a bridge piece under another name).
    pieces = [
        {"name": "东西路", "geometry": line((0, 0), (400, 0))},
        {"name": "东西路", "geometry": line((600, 0), (1000, 0))},
    ]
    folder = _dual_project(
        tmp_path,
        pieces,
        [
            {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "丁街"},
        ],
    )
    analysis, gaps = _gaps(folder)
    road = analysis.roads.set_index("road").loc["东西路"]
    assert road["length_m"] == pytest.approx(800.0, abs=1e-3)
    assert road["covered_m"] == pytest.approx(800.0, abs=1e-3)
    assert "section_gap" not in set(gaps["kind"])
    # chainage still runs across the data gap: 丙街 at 500 m
    resolved = analysis.resolved
    assert resolved.road_axes.at["东西路", "extent_m"] == pytest.approx(1000.0, abs=1e-3)


def test_key_community_needs_a_district_leader_and_every_community_a_status(tmp_path):
    communities = [
        {"id": "K", "name": "重点社区甲", "tier": "key", "geometry": square(0, 0, 100, 100)},
        {"id": "M", "name": "示范社区乙", "tier": "demonstration", "geometry": square(100, 0, 200, 100)},
        {"id": "G", "name": "一般社区丙", "tier": "general", "geometry": square(200, 0, 300, 100)},
    ]
    assignments = [
        {"leader": "S1", "kind": "community", "target": "K"},  # a street leader only
        {"leader": "D1", "kind": "community", "target": "M"},  # a district leader: fine
        {"leader": "S1", "kind": "community", "target": "G"},  # general: a street leader is enough
    ]
    status = [
        {"kind": "community", "target": "K", "item": "保洁", "state": "done"},
        {"kind": "community", "target": "M", "item": "保洁", "state": "doing", "due": "2022-05-01"},
    ]
    folder = make_project(
        tmp_path / "k",
        communities=communities,
        roads=[{"name": "路", "geometry": line((10, 10), (290, 10))}],
        leaders=LEADERS,
        assignments=assignments,
        status=status,
    )
    (folder / "geo.toml").write_text("today = 2022-05-14\n", encoding="utf-8")
    analysis, gaps = _gaps(folder)
    assert gaps.loc[gaps["kind"] == "no_district_leader", "target"].tolist() == ["K"]
    assert gaps.loc[gaps["kind"] == "community_no_status", "target"].tolist() == ["G"]
    rollup = analysis.communities.set_index("id")
    assert rollup.at["M", "status_overdue"] == 1  # due 2022-05-01, not done, as of 2022-05-14
    assert rollup.at["K", "status_overdue"] == 0
    assert not rollup.at["K", "district_leader"] and rollup.at["M", "district_leader"]


def test_overdue_issues_are_judged_against_the_as_of_date(road_project):
    from conftest import write_geojson

    issues = [
        {"id": "late", "state": "open", "due": "2022-05-10", "geometry": shapely.Point(m(100, 20))},
        {"id": "due-later", "state": "open", "due": "2022-06-10", "geometry": shapely.Point(m(100, 20))},
        {"id": "done", "state": "resolved", "due": "2022-05-01", "geometry": shapely.Point(m(100, 20))},
    ]
    write_geojson(road_project / "issues.geojson", issues)
    config = load_config(road_project).with_today(__import__("datetime").date(2022, 5, 14))
    analysis = check(road_project, config).analysis
    assert analysis.issues.set_index("id")["overdue"].to_dict() == {"late": True, "due-later": False, "done": False}
    leaders = analysis.leaders.set_index("id")
    assert leaders.at["D1", "issues_overdue"] == 1 and leaders.at["D1", "issues_open"] == 2
    assert leaders.at["D1", "road_km"] == pytest.approx(0.3, abs=1e-6)


def test_staggered_carriageways_extend_the_axis_only_by_what_runs_on(tmp_path):
    # One carriageway 0-1000 m, the other 600-1500 m, 30 m apart; a cross street at 800 m.
    pieces = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "东西路", "geometry": line((600, 30), (1500, 30))},
    ]
    folder = _dual_project(
        tmp_path,
        pieces,
        [
            {"leader": "C1", "kind": "road", "target": "东西路"},
            {"leader": "D1", "kind": "section", "target": "东西路", "from": "0", "to": "乙街"},
        ],
    )
    folder.joinpath("roads.geojson").unlink()
    from conftest import write_geojson

    write_geojson(folder / "roads.geojson", pieces + [{"name": "乙街", "geometry": line((800, -100), (800, 100))}])
    analysis, gaps = _gaps(folder)
    road = analysis.roads.set_index("road").loc["东西路"]
    assert road["length_m"] == pytest.approx(1530.0, abs=1e-3)  # 1,000 + the 30 m step across + 500
    section = analysis.resolved.coverage.set_index("leader").loc["D1"]
    assert section["end_m"] == pytest.approx(800.0, abs=1e-3)  # both carriageways cross at one chainage
    assert "section_gap" not in set(gaps["kind"])


def test_a_same_named_arm_of_a_t_junction_is_a_branch(tmp_path):
    pieces = [
        {"name": "东西路", "geometry": line((0, 0), (500, 0))},
        {"name": "东西路", "geometry": line((500, 0), (1000, 0))},
        {"name": "东西路", "geometry": line((500, 0), (500, 250))},
    ]
    folder = _dual_project(tmp_path, pieces, [{"leader": "C1", "kind": "road", "target": "东西路"}])
    analysis, _ = _gaps(folder)
    road = analysis.roads.set_index("road").loc["东西路"]
    assert road["length_m"] == pytest.approx(1000.0, abs=1e-3)
    assert road["branch_m"] == pytest.approx(250.0, abs=1e-3)


def test_stake_distances_and_kilometres(tmp_path):
    from geo.resolve import parse_distance

    assert parse_distance("K0+300") == 300.0 and parse_distance("k1+200") == 1200.0
    assert parse_distance("1.2km") == 1200.0 and parse_distance("0.5公里") == 500.0
    assert parse_distance("250米") == 250.0 and parse_distance("红门路") is None and parse_distance("K1") is None


def test_an_issue_beside_a_footway_goes_to_the_named_road(road_project):
    from conftest import write_geojson

    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "", "geometry": line((0, 12), (1000, 12))},  # an unnamed footway beside it
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "乙街", "geometry": line((300, -100), (300, 100))},
        {"name": "丙街", "geometry": line((500, -100), (500, 100))},
        {"name": "丁街", "geometry": line((1000, -100), (1000, 100))},
    ]
    write_geojson(road_project / "roads.geojson", roads)
    write_geojson(
        road_project / "issues.geojson", [{"id": "I1", "state": "open", "geometry": shapely.Point(m(100, 15))}]
    )
    analysis, _ = _gaps(road_project)
    issue = analysis.issues.set_index("id").loc["I1"]
    assert issue["road"] == "东西路" and "D1" in issue["leaders"]

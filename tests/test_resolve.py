"""Sections resolved on the ground, on hand-made roads with answers by hand."""

import pytest

from conftest import LEADERS, line, make_project, square
from geo import ValidationError, check, load_config, load_project, resolve_project, validate_project
from geo.config import Tolerances


def _resolve(folder):
    layers, problems = load_project(folder, load_config(folder))
    project, problems = validate_project(layers, problems)
    assert not [p for p in problems if p.severity == "error"], problems
    return resolve_project(project, Tolerances())


def _road(tmp_path, roads, assignments, name="p"):
    communities = [{"id": "A", "name": "社区", "tier": "general", "geometry": square(-200, -300, 1200, 300)}]
    assignments = assignments + [{"leader": "S1", "kind": "community", "target": "A"}]
    return make_project(tmp_path / name, communities=communities, roads=roads, leaders=LEADERS, assignments=assignments)


def test_two_sections_by_cross_streets(road_project):
    resolved, problems = _resolve(road_project)
    assert problems == []
    axes = resolved.road_axes
    assert axes.at["东西路", "length_m"] == pytest.approx(1000.0, abs=1e-6)
    assert axes.at["东西路", "parts"] == 1
    sections = resolved.coverage.set_index("leader")
    assert sections.at["D1", "start_m"] == pytest.approx(0.0, abs=1e-6)
    assert sections.at["D1", "end_m"] == pytest.approx(300.0, abs=1e-6)
    assert sections.at["D2", "start_m"] == pytest.approx(500.0, abs=1e-6)
    assert sections.at["D2", "end_m"] == pytest.approx(1000.0, abs=1e-6)
    assert (sections.at["D1", "how_from"], sections.at["D1", "how_to"]) == ("crossing", "crossing")
    assert sections.at["D2", "geometry"].length == pytest.approx(500.0, abs=1e-6)


def test_cross_street_that_misses_by_3_m_still_counts(tmp_path):
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "乙街", "geometry": line((300, 3), (300, 100))},  # stops 3 m short
    ]
    folder = _road(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街"}]
    )
    resolved, problems = _resolve(folder)
    assert problems == []
    row = resolved.coverage.iloc[0]
    assert row["end_m"] == pytest.approx(300.0, abs=1e-6)
    # from 甲街 (touching), to 乙街 (3 m short)
    assert (row["how_from"], row["how_to"]) == ("crossing", "near_crossing")
    assert (row["off_from_m"], row["off_to_m"]) == (0.0, pytest.approx(3.0, abs=1e-6))


def test_dual_carriageway_cross_street_is_one_crossing(tmp_path):
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "乙街", "geometry": line((290, -100), (290, 100))},  # two carriageways 20 m apart
        {"name": "乙街", "geometry": line((310, 100), (310, -100))},
    ]
    folder = _road(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街"}]
    )
    resolved, _ = _resolve(folder)
    assert resolved.coverage.iloc[0]["end_m"] == pytest.approx(300.0, abs=1e-6)


def test_street_crossing_twice_takes_the_crossing_nearest_the_other_end(tmp_path):
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "乙街", "geometry": line((300, -100), (300, 100))},
        # a loop street crossing at 500 m and again at 900 m
        {"name": "丙街", "geometry": line((500, -100), (500, 100), (900, 100), (900, -100))},
    ]
    folder = _road(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "乙街", "to": "丙街"}]
    )
    resolved, _ = _resolve(folder)
    row = resolved.coverage.iloc[0]
    assert (row["start_m"], row["end_m"]) == pytest.approx((300.0, 500.0), abs=1e-6)


def test_distances_in_metres(tmp_path):
    roads = [{"name": "东西路", "geometry": line((0, 0), (1000, 0))}]
    folder = _road(
        tmp_path, roads, [{"leader": "D1", "kind": "section", "target": "东西路", "from": "250", "to": "700米"}]
    )
    resolved, _ = _resolve(folder)
    row = resolved.coverage.iloc[0]
    assert (row["start_m"], row["end_m"], row["how_from"], row["how_to"]) == (250.0, 700.0, "metres", "metres")


def test_pieces_in_any_order_merge_into_one_road(tmp_path):
    roads = [
        {"name": "东西路", "geometry": line((600, 0), (1000, 0))},
        {"name": "东西路", "geometry": line((0, 0), (600, 0))},
    ]
    folder = _road(tmp_path, roads, [{"leader": "C1", "kind": "road", "target": "东西路"}])
    resolved, _ = _resolve(folder)
    assert resolved.road_axes.at["东西路", "parts"] == 1
    assert resolved.coverage.iloc[0]["length_m"] == pytest.approx(1000.0, abs=1e-6)


def test_unresolvable_section_ends_are_errors_naming_file_row_and_column(tmp_path):
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "远街", "geometry": line((0, 250), (1000, 250))},  # parallel, never meets
    ]
    folder = _road(
        tmp_path,
        roads,
        [
            {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "远街"},
            {"leader": "D2", "kind": "section", "target": "东西路", "from": "甲街", "to": "5000"},
        ],
    )
    with pytest.raises(ValidationError) as err:
        check(folder, load_config(folder))
    text = str(err.value)
    assert "assignments.csv 第 2 行，“to”列" in text and "远街 与 东西路 不相交" in text
    assert "assignments.csv 第 3 行，“to”列" in text and "超出了道路终点" in text

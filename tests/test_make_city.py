"""scripts/make_city.py: a seeded generator of whole projects whose answers it plants.

geo is run on small generated projects and must find exactly what the generator
planted (computed from its own construction, never by running geo).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import NamedTuple

import opencc
import pytest

from conftest import ROOT
from geo import check, load_config


def _load_make_city():
    spec = importlib.util.spec_from_file_location("make_city", ROOT / "scripts" / "make_city.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_city"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


make_city = _load_make_city()

SMALL = make_city.Sizes(**make_city.SCALES["S"], seed=1)
OTHER = make_city.Sizes(communities=150, road_pieces=4_000, issues=900, leaders=60, seed=7)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class City(NamedTuple):
    folder: Path
    sizes: object  # make_city.Sizes
    planted: dict
    result: object  # geo.pipeline.CheckResult


@pytest.fixture(scope="module", params=[SMALL, OTHER], ids=["S", "custom"])
def city(request, tmp_path_factory) -> City:
    """A generated project, its planted answers and what geo found in it."""
    folder = tmp_path_factory.mktemp("city") / "project"
    planted = make_city.generate(folder, request.param)
    return City(folder, request.param, planted, check(folder, load_config(folder)))


def _gaps(result, kind):
    gaps = result.analysis.gaps
    return gaps[gaps["kind"] == kind]


def test_the_same_arguments_give_the_same_bytes(tmp_path):
    sizes = make_city.Sizes(communities=30, road_pieces=600, issues=200, leaders=30, seed=3)
    make_city.generate(tmp_path / "a", sizes)
    make_city.generate(tmp_path / "b", sizes)
    make_city.generate(tmp_path / "c", make_city.Sizes(30, 600, 200, 30, seed=4))
    first = _files(tmp_path / "a")
    assert set(first) == {
        "assignments.csv",
        "boundary.geojson",
        "communities.geojson",
        "geo.toml",
        "issues.geojson",
        "leaders.csv",
        "planted.json",
        "roads.geojson",
        "status.csv",
    }
    assert first == _files(tmp_path / "b")
    assert first["roads.geojson"] != _files(tmp_path / "c")["roads.geojson"]


def test_the_command_line_takes_a_scale_and_counts_that_override_it(tmp_path):
    out, sizes = make_city.parse_args([str(tmp_path / "x"), "--scale", "M", "--issues", "123", "--seed", "5"])
    assert out == tmp_path / "x"
    assert sizes == make_city.Sizes(communities=2_000, road_pieces=100_000, issues=123, leaders=1_000, seed=5)


def test_the_counts_asked_for_are_the_counts_written(city):
    _, sizes, planted, result = city
    counts = planted["counts"]
    assert (counts["communities"], counts["road_pieces"], counts["issues"], counts["leaders"]) == (
        sizes.communities,
        sizes.road_pieces,
        sizes.issues,
        sizes.leaders,
    )
    project = result.analysis.resolved.project
    assert len(project.communities) == counts["communities"]
    assert len(project.roads) == counts["road_pieces"]
    assert (project.roads["name"] == "").sum() == counts["unnamed_pieces"]
    assert project.roads.loc[project.roads["name"] != "", "name"].nunique() == counts["named_roads"]
    assert len(project.leaders) == counts["leaders"]
    assert len(project.issues) + project.outside.issues == counts["issues"]
    assert counts["dual_carriageways"] >= 1


def test_the_input_is_clean_but_for_the_issues_planted_outside(city):
    _, _, planted, result = city
    assert [p for p in result.problems if p.severity != "note"] == []
    assert len(result.problems) == planted["issues"]["outside_district"]
    assert result.analysis.resolved.project.outside.issues == planted["issues"]["outside_district"]
    assert planted["issues"]["in_lakes"] >= 1 and planted["issues"]["beyond_outline"] >= 1


def test_geo_finds_exactly_the_planted_communities_without_a_leader(city):
    _, _, planted, result = city
    assert sorted(_gaps(result, "community_no_leader")["target"]) == planted["communities_no_leader"]
    assert len(planted["communities_no_leader"]) >= 2
    assert sorted(_gaps(result, "no_district_leader")["target"]) == planted["no_district_leader"]
    assert sorted(_gaps(result, "community_no_status")["target"]) == planted["communities_no_status"]


def test_geo_finds_every_planted_section_gap_and_no_other(city):
    _, _, planted, result = city
    found = sorted(zip(_gaps(result, "section_gap")["target"], _gaps(result, "section_gap")["length_m"]))
    wanted = sorted((g["road"], g["length_m"]) for g in planted["section_gaps"])
    assert len(wanted) >= 2
    assert [road for road, _ in found] == [road for road, _ in wanted]
    for (_, got), (_, expected) in zip(found, wanted):
        assert got == pytest.approx(expected, abs=2.0)


def test_geo_finds_every_planted_overlap_with_both_leaders(city):
    _, _, planted, result = city
    overlaps = _gaps(result, "section_overlap")
    found = sorted(zip(overlaps["target"], overlaps["length_m"], overlaps["leaders"]))
    wanted = sorted((o["road"], o["length_m"], tuple(o["leaders"])) for o in planted["section_overlaps"])
    assert len(wanted) >= 1
    assert [(road, who) for road, _, who in found] == [(road, who) for road, _, who in wanted]
    for (_, got, _), (_, expected, _) in zip(found, wanted):
        assert got == pytest.approx(expected, abs=2.0)


def test_geo_measures_the_planted_unmanaged_length(city):
    _, _, planted, result = city
    unmanaged = _gaps(result, "unmanaged_stretch")
    named = unmanaged[unmanaged["name"] != ""]
    expected = planted["unmanaged"]
    assert unmanaged["length_m"].sum() == pytest.approx(expected["total_m"], abs=2.0)
    assert named["length_m"].sum() == pytest.approx(expected["named_m"], abs=2.0)
    assert len(unmanaged) - len(named) == expected["unnamed_pieces"]
    by_road = named.groupby("name")["length_m"].sum()
    assert sorted(by_road.index) == sorted(expected["by_target"])
    for road, length in expected["by_target"].items():
        assert by_road[road] == pytest.approx(length, abs=2.0)


def test_geo_finds_the_planted_territory_gap_orphans_and_overdue_issues(city):
    _, _, planted, result = city
    territory = _gaps(result, "territory_gap")
    assert list(territory["target"]) == [g["host"] for g in planted["territory_gaps"]]
    for got, gap in zip(territory["area_m2"], planted["territory_gaps"]):
        assert got == pytest.approx(gap["area_m2"], rel=1e-3)
    assert sorted(_gaps(result, "orphan_issue")["target"]) == planted["issues"]["orphans"]
    assert int(result.analysis.issues["overdue"].sum()) == planted["issues"]["overdue"]
    enclaves = {e["id"] for e in planted["enclaves"]}
    assert enclaves and enclaves <= set(result.analysis.communities["id"])


def test_names_are_unique_and_in_simplified_characters(city):
    result = city.result
    project = result.analysis.resolved.project
    t2s = opencc.OpenCC("t2s")
    roads = set(project.roads["name"]) - {""}
    names = [*project.communities["name"], *roads, *set(project.communities["street"])]
    assert all(t2s.convert(n) == n for n in names)
    assert project.communities["name"].is_unique and project.communities["id"].str.fullmatch(r"\d{12}").all()
    assert json.loads((city.folder / "planted.json").read_text(encoding="utf-8"))["metric_crs"] == "EPSG:32649"

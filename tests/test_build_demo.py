"""End to end: `geo build` on the embedded Shashi demo, as a new user runs it."""

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from geo.cli import main

LAYERS = ROOT / "layers"
EXPECTED = json.loads((ROOT / "tests" / "data" / "demo_expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(demo_build) -> Path:
    """`geo build layers --out …`, built once per test run (conftest.py): read it, do not change it."""
    return demo_build.out


@pytest.fixture(scope="module")
def summary(demo) -> dict:
    return json.loads((demo / "reports" / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gaps(demo) -> pd.DataFrame:
    return pd.read_csv(demo / "reports" / "gaps.csv", encoding="utf-8-sig", dtype={"target": str})


def test_writes_every_file(demo):
    for name in (
        "index.html",
        "overview.html",
        "gaps.html",
        "reports/summary.json",
        "reports/gaps.csv",
        "reports/run.json",
        "reports/roads.csv",
        "reports/ledger.csv",
    ):
        assert (demo / name).is_file(), name
    leaders = pd.read_csv(LAYERS / "leaders.csv", encoding="utf-8-sig")
    assert len(list((demo / "leaders").glob("*.html"))) == len(leaders)


def test_summary_reflects_the_seed_facts(summary):
    assert summary["communities"]["total"] == 76
    assert summary["communities"]["by_tier"] == {"demonstration": 4, "key": 24, "general": 48}
    assert summary["communities"]["with_work_team"] == 47
    assert summary["roads"]["city_leader_roads"] == 13
    assert summary["roads"]["district_sections"] == 11
    assert summary["issues"]["by_source"]["complaint"] >= 40
    complaints_resolved = 37
    assert summary["issues"]["by_state"]["resolved"] >= complaints_resolved
    assert summary["metric_crs"] == EXPECTED["metric_crs"]
    assert summary["input"]["errors"] == 0


def test_finds_exactly_the_planted_gaps(summary, gaps):
    assert summary["gaps"]["by_kind"] == {
        "section_gap": 1,
        "section_overlap": 0,
        "unmanaged_stretch": 1,
        "territory_gap": 1,
        "territory_overlap": 0,
        "community_no_leader": 1,
        "no_district_leader": 0,
        "community_no_status": 0,
        "orphan_issue": 1,
    }
    by_kind = gaps.set_index("kind")
    section = by_kind.loc["section_gap"]
    planted = EXPECTED["section_gap"]
    assert section["target"] == planted["road"]
    assert section["length_m"] == pytest.approx(planted["length_m"], abs=0.05)
    assert section["start_m"] == pytest.approx(planted["start_m"], abs=0.05)
    assert f"{planted['from']} 至 {planted['to']}" in section["description"]
    territory = by_kind.loc["territory_gap"]
    # coordinates are stored to 1e-7 degrees (about 1 cm); the strip is 5 m wide
    assert territory["area_m2"] == pytest.approx(EXPECTED["territory_gap"]["area_m2"], rel=0.005)
    assert set(EXPECTED["territory_gap"]["between"]) <= set(territory["target"].split(";"))
    assert by_kind.loc["community_no_leader", "target"] == EXPECTED["community_no_leader"]["id"]
    unmanaged = by_kind.loc["unmanaged_stretch"]
    assert unmanaged["target"] == EXPECTED["unmanaged_stretch"]["target"]
    assert unmanaged["length_m"] == pytest.approx(EXPECTED["unmanaged_stretch"]["length_m"], abs=0.05)
    assert by_kind.loc["orphan_issue", "target"] == EXPECTED["orphan_issue"]["id"]
    assert gaps["description"].str.len().min() > 5  # every gap says what it is, in Chinese


def test_summary_is_a_pure_function_of_the_data(demo, tmp_path):
    # `geo check` writes the same summary without maps; exit 1 because there are gaps.
    assert main(["check", str(LAYERS), "--out", str(tmp_path), "-q"]) == 1
    assert (tmp_path / "reports" / "summary.json").read_bytes() == (demo / "reports" / "summary.json").read_bytes()
    text = (demo / "reports" / "summary.json").read_text(encoding="utf-8")
    assert str(LAYERS) not in text and "20" + "26-" not in text


def test_prints_a_short_summary(demo_build):
    out = demo_build.stdout  # what `geo build layers --out …` printed (it exited 0)
    assert "社区 76 个：示范 4、重点 24、一般 48" in out
    assert "市领导包保 13 条" in out and "区领导包保路段 11 段" in out
    assert "空白点 5 处" in out


def test_invalid_project_exits_2_with_the_list_and_no_traceback(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    for path in LAYERS.iterdir():
        if path.is_file():  # the files, not the snapshots in history/
            (folder / path.name).write_bytes(path.read_bytes())
    text = (folder / "assignments.csv").read_text(encoding="utf-8-sig").replace("红门路,,,包路", "红门,,,包路")
    (folder / "assignments.csv").write_text(text, encoding="utf-8")
    assert main(["build", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "assignments.csv 第 3 行，“target”列" in err and "是否应为 红门路" in err
    assert "Traceback" not in err
    assert main(["validate", str(folder)]) == 2


def test_missing_project_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nowhere")]) == 2
    assert "找不到项目文件夹" in capsys.readouterr().err


def test_every_report_tells_the_same_numbers(demo, summary):
    import geopandas as gpd
    import pyogrio

    reports = demo / "reports"
    gaps_csv = pd.read_csv(reports / "gaps.csv", encoding="utf-8-sig")
    gaps_geo = gpd.read_file(reports / "gaps.geojson")
    assert len(gaps_csv) == len(gaps_geo) == summary["gaps"]["total"]
    roads = pd.read_csv(reports / "roads.csv", encoding="utf-8-sig")
    assert roads["gap_m"].sum() == pytest.approx(summary["gaps"]["section_gap_m"], abs=0.01)
    leaders = pd.read_csv(reports / "leaders.csv", encoding="utf-8-sig", dtype={"id": str})
    assert "phone" not in leaders.columns
    responsibility = gpd.read_file(reports / "responsibility.gpkg", layer="responsibility")
    assert leaders["road_m"].sum() == pytest.approx(responsibility["length_m"].sum(), abs=0.01)
    assert len(responsibility) == summary["roads"]["city_leader_roads"] + summary["roads"]["district_sections"]
    # roads.csv names a road's leaders as ids joined by ";": those placed on it in the responsibility layer
    held = responsibility.groupby("road")["leader"].agg(lambda ids: ";".join(sorted(set(ids))))
    named = roads.set_index("road")["leaders"].fillna("")
    assert named[named != ""].to_dict() == held.to_dict()
    assert any(";" in ids for ids in held)  # a road held by two leaders is in the demo
    issues = pd.read_csv(reports / "issues.csv", encoding="utf-8-sig")
    assert issues["overdue"].sum() == summary["issues"]["overdue"]
    assert issues["orphan"].sum() == summary["gaps"]["by_kind"]["orphan_issue"]
    communities = pd.read_csv(reports / "communities.csv", encoding="utf-8-sig", dtype={"id": str})
    assert len(communities) == 76 and communities["leaders"].isna().sum() == 1
    layers = {name for name, _ in pyogrio.list_layers(reports / "responsibility.gpkg")}
    assert layers == {"communities", "roads", "responsibility", "gaps", "issues", "boundary"}
    assert summary["as_of"] == "2022-05-14"  # the demo's geo.toml: overdue as of the seed's date


def test_today_on_the_command_line_overrides_the_config(tmp_path):
    assert main(["check", str(LAYERS), "--out", str(tmp_path), "-q", "--today", "2030-01-01"]) == 1
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2030-01-01"
    assert summary["issues"]["overdue"] == summary["issues"]["by_state"]["open"]  # everything open is late by then

"""Between two meetings: a snapshot kept in the project, and what changed since it (geo.history).

The project, by hand:

* communities A and B in street 东街 (A led by 丁 (S1), B by 乙 (D1)); C in street 西街, no leader;
* on 2022-05-10 (the snapshot): A's item 粉刷 is todo (due 2022-06-30), B's item 保洁 is doing
  (due 2022-05-15, not yet overdue); issues I1 (in A) and I2 (in B) are open;
* on 2022-05-20 (the build): 粉刷 is done; 保洁 is still doing, so now overdue (due 05-15);
  I1 is resolved; I3 is new, open, in C — no one's, so a new "issue without a leader" gap.

Expected changes, counted by hand: items completed 1 (粉刷: A, 东街, 丁), newly overdue 1 (保洁:
B, 东街, 乙), issues resolved 1 (I1: A, 东街, 丁), new 1 (I3: C, 西街), gaps opened 1 (I3's, in C),
closed 0 (C had no leader on both days: the same gap).
"""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import shapely

from conftest import LEADERS, m, make_project, square, write_csv, write_geojson
from geo.config import load_config
from geo.pipeline import build, snapshot

COMMUNITIES = [
    {"id": "A", "name": "甲社区", "tier": "general", "street": "东街", "geometry": square(0, 0, 500, 500)},
    {"id": "B", "name": "乙社区", "tier": "general", "street": "东街", "geometry": square(500, 0, 1000, 500)},
    {"id": "C", "name": "丙社区", "tier": "general", "street": "西街", "geometry": square(1000, 0, 1500, 500)},
]


def _issues(rows):
    return [{"id": i, "state": s, "geometry": shapely.Point(m(x, 250))} for i, s, x in rows]


def _status(painting: str):
    return [
        {"kind": "community", "target": "A", "item": "粉刷", "state": painting, "due": "2022-06-30"},
        {"kind": "community", "target": "B", "item": "保洁", "state": "doing", "due": "2022-05-15"},
    ]


def test_a_build_says_what_changed_since_the_last_snapshot(tmp_path):
    folder = make_project(
        tmp_path / "p",
        communities=COMMUNITIES,
        roads=[],
        leaders=LEADERS,
        assignments=[
            {"leader": "S1", "kind": "community", "target": "A"},
            {"leader": "D1", "kind": "community", "target": "B"},
        ],
        issues=_issues([("I1", "open", 100), ("I2", "open", 700)]),
        status=_status("todo"),
    )
    kept, _ = snapshot(folder, load_config(folder).with_today(date(2022, 5, 10)))
    assert kept == folder / "history" / "2022-05-10"
    assert {p.name for p in kept.iterdir()} == {"status.csv", "issues.csv", "gaps.csv", "summary.json", "snapshot.json"}
    # between the meetings
    write_csv(folder / "status.csv", _status("done"))
    write_geojson(
        folder / "issues.geojson", _issues([("I1", "resolved", 100), ("I2", "open", 700), ("I3", "open", 1200)])
    )
    out = tmp_path / "maps"
    build(folder, out, load_config(folder).with_today(date(2022, 5, 20)))
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["changes"] == {
        "since": "2022-05-10",
        "as_of": "2022-05-20",
        "items_completed": 1,
        "items_confirmed": 1,  # the office's own done is confirmed (no replies here)
        "items_newly_overdue": 1,
        "issues_new": 1,
        "issues_resolved": 1,
        "issues_confirmed": 1,
        "gaps_opened": 1,
        "gaps_closed": 0,
    }
    table = pd.read_csv(out / "reports" / "changes.csv", dtype=str, keep_default_na=False)
    rows = {(r["level"], r["id"]): r for r in table.to_dict("records")}
    figures = ["items_completed", "items_newly_overdue", "issues_new", "issues_resolved", "gaps_opened", "gaps_closed"]

    def counts(level, ident):
        return [int(rows[(level, ident)][f]) for f in figures]

    assert counts("leader", "S1") == [1, 0, 0, 1, 0, 0] and rows[("leader", "S1")]["name"] == "丁"
    assert counts("leader", "D1") == [0, 1, 0, 0, 0, 0]
    assert counts("street", "东街") == [1, 1, 0, 1, 0, 0]
    assert counts("street", "西街") == [0, 0, 1, 0, 1, 0]
    assert counts("community", "C") == [0, 0, 1, 0, 1, 0] and rows[("community", "C")]["name"] == "丙社区"
    assert ("community", "B") in rows and ("leader", "C1") not in rows  # only who changed is listed
    # the change map: each layer draws what changed, the two dates in the title; the index links it
    page = (out / "changes.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="geo-data">(.*?)</script>', page, re.S).group(1))
    drawn = {layer["name"]: layer for layer in data["layers"]}
    assert set(drawn) >= {
        "本期完成整改的社区（1）",
        "本期新增逾期的社区（1）",
        "新增问题点（1）",
        "本期整改的问题点（1）",
        "新增空白点（1）",
    }
    assert "2022-05-10 至 2022-05-20" in page
    assert 'href="changes.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_no_snapshot_before_the_build_means_no_changes(tmp_path):
    folder = make_project(
        tmp_path / "p",
        communities=COMMUNITIES[:1],
        roads=[],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        status=_status("todo")[:1],
    )
    snapshot(folder, load_config(folder).with_today(date(2022, 5, 20)))  # same day: not "before"
    out = tmp_path / "maps"
    build(folder, out, load_config(folder).with_today(date(2022, 5, 20)))
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert "changes" not in summary and not (out / "reports" / "changes.csv").exists()
    # a second snapshot of the same day replaces the first, whole
    kept, _ = snapshot(folder, load_config(folder).with_today(date(2022, 5, 20)))
    assert sorted(p.name for p in (folder / "history").iterdir()) == ["2022-05-20"] and kept.exists()


def test_the_demo_lists_exactly_the_changes_planted_between_its_snapshots(demo_build):
    """The demo's 2022-05-07 state is planted by scripts/make_demo_layers.py (`earlier`): worked out here from
    its rule and today's files, never from geo's comparison."""
    import importlib.util

    import geopandas as gpd

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("make_demo_layers", ROOT / "scripts" / "make_demo_layers.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    behind = generator.MEETINGS["2022-05-07"]
    status = pd.read_csv(ROOT / "layers" / "status.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    issues = gpd.read_file(ROOT / "layers" / "issues.geojson")
    analysed = set(pd.read_csv(demo_build.out / "reports" / "issues.csv", dtype=str)["id"])  # those in the district
    issues = issues[issues["id"].isin(analysed)]

    def was_held_back(row) -> bool:  # the generator's rule: a done item was still being done on 05-07
        return row["state"] == "done" and generator._share(f"2022-05-07|{row['target']}|{row['item']}") < behind

    then_open = status.apply(lambda r: r["state"] != "done" or was_held_back(r), axis=1)
    overdue_now = (status["state"] != "done") & (status["due"] < "2022-05-14")
    overdue_then = then_open & (status["due"] < "2022-05-07")
    reported = issues["reported"].astype(str).str[:10]
    resolved_since = (
        (issues["state"] == "resolved")
        & (reported <= "2022-05-07")
        & issues["id"].map(lambda i: generator._share(f"2022-05-07|{i}") < behind)
    )
    summary = json.loads((demo_build.out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["changes"] == {
        "since": "2022-05-07",
        "as_of": "2022-05-14",
        "items_completed": int(status.apply(was_held_back, axis=1).sum()),
        "items_confirmed": int(status.apply(was_held_back, axis=1).sum()),  # the demo has no replies: the office's
        "items_newly_overdue": int((overdue_now & ~overdue_then).sum()),
        "issues_new": int((reported > "2022-05-07").sum()),
        "issues_resolved": int(resolved_since.sum()),
        "issues_confirmed": int(resolved_since.sum()),
        "gaps_opened": 0,  # the orphan issue and the unled community were there already
        "gaps_closed": 0,
    }
    # the change map draws the same: one layer per kind of change, each resolved issue once
    page = (demo_build.out / "changes.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="geo-data">(.*?)</script>', page, re.S).group(1))
    names = [layer["name"] for layer in data["layers"]]
    assert f"本期整改的问题点（{int(resolved_since.sum())}）" in names
    assert f"新增问题点（{int((reported > '2022-05-07').sum())}）" in names

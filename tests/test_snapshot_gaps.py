"""A snapshot keeps the leader ids of each gap as ids, and a gap closed since is counted for them.

By hand: communities A and C in street 东街; A is led by 丁 (S1), C by no one on the day of the
snapshot, so C is a community without a leader whose suggested owner is S1 (the street leader of
its street's other community). Then C is given to S1: the gap is closed, and it counts for S1.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from conftest import LEADERS, make_project, square
from geo.config import load_config
from geo.pipeline import build, snapshot


def _project(folder, assignments):
    return make_project(
        folder,
        communities=[
            {"id": "A", "name": "甲社区", "tier": "general", "street": "东街", "geometry": square(0, 0, 500, 500)},
            {"id": "C", "name": "丙社区", "tier": "general", "street": "东街", "geometry": square(500, 0, 1000, 500)},
        ],
        roads=[],
        leaders=LEADERS,
        assignments=assignments,
        status=[
            {"kind": "community", "target": t, "item": "保洁", "state": "doing", "due": "2022-06-30"} for t in "AC"
        ],
    )


def _leader_changes_once_c_is_led(folder, out) -> pd.DataFrame:
    """C given to S1 too, then built on 2022-05-20: changes.csv's rows per leader."""
    community = [{"leader": "S1", "kind": "community", "target": t} for t in "AC"]
    _project(folder, community)
    build(folder, out, load_config(folder).with_today(date(2022, 5, 20)))
    changes = pd.read_csv(out / "reports" / "changes.csv", dtype=str, encoding="utf-8-sig")
    return changes[changes["level"] == "leader"]


def test_a_snapshot_keeps_each_gaps_leader_ids_and_a_closed_gap_counts_for_them(tmp_path):
    folder = _project(tmp_path / "p", [{"leader": "S1", "kind": "community", "target": "A"}])
    kept, _ = snapshot(folder, load_config(folder).with_today(date(2022, 5, 10)))
    gaps = pd.read_csv(kept / "gaps.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert gaps[["kind", "target", "leaders"]].values.tolist() == [["community_no_leader", "C", "S1"]]
    leaders = _leader_changes_once_c_is_led(folder, tmp_path / "maps")
    assert leaders[["id", "gaps_closed"]].values.tolist() == [["S1", "1"]]


def test_a_first_format_snapshot_s_gap_leaders_are_unknown_not_characters(tmp_path):
    """Format 1 wrote S1 as 1;S: read so, it would count a closed gap for leaders named 1 and S."""
    import json

    folder = _project(tmp_path / "p", [{"leader": "S1", "kind": "community", "target": "A"}])
    kept, _ = snapshot(folder, load_config(folder).with_today(date(2022, 5, 10)))
    meta = json.loads((kept / "snapshot.json").read_text("utf-8"))
    assert meta["format"] == 2
    meta["format"] = 1
    (kept / "snapshot.json").write_text(json.dumps(meta), "utf-8")
    gaps = pd.read_csv(kept / "gaps.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    gaps["leaders"] = ";".join(sorted(set("S1")))  # as the first geo wrote it: "1;S"
    gaps.to_csv(kept / "gaps.csv", index=False, encoding="utf-8-sig")
    leaders = _leader_changes_once_c_is_led(folder, tmp_path / "maps")
    assert not leaders["id"].isin(["1", "S"]).any()  # no leader made of an id's characters

"""Dated states of a project, and what changed between two of them (between two meetings).

A **snapshot** is the state of the campaign on one as-of date, kept inside the
project: ``<project>/history/<as-of>/`` holds

- ``status.csv``: every rectification item (``kind``, ``target``, ``item``,
  ``state``, ``due``, ``overdue``),
- ``issues.csv``: every issue (``id``, ``state``, ``overdue``, ``community``,
  ``leaders``),
- ``gaps.csv``: every gap (``kind``, ``target``, ``start_m``, ``end_m``,
  ``length_m``, ``area_m2``, ``leaders``),
- ``summary.json``: the run's figures, as ``reports/summary.json``,
- ``snapshot.json``: the as-of date and the files it was taken from.

``geo snapshot`` writes one (a second one for the same date replaces it, as a
whole folder). ``geo build`` then compares the current state with the latest
snapshot *before* its own as-of date (`changes`): per leader, per street (街道)
and per community, the items completed, the items newly overdue, the issues
new and resolved, the gaps opened and closed — ``reports/changes.csv`` and
``summary.json`` ``changes``. Keys: an item is (kind, target, item), an issue
its id, a gap (kind, target, start and end to the metre).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ._csv import write_csv
from .analyse import Analysis

__all__ = [
    "CHANGE_COLUMNS",
    "Changes",
    "Snapshot",
    "changes",
    "gap_key",
    "latest_before",
    "read_snapshot",
    "write_snapshot",
]

HISTORY = "history"
CHANGE_COLUMNS = [
    "level",
    "id",
    "name",
    "items_completed",
    "items_newly_overdue",
    "issues_new",
    "issues_resolved",
    "gaps_opened",
    "gaps_closed",
]
_FIGURES = CHANGE_COLUMNS[3:]


@dataclass(frozen=True)
class Snapshot:
    """One dated state: its date and its tables."""

    as_of: date
    status: pd.DataFrame
    issues: pd.DataFrame
    gaps: pd.DataFrame
    summary: dict


def _ids(values) -> str:
    return ";".join(values)


def _split(ids) -> tuple[str, ...]:
    """Leader ids as a tuple: the gaps frame joins them with ``;`` (`Analysis.gaps`), a `Gap` keeps a tuple."""
    return tuple(x for x in ids.split(";") if x) if isinstance(ids, str) else tuple(ids)


def state_of(analysis: Analysis, figures: dict) -> Snapshot:
    """The campaign's state as the analysis sees it (what a snapshot keeps)."""
    status = analysis.status[["kind", "target", "item", "state", "due", "overdue"]].copy()
    status["due"] = status["due"].map(lambda d: "" if d is None or d != d else str(d))
    issues = pd.DataFrame(
        {
            "id": analysis.issues["id"].astype(str),
            "state": analysis.issues["state"].astype(str),
            "overdue": analysis.issues["overdue"].astype(bool),
            "community": analysis.issues["community"].astype(str),
            "leaders": analysis.issues["leaders"].map(_ids),
        }
    )
    gaps = analysis.gaps
    table = pd.DataFrame(
        {
            "kind": gaps["kind"].astype(str),
            "target": gaps["target"].astype(str),
            "start_m": gaps["start_m"].round(0),
            "end_m": gaps["end_m"].round(0),
            "length_m": gaps["length_m"].round(1),
            "area_m2": gaps["area_m2"].round(1),
            "leaders": [_ids(sorted({*_split(a), *_split(b)})) for a, b in zip(gaps["leaders"], gaps["owners"])],
        }
    )
    return Snapshot(analysis.as_of, status.reset_index(drop=True), issues, table, figures)


def write_snapshot(project: Path, snapshot: Snapshot, sources: dict[str, str]) -> Path:
    """Keep `snapshot` as ``<project>/history/<as-of>/``, replacing one of the same date whole."""
    history = Path(project) / HISTORY
    history.mkdir(exist_ok=True)
    target = history / snapshot.as_of.isoformat()
    staging = history / f".{target.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    write_csv(snapshot.status, staging / "status.csv")
    write_csv(snapshot.issues, staging / "issues.csv")
    write_csv(snapshot.gaps, staging / "gaps.csv")
    (staging / "summary.json").write_text(
        json.dumps(snapshot.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    meta = {"as_of": snapshot.as_of.isoformat(), "files": sources}
    (staging / "snapshot.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if target.exists():
        old = history / f".{target.name}.old-{os.getpid()}"
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)
    return target


def snapshots(project: Path) -> list[date]:
    """The dates of the project's snapshots, oldest first."""
    history = Path(project) / HISTORY
    if not history.is_dir():
        return []
    dates = []
    for folder in history.iterdir():
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue  # a staging folder, or something a person put there
        if (folder / "snapshot.json").exists():
            dates.append(day)
    return sorted(dates)


def latest_before(project: Path, as_of: date) -> date | None:
    """The latest snapshot strictly before `as_of`, or None."""
    earlier = [d for d in snapshots(project) if d < as_of]
    return earlier[-1] if earlier else None


def read_snapshot(project: Path, day: date) -> Snapshot:
    folder = Path(project) / HISTORY / day.isoformat()

    def table(name: str) -> pd.DataFrame:
        return pd.read_csv(folder / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")

    status, issues, gaps = table("status.csv"), table("issues.csv"), table("gaps.csv")
    for frame in (status, issues):
        frame["overdue"] = frame["overdue"].str.lower() == "true"
    for column in ("start_m", "end_m"):
        gaps[column] = pd.to_numeric(gaps[column], errors="coerce").round(0)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return Snapshot(day, status, issues, gaps, summary)


def _keys(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """One text key per row from `columns`: numbers to the whole metre, missing ones as nothing."""

    def text(value) -> str:
        if value is None or (isinstance(value, float) and value != value) or value == "":
            return ""
        try:
            return f"{float(value):.0f}"
        except (TypeError, ValueError):
            return str(value)

    parts = [frame[c].map(text) if c in ("start_m", "end_m") else frame[c].astype(str) for c in columns]
    return ["\x1f".join(values) for values in zip(*parts)] if len(frame) else []


GAP_KEY = ["kind", "target", "start_m", "end_m"]


@dataclass(frozen=True)
class Changes:
    """What changed between two snapshots: per unit (`table`), in all (`summary`), one by one (`events`).

    Each event: ``what`` (a `CHANGE_COLUMNS` figure), ``community``, ``leaders`` and ``ref`` (the
    issue's id, or the gap's `gap_key`; empty for an item).
    """

    table: pd.DataFrame
    summary: dict
    events: list[dict]


def changes(before: Snapshot, now: Snapshot, analysis: Analysis) -> Changes:
    """What changed from `before` to `now`: per leader, per street and per community (`CHANGE_COLUMNS`),
    and the headline figures for ``summary.json`` (each change counted once).

    Attribution uses today's responsibilities: an item or an issue of a
    community counts for the community, its street and its leaders; an issue
    also for the leaders it had; a gap for the leaders it names (or those of
    the community it is about).
    """
    events: list[dict] = []  # one row per (what, community, leaders)
    community_leaders = analysis.community_leaders

    def add(what: str, community: str, leaders, ref: str = "") -> None:
        events.append({"what": what, "community": community, "leaders": tuple(leaders), "ref": ref})

    # items: completed since (not done before, done now) and newly overdue
    key = ["kind", "target", "item"]
    old = before.status.assign(key=_keys(before.status, key) or None).set_index("key")
    new = now.status.assign(key=_keys(now.status, key) or None).set_index("key")
    for k, row in new.iterrows():
        community = row["target"] if row["kind"] == "community" else ""
        leaders = community_leaders.get(community, ())
        was = old.loc[k] if k in old.index else None
        if isinstance(was, pd.DataFrame):
            was = was.iloc[0]
        if row["state"] == "done" and (was is None or was["state"] != "done"):
            add("items_completed", community, leaders)
        if bool(row["overdue"]) and (was is None or not bool(was["overdue"])):
            add("items_newly_overdue", community, leaders)
    # issues: new (not in the snapshot) and resolved since
    old_issues = before.issues.set_index("id")
    for row in now.issues.itertuples():
        leaders = tuple(x for x in str(row.leaders).split(";") if x)
        if row.id not in old_issues.index:
            add("issues_new", row.community, leaders, row.id)
        elif row.state == "resolved" and old_issues.at[row.id, "state"] != "resolved":
            add("issues_resolved", row.community, leaders, row.id)
    # gaps: opened (not in the snapshot) and closed (in the snapshot, gone now)
    old_gaps = set(_keys(before.gaps, GAP_KEY))
    new_gaps = set(_keys(now.gaps, GAP_KEY))
    issue_community = {
        **dict(zip(before.issues["id"], before.issues["community"])),
        **dict(zip(now.issues["id"], now.issues["community"])),
    }
    for frame, keys, what in ((now.gaps, old_gaps, "gaps_opened"), (before.gaps, new_gaps, "gaps_closed")):
        for k, row in zip(_keys(frame, GAP_KEY), frame.itertuples()):
            if k in keys:
                continue
            # a gap about a community is that community's; about an issue, the issue's community's
            community = row.target if row.target in community_leaders else issue_community.get(row.target, "")
            named = tuple(x for x in str(row.leaders).split(";") if x)
            add(what, community, named or community_leaders.get(community, ()), k)
    figures = {what: sum(e["what"] == what for e in events) for what in _FIGURES}
    summary = {"since": before.as_of.isoformat(), "as_of": now.as_of.isoformat(), **figures}
    return Changes(_tally(events, analysis), summary, events)


def gap_key(kind: str, target: str, start_m, end_m) -> str:
    """The key a gap is known by across snapshots (`changes`' ``ref`` for a gap)."""
    return _keys(pd.DataFrame([{"kind": kind, "target": target, "start_m": start_m, "end_m": end_m}]), GAP_KEY)[0]


def _tally(events: list[dict], analysis: Analysis) -> pd.DataFrame:
    """Count events per leader, per street and per community (with names), largest change first."""
    resolved = analysis.resolved
    communities = resolved.communities.set_index("id")
    leaders = resolved.project.leaders.set_index("id")
    rows: dict[tuple[str, str], dict] = {}

    def bump(level: str, ident: str, name: str, what: str) -> None:
        row = rows.setdefault((level, ident), {"level": level, "id": ident, "name": name, **dict.fromkeys(_FIGURES, 0)})
        row[what] += 1

    for event in events:
        community = event["community"]
        if community and community in communities.index:
            bump("community", community, str(communities.at[community, "name"]), event["what"])
            street = str(communities.at[community, "street"] or "")
            if street:
                bump("street", street, street, event["what"])
        for lid in dict.fromkeys(event["leaders"]):
            name = str(leaders.at[lid, "name"]) if lid in leaders.index else lid
            bump("leader", lid, name, event["what"])
    table = pd.DataFrame(list(rows.values()), columns=CHANGE_COLUMNS)
    order = {"leader": 0, "street": 1, "community": 2}
    table["_order"] = table["level"].map(order)
    return table.sort_values(["_order", "id"]).drop(columns="_order").reset_index(drop=True)

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
whole folder): into a staging folder beside it, swapped in whole, under the
history's lock (``<project>/.history.lock``, taken by readers too), so a
killed snapshot leaves the history as it was. ``snapshot.json`` carries the
format's number (`SNAPSHOT_FORMAT`; a snapshot without one is format 1): a
later geo reads an earlier format, and a snapshot of a later format is
skipped with a warning.

A snapshot that cannot be read — a file missing, empty or garbled, a column
missing, an issue id twice, figures missing, a later format — is skipped
with a warning naming the file and what is wrong (`SnapshotError`,
`earlier_snapshots`); the others are used as if it were not there, and the
change and the bulletin's charts say which date is missing.

``geo build`` then compares the current state with the latest
snapshot *before* its own as-of date (`changes`): per leader, per street (街道)
and per community, the items completed, the items newly overdue, the issues
new and resolved, the gaps opened and closed — ``reports/changes.csv`` and
``summary.json`` ``changes``. Keys: an item is (kind, target, item), an issue
its id, a gap (kind, target, start and end to the metre).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ._csv import write_csv
from .analyse import Analysis
from .errors import GeoError, Problem
from .messages import Msg, msg, seq

__all__ = [
    "CHANGE_COLUMNS",
    "SNAPSHOT_FORMAT",
    "Changes",
    "Snapshot",
    "SnapshotError",
    "changes",
    "earlier_snapshots",
    "gap_key",
    "latest_before",
    "read_snapshot",
    "snapshots",
    "write_snapshot",
]

HISTORY = "history"
# snapshot.json "format": what this geo writes; it reads this one and every earlier one.
# 1: the first (no number); a gap's leaders were written as the characters of its leader ids (0;2;3;;;D for
#    D02;D03), which cannot be undone: read as unknown (no one), never as leaders named 0, 2, 3 and D.
# 2: a gap's leader ids as ids, joined by ';'.
SNAPSHOT_FORMAT = 2
LOCK_WAIT = 60.0  # seconds a reader or a second snapshot waits for a snapshot being written (it takes well under)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The columns `changes` reads from each table, and the figures the bulletin's charts read from summary.json.
_COLUMNS = {
    "status.csv": ("kind", "target", "item", "state", "overdue"),
    "issues.csv": ("id", "state", "overdue", "community", "leaders"),
    "gaps.csv": ("kind", "target", "start_m", "end_m", "leaders"),
}
_FIGURES_READ = (("status", "total"), ("status", "by_state"), ("issues", "by_state"))
CHANGE_COLUMNS = [
    "level",
    "id",
    "name",
    "items_completed",
    "items_confirmed",
    "items_newly_overdue",
    "issues_new",
    "issues_resolved",
    "issues_confirmed",
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


def state_of(analysis: Analysis, figures: dict) -> Snapshot:
    """The campaign's state as the analysis sees it (what a snapshot keeps)."""
    status = analysis.status[["kind", "target", "item", "state", "due", "overdue", "verification"]].copy()
    status["due"] = status["due"].map(lambda d: "" if d is None or d != d else str(d))
    issues = pd.DataFrame(
        {
            "id": analysis.issues["id"].astype(str),
            "state": analysis.issues["state"].astype(str),
            "overdue": analysis.issues["overdue"].astype(bool),
            "community": analysis.issues["community"].astype(str),
            "leaders": analysis.issues["leaders"].map(_ids),
            "verification": analysis.issues["verification"].astype(str),
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
            # a gap's people: those who hold it and those whose stretches it lies between (tuples of ids)
            "leaders": [_ids(sorted({*a, *b})) for a, b in zip(gaps["leaders"], gaps["owners"])],
        }
    )
    return Snapshot(analysis.as_of, status.reset_index(drop=True), issues, table, figures)


def write_snapshot(project: Path, snapshot: Snapshot, sources: dict[str, str]) -> Path:
    """Keep `snapshot` as ``<project>/history/<as-of>/``, replacing one of the same date whole.

    Written into a staging folder and swapped in under the history's lock (another snapshot of the
    project waits for it): killed at any moment, the history is as it was, and the next snapshot
    removes what was left.

    Raises
    ------
    OutputBusyError
        When another snapshot of the project still holds the history after `LOCK_WAIT` seconds.
    """
    from .output import output_lock, recover_beside, replace_folder

    history = Path(project) / HISTORY
    history.mkdir(exist_ok=True)
    target = history / snapshot.as_of.isoformat()
    with output_lock(history, wait=LOCK_WAIT):
        recover_beside(history)
        staging = history / f".{target.name}.staging-{secrets.token_hex(4)}"
        staging.mkdir()
        try:
            write_csv(snapshot.status, staging / "status.csv")
            write_csv(snapshot.issues, staging / "issues.csv")
            write_csv(snapshot.gaps, staging / "gaps.csv")
            (staging / "summary.json").write_text(
                json.dumps(snapshot.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            meta = {"format": SNAPSHOT_FORMAT, "as_of": snapshot.as_of.isoformat(), "files": sources}
            (staging / "snapshot.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            replace_folder(staging, target)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return target


@contextmanager
def _reading(project: Path) -> Iterator[None]:
    """Hold the history's lock while reading, so a snapshot being written is read whole or not at all;
    and put back what a killed snapshot left (a folder set aside, a staging folder).

    Only when a snapshot has made the lock file: reading never writes into the project folder (it
    may be read-only, or a shared drive) to make one, and a history no snapshot of this geo has
    touched has nothing to put back.
    """
    from filelock import FileLock, Timeout

    from .output import OutputBusyError, recover_beside

    history = Path(os.path.realpath(Path(project) / HISTORY))
    lock_file = history.parent / f".{history.name}.lock"
    if not lock_file.is_file():
        yield
        return
    lock = FileLock(lock_file, timeout=LOCK_WAIT)
    try:
        lock.acquire()
    except Timeout:
        raise OutputBusyError(msg("output.busy", folder=str(history))) from None
    except OSError:  # a lock file this user cannot open (a read-only project): read as it is
        yield
        return
    try:
        try:
            recover_beside(history)
        except OSError:  # a history this user cannot change: read what is there
            pass
        yield
    finally:
        lock.release()


def snapshots(project: Path) -> list[date]:
    """The dates of the project's snapshots, oldest first: every folder of ``history/`` named by a date.

    A folder that cannot be read as a snapshot is still listed (`read_snapshot` says what is wrong).
    """
    history = Path(project) / HISTORY
    if not history.is_dir():
        return []
    dates = []
    for folder in history.iterdir():
        if not _DAY.fullmatch(folder.name):
            continue  # a staging folder, the lock, or something a person put there
        try:
            dates.append(date.fromisoformat(folder.name))
        except ValueError:
            continue  # 2022-02-30
    return sorted(dates)


def latest_before(project: Path, as_of: date) -> date | None:
    """The latest snapshot strictly before `as_of`, or None (readable or not: see `earlier_snapshots`)."""
    earlier = [d for d in snapshots(project) if d < as_of]
    return earlier[-1] if earlier else None


class SnapshotError(GeoError, ValueError):
    """A snapshot cannot be read: `problem` names the file and what is wrong."""

    def __init__(self, problem: Problem):
        super().__init__(problem.text("zh"))
        self.problem = problem

    def text(self, lang: str = "zh") -> str:
        return self.problem.text(lang)


def _fault(day: date, name: str, reason: Msg, column: str | None = None) -> SnapshotError:
    where = f"{HISTORY}/{day.isoformat()}" + (f"/{name}" if name else "")
    newer = reason.key == "history.newer_format"
    fix = msg("history.fix_newer") if newer else msg("history.fix", folder=f"{HISTORY}/{day.isoformat()}")
    return SnapshotError(
        Problem(
            "warning",
            where,
            None,
            column,
            None,
            msg("history.skipped", date=day.isoformat(), reason=reason),
            fix,
            rejected=True,
        )
    )


def _why(err: Exception) -> Msg:
    """What is wrong with a file that did not read, in words."""
    if isinstance(err, FileNotFoundError):
        return msg("history.missing")
    if isinstance(err, pd.errors.EmptyDataError):
        return msg("history.empty")
    if isinstance(err, UnicodeDecodeError):
        return msg("history.not_utf8")
    if isinstance(err, json.JSONDecodeError | RecursionError):
        return msg("history.not_json", error=str(err)[:200])
    if isinstance(err, OSError):
        return msg("history.cannot_open", error=str(err.strerror or err))
    return msg("history.not_csv", error=str(err).strip()[:200])


def read_snapshot(project: Path, day: date) -> Snapshot:
    """The snapshot of `day`, as this geo works with it (an earlier format is read as the current one).

    Raises
    ------
    SnapshotError
        When it cannot be read, naming the file and what is wrong.
    """
    with _reading(project):
        return _read(project, day)


def _read(project: Path, day: date) -> Snapshot:
    folder = Path(project) / HISTORY / day.isoformat()
    if not folder.is_dir():
        raise _fault(day, "", msg("history.not_folder"))

    def document(name: str) -> dict:
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError, RecursionError) as err:
            raise _fault(day, name, _why(err)) from err
        if not isinstance(data, dict):
            raise _fault(day, name, msg("history.not_an_object"))
        if str(data.get("as_of")) != day.isoformat():
            raise _fault(day, name, msg("history.wrong_date", found=str(data.get("as_of"))))
        return data

    def table(name: str) -> pd.DataFrame:
        try:
            frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, ValueError, pd.errors.ParserError) as err:
            raise _fault(day, name, _why(err)) from err
        missing = [c for c in _COLUMNS[name] if c not in frame.columns]
        if missing:
            raise _fault(day, name, msg("history.missing_columns", columns=seq(missing, quoted=True)))
        return frame

    meta = document("snapshot.json")
    version = meta.get("format", 1)  # the first snapshots carried no number
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fault(day, "snapshot.json", msg("history.bad_format", found=str(version)))
    if version > SNAPSHOT_FORMAT:
        raise _fault(day, "snapshot.json", msg("history.newer_format", found=version, known=SNAPSHOT_FORMAT))
    status, issues, gaps = table("status.csv"), table("issues.csv"), table("gaps.csv")
    twice = issues["id"][issues["id"].duplicated()].drop_duplicates().tolist()
    if twice:
        raise _fault(day, "issues.csv", msg("history.duplicate_ids", ids=seq(twice[:3], quoted=True)), "id")
    summary = document("summary.json")
    missing_figures = [f"{part}.{name}" for part, name in _FIGURES_READ if not _figure(summary, part, name)]
    if missing_figures:
        raise _fault(day, "summary.json", msg("history.missing_figures", figures=seq(missing_figures)))
    # an earlier format is made the current one here
    if version == 1:
        gaps["leaders"] = ""  # written as characters of the ids (see SNAPSHOT_FORMAT): not known
    for frame in (status, issues):
        frame["overdue"] = frame["overdue"].str.lower() == "true"
    for column in ("start_m", "end_m"):
        gaps[column] = pd.to_numeric(gaps[column], errors="coerce").round(0)
    return Snapshot(day, status, issues, gaps, summary)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _figure(summary: dict, part: str, name: str) -> bool:
    """Whether ``summary[part][name]`` is there and what the charts read: a number, or numbers by state."""
    figures = summary.get(part)
    if not isinstance(figures, dict) or name not in figures:
        return False
    value = figures[name]
    if name == "by_state":
        return isinstance(value, dict) and all(_number(v) for v in value.values())
    return _number(value)


def earlier_snapshots(project: Path, as_of: date, *, every: bool = True) -> tuple[list[Snapshot], list[Problem]]:
    """The snapshots before `as_of` that can be read, oldest first, and a warning for each that cannot.

    With ``every=False``, only the latest that can be read (and a warning for each later one that
    cannot): what a build compares with.
    """
    kept: list[Snapshot] = []
    problems: list[Problem] = []
    with _reading(project):
        for day in reversed([d for d in snapshots(project) if d < as_of]):
            try:
                kept.append(_read(project, day))
            except SnapshotError as err:
                problems.append(err.problem)
                continue
            if not every:
                break
    return kept[::-1], problems[::-1]


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
        # confirmed: done by the office's word or an inspection group's, not a leader's alone (geo.replies)
        if _confirmed(row, "done") and (was is None or not _confirmed(was, "done")):
            add("items_confirmed", community, leaders)
        if bool(row["overdue"]) and (was is None or not bool(was["overdue"])):
            add("items_newly_overdue", community, leaders)
    # issues: new (not in the snapshot) and resolved since
    old_issues = before.issues.set_index("id")
    for row in now.issues.itertuples():
        leaders = tuple(x for x in str(row.leaders).split(";") if x)
        if row.id not in old_issues.index:
            add("issues_new", row.community, leaders, row.id)
        else:
            was = old_issues.loc[row.id]
            if isinstance(was, pd.DataFrame):
                was = was.iloc[0]
            if row.state == "resolved" and was["state"] != "resolved":
                add("issues_resolved", row.community, leaders, row.id)
            if _confirmed(row._asdict(), "resolved") and not _confirmed(was, "resolved"):
                add("issues_confirmed", row.community, leaders, row.id)
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


def _confirmed(row, finished: str) -> bool:
    """Finished, and not on a leader's word alone (a snapshot from before replies has no ``verification``)."""
    return row["state"] == finished and row.get("verification", "") != "reported"


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

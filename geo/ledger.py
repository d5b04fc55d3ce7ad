"""The ledger: nothing lost. Every row read is used or rejected with a reason.

For each input file: ``read`` rows = ``used`` + ``rejected`` + ``outside``. A
row is used when it reached the analysis; rejected when a problem left it out
(its own, or a file-level error such as a missing column or an impossible CRS,
which rejects every row the file had); outside when it lies outside the
district (`geo.scope`). ``lost`` counts rows that are neither — it
is always 0 unless the tool has a bug, and the tests hold it to that.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from ._csv import write_csv
from .errors import Problem
from .messages import msg, render
from .model import Project
from .replies import Outcome

__all__ = ["LedgerEntry", "account", "account_replies", "problem_table", "write_ledger"]

PROBLEM_COLUMNS = ["severity", "file", "row", "record", "column", "value", "action", "message", "fix"]


@dataclass(frozen=True)
class LedgerEntry:
    """The accounting of one input file."""

    layer: str
    file: str
    read: int
    used: int
    rejected: int
    repaired: int
    lost: int
    outside: int = 0


def account(project: Project, problems: list[Problem]) -> list[LedgerEntry]:
    """Balance each input file's rows: read = used + rejected (+ lost, which must be 0)."""
    entries = []
    for name, layer in sorted(project.sources.items()):
        frame = getattr(project, name, None)
        kept_rows = set() if frame is None else {int(r) for r in frame["_row"]}
        # a layer read from several files: one entry per file, its rows as that file numbers them
        for source, offset in [(part.source, part.offset) for part in layer.parts] or [(layer, 0)]:
            kept = {r - offset for r in kept_rows if layer.locate(r)[0] is source} if layer.parts else kept_rows
            entries.append(_balance(name, source, kept, [p for p in problems if p.file == source.file]))
    return entries


def account_replies(files: dict[str, int], outcomes: list[Outcome]) -> list[LedgerEntry]:
    """Balance each kept reply's entries: read = used (applied, or the same as one applied) + rejected (not applied)."""
    entries = []
    for file, read in files.items():
        mine = [o.status for o in outcomes if o.entry.file == file]
        used = sum(status in ("applied", "repeated") for status in mine)
        rejected = sum(status in ("refused", "superseded") for status in mine)
        entries.append(LedgerEntry("replies", file, read, used, rejected, 0, read - used - rejected))
    return entries


def _balance(name: str, source, kept: set[int], mine: list[Problem]) -> LedgerEntry:
    """One file's rows: used (`kept` by the analysis), rejected, outside, and lost (never)."""
    # A row with an error is not used, whether or not the check left it out itself.
    rejected = {p.row for p in mine if (p.rejected or p.severity == "error") and p.row is not None}
    outside = {p.row for p in mine if p.outside and p.row is not None} - rejected
    repaired = {p.row for p in mine if p.severity == "warning" and not p.rejected and p.row is not None}
    used = (kept & set(source.rows)) - rejected - outside
    missing = set(source.rows) - used - rejected - outside
    if any(p.severity == "error" and p.row is None for p in mine):
        rejected |= missing | outside  # a file-level error leaves out every row the file had
        missing, outside = set(), set()
    return LedgerEntry(
        name,
        source.file,
        source.rows_read,
        len(used),
        len(rejected),
        len(repaired & used),
        len(missing),
        len(outside),
    )


def problem_table(problems: list[Problem], lang: str = "zh") -> pd.DataFrame:
    """Every problem, one row each: what was done with the row and why, worded in `lang`.

    The column headers are the same in every language; the data's values, files and columns as written.
    """
    rows = []
    for p in problems:
        action = (
            msg("action.rejected") if p.rejected else msg("action.outside") if p.outside else msg(_ACTIONS[p.severity])
        )
        rows.append(
            {
                "severity": msg(_SEVERITIES[p.severity]).text(lang),
                "file": p.file,
                "row": p.row,
                "record": p.record,
                "column": p.column,
                "value": None if p.value is None else render(p.value, lang),
                "action": action.text(lang),
                "message": render(p.message, lang),
                "fix": render(p.fix, lang),
            }
        )
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS).astype({"row": "Int64"})


_SEVERITIES = {"error": "severity.error", "warning": "severity.warning", "note": "severity.note"}
_ACTIONS = {"error": "action.error", "warning": "action.warning", "note": "action.note"}


def write_ledger(reports: Path, entries: list[LedgerEntry], problems: list[Problem], lang: str = "zh") -> None:
    """Write ``ledger.csv`` (every problem, worded in `lang`) and ``ledger_summary.csv`` (per file) into `reports`."""
    reports = Path(reports)
    reports.mkdir(parents=True, exist_ok=True)
    write_csv(problem_table(problems, lang), reports / "ledger.csv")
    summary = pd.DataFrame(
        [asdict(e) for e in entries],
        columns=["layer", "file", "read", "used", "rejected", "outside", "repaired", "lost"],
    )
    write_csv(summary, reports / "ledger_summary.csv")

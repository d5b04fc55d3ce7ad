"""The exception tree and the `Problem` record every check reports with.

Every error a user can cause is a `GeoError`; the CLI is the one place that
turns it into a message and an exit code. Each class also inherits the
built-in it refines, so ``except ValueError`` keeps working for library users.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "grouped",
    "CRSError",
    "GeoError",
    "Problem",
    "ProjectError",
    "SchemaError",
    "ValidationError",
]


class GeoError(Exception):
    """Base class of every error the tool raises on purpose."""


class ConfigError(GeoError, ValueError):
    """`geo.toml` is malformed or names an unknown key or value."""


class ProjectError(GeoError, FileNotFoundError):
    """The project folder or one of its required files is missing or unreadable."""


class SchemaError(GeoError, ValueError):
    """A file lacks a required column or has a value of the wrong kind."""


class CRSError(GeoError, ValueError):
    """A layer's coordinate reference system is missing, wrong or implausible."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the user sees it.

    Parameters
    ----------
    severity
        ``"error"`` stops the run; ``"warning"`` lets it go on; ``"note"``
        says how a file was read (an encoding guessed, a title row skipped).
    file
        The file's name inside the project folder (e.g. ``assignments.csv``).
    row
        The row as the user sees it: the spreadsheet row number for a table
        (header is row 1), the feature number (from 1) for a spatial layer.
        ``None`` when the problem concerns the whole file.
    column
        The column concerned, as named in the file; ``None`` for a whole row.
    value
        The offending value, as read.
    message
        What is wrong, in plain words.
    fix
        What the user should do about it.
    rejected
        Whether the row was left out of the analysis (listed in the ledger).
    row_label
        ``"row"`` for tables, ``"feature"`` for spatial layers.
    outside
        The row was left out as lying outside the district (`geo.scope`):
        counted apart from used and rejected rows.

    Messages are in Chinese: they are read by campaign-office staff.
    """

    severity: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str = ""
    rejected: bool = False
    row_label: str = "row"
    outside: bool = False

    @property
    def where(self) -> str:
        """The place as a clerk finds it: ``leaders.csv 第 3 行，“级别”列``."""
        where = self.file
        if self.row is not None:
            where += f" 第 {self.row} {'个要素' if self.row_label == 'feature' else '行'}"
        if self.column is not None:
            where += f"，“{self.column}”列"
        return where

    def __str__(self) -> str:
        text = f"{self.where}：{self.message}"
        if self.value not in (None, ""):
            text += f"（值：“{self.value}”）"
        if self.fix:
            text += f"。修改：{self.fix}"
        return text


_SHOWN_ROWS = 3  # a group names its first rows, then the count
_SHOWN_VALUES = 3


def _group_line(group: list[Problem]) -> str:
    """One line for problems of one kind in one file and column: the first rows, the count, the fix."""
    first = group[0]
    if len(group) == 1:
        return str(first)
    rows = sorted({p.row for p in group if p.row is not None})
    unit = "个要素" if first.row_label == "feature" else "行"
    where = first.file + (f"，“{first.column}”列" if first.column is not None else "")
    shown = "、".join(str(r) for r in rows[:_SHOWN_ROWS])
    more = " …" if len(rows) > _SHOWN_ROWS else ""
    text = f"{where}：{first.message}（第 {shown}{more} {unit}，共 {len(rows):,} {unit}"
    values = list(dict.fromkeys(p.value for p in group if p.value not in (None, "")))
    if values:
        more = " …" if len(values) > _SHOWN_VALUES else ""
        text += "；值如 " + "、".join(f"“{v}”" for v in values[:_SHOWN_VALUES]) + more
    text += "）"
    fixes = list(dict.fromkeys(p.fix for p in group if p.fix))
    if fixes:
        text += f"。修改：{fixes[0]}" + ("（各行的建议不同，见问题清单）" if len(fixes) > 1 else "")
    return text


def grouped(problems: list[Problem], limit: int | None = None) -> list[str]:
    """The problems as lines, one per file, column and kind of problem, in order of first appearance.

    Problems without a row (about a whole file) are never merged. With
    `limit`, at most that many lines, the last one saying how many kinds
    were left out.
    """
    groups: dict[tuple, list[Problem]] = {}
    for n, p in enumerate(problems):
        key = (p.severity, p.file, p.column, p.message) if p.row is not None else (n,)
        groups.setdefault(key, []).append(p)
    lines = [_group_line(g) for g in groups.values()]
    if limit is not None and len(lines) > limit:
        rest = len(lines) - limit + 1
        lines = lines[: limit - 1] + [f"… 另有 {rest} 类"]
    return lines


class ValidationError(GeoError, ValueError):
    """The input has one or more errors; carries every problem found.

    Raised once, after all checks ran, so the user sees the whole list. The
    message groups them (one line per file, column and kind, at most
    `SHOWN_GROUPS` lines); `problems` holds every one.
    """

    SHOWN_GROUPS = 25

    def __init__(self, problems: list[Problem], ledger: list | None = None):
        self.problems = list(problems)
        self.ledger = list(ledger or [])  # geo.ledger.LedgerEntry per input file
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"输入数据有 {len(errors):,} 处错误："]
        lines += [f"  - {line}" for line in grouped(errors, self.SHOWN_GROUPS)]
        super().__init__("\n".join(lines))

"""The exception tree and the `Problem` record every check reports with.

Every error a user can cause is a `GeoError`; the CLI is the one place that
turns it into a message and an exit code. Each class also inherits the
built-in it refines, so ``except ValueError`` keeps working for library users.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConfigError",
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


class ValidationError(GeoError, ValueError):
    """The input has one or more errors; carries every problem found.

    Raised once, after all checks ran, so the user sees the whole list.
    """

    def __init__(self, problems: list[Problem], ledger: list | None = None):
        self.problems = list(problems)
        self.ledger = list(ledger or [])  # geo.ledger.LedgerEntry per input file
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"输入数据有 {len(errors)} 处错误："]
        lines += [f"  - {p}" for p in errors]
        super().__init__("\n".join(lines))

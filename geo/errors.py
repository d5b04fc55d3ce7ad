"""The exception tree and the `Problem` record every check reports with.

Every error a user can cause is a `GeoError`; the CLI is the one place that
turns it into a message and an exit code. Each class also inherits the
built-in it refines, so ``except ValueError`` keeps working for library users.

Messages are `geo.messages.Msg` records, worded when shown: ``str()`` gives
the Chinese text, ``text(lang)`` any language of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import Msg, msg, render, seq

__all__ = [
    "ConfigError",
    "grouped",
    "CRSError",
    "GeoError",
    "Problem",
    "ProjectError",
    "SchemaError",
    "UnknownLeaderError",
    "ValidationError",
]


class GeoError(Exception):
    """Base class of every error the tool raises on purpose.

    `message` is a `Msg` (or plain text, kept as it is); ``str()`` is its
    Chinese wording, `text` its wording in another language.
    """

    def __init__(self, message: str | Msg = ""):
        super().__init__(str(message))
        self.message = message

    def text(self, lang: str = "zh") -> str:
        """The error in `lang` (``zh``, ``en``, ``zh-Hant``)."""
        return render(self.message, lang)


class ConfigError(GeoError, ValueError):
    """`geo.toml` is malformed or names an unknown key or value."""


class ProjectError(GeoError, FileNotFoundError):
    """The project folder or one of its required files is missing or unreadable."""


class SchemaError(GeoError, ValueError):
    """A file lacks a required column or has a value of the wrong kind."""


class UnknownLeaderError(GeoError, LookupError):
    """A leader asked for (``--leader``) by id or name is not in the leaders table, or the name is not unique."""


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
        The offending value, as read (a `Msg` when it is our description of
        it, such as a geometry's fault).
    message
        What is wrong: a `Msg` of the catalogue (`geo.messages`), or plain
        text kept as it is (a library's own message).
    fix
        What the user should do about it; likewise.
    rejected
        Whether the row was left out of the analysis (listed in the ledger).
    row_label
        ``"row"`` for tables, ``"feature"`` for spatial layers.
    outside
        The row was left out as lying outside the district (`geo.scope`):
        counted apart from used and rejected rows.
    record
        The record's own id and/or name as its file has them (``6500100-001
        大安里``), so a clerk can find a feature in QGIS or a row in Excel;
        ``""`` when it has neither or the problem is about the whole file.

    ``str()`` is the problem in Chinese, for campaign-office staff; `text`
    words it in ``en`` or ``zh-Hant``.
    """

    severity: str
    file: str
    row: int | None
    column: str | None
    value: str | Msg | None
    message: str | Msg
    fix: str | Msg = ""
    rejected: bool = False
    row_label: str = "row"
    outside: bool = False
    record: str = ""

    def place(self) -> str | Msg:
        """Where it is, not yet worded: the file, its row or feature (and the record's id or name), its column."""
        return _place(self.file, self.row, self.column, self.row_label, self.record)

    def where(self, lang: str = "zh") -> str:
        """The place as a clerk finds it: ``leaders.csv 第 3 行，“级别”列`` / ``leaders.csv row 3, column “级别”``."""
        return render(self.place(), lang)

    def text(self, lang: str = "zh") -> str:
        """The whole problem on one line in `lang`: place, message, value and fix."""
        parts: list[Msg] = [msg("problem.line", where=self.place(), message=self.message)]
        if self.value not in (None, ""):
            parts.append(msg("problem.value", value=self.value))
        if self.fix:
            parts.append(msg("problem.fix", fix=self.fix))
        return "".join(part.text(lang) for part in parts)

    def __str__(self) -> str:
        return self.text("zh")


def _place(file: str, row: int | None, column: str | None, row_label: str = "row", record: str = "") -> str | Msg:
    where: str | Msg = file
    if row is not None:
        where = msg("problem.at_feature" if row_label == "feature" else "problem.at_row", file=file, row=row)
        if record:
            where = msg("problem.record", where=where, record=record)
    if column is not None:
        where = msg("problem.in_column", where=where, column=column)
    return where


_SHOWN_ROWS = 3  # a group names its first rows, then the count
_SHOWN_VALUES = 3


def _group_line(group: list[Problem], lang: str) -> str:
    """One line for problems of one kind in one file and column: the first rows, the count, the fix."""
    first = group[0]
    if len(group) == 1:
        return first.text(lang)
    records = {p.row: p.record for p in group if p.row is not None}
    rows = sorted(records)
    more = " …" if len(rows) > _SHOWN_ROWS else ""
    shown = [msg("group.record", row=r, record=records[r]) if records[r] else r for r in rows[:_SHOWN_ROWS]]
    parts = [
        msg("problem.line", where=_place(first.file, None, first.column), message=first.message),
        msg(
            "group.features" if first.row_label == "feature" else "group.rows",
            rows=seq(shown),
            more=more,
            count=len(rows),
        ),
    ]
    values = list(dict.fromkeys(p.value for p in group if p.value not in (None, "")))
    if values:
        more = " …" if len(values) > _SHOWN_VALUES else ""
        parts.append(msg("group.values", values=seq(values[:_SHOWN_VALUES], quoted=True), more=more))
    parts.append(msg("group.end"))
    fixes = list(dict.fromkeys(p.fix for p in group if p.fix))
    if fixes:
        parts.append(msg("problem.fix", fix=fixes[0]))
        if len(fixes) > 1:
            parts.append(msg("group.fixes_differ"))
    return "".join(part.text(lang) for part in parts)


def grouped(problems: list[Problem], limit: int | None = None, lang: str = "zh") -> list[str]:
    """The problems as lines in `lang`, one per file, column and kind of problem, in order of first appearance.

    A kind is a message with its arguments (`geo.messages.Msg`), as written
    in every language. Problems without a row (about a whole file) are never
    merged. With `limit`, at most that many lines, the last one saying how
    many kinds were left out.
    """
    groups: dict[tuple, list[Problem]] = {}
    for n, p in enumerate(problems):
        key = (p.severity, p.file, p.column, p.message) if p.row is not None else (n,)
        groups.setdefault(key, []).append(p)
    lines = [_group_line(g, lang) for g in groups.values()]
    if limit is not None and len(lines) > limit:
        rest = len(lines) - limit + 1
        lines = lines[: limit - 1] + [msg("group.more", count=rest).text(lang)]
    return lines


class ValidationError(GeoError, ValueError):
    """The input has one or more errors; carries every problem found.

    Raised once, after all checks ran, so the user sees the whole list. The
    message groups them (one line per file, column and kind, at most
    `SHOWN_GROUPS` lines); `problems` holds every one. ``str()`` is the list
    in Chinese; `text` words it in another language.
    """

    SHOWN_GROUPS = 25

    def __init__(self, problems: list[Problem], ledger: list | None = None):
        self.problems = list(problems)
        self.ledger = list(ledger or [])  # geo.ledger.LedgerEntry per input file
        super().__init__(self.text("zh"))

    def text(self, lang: str = "zh") -> str:
        """Every error, grouped, in `lang`."""
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [msg("validation.errors", count=len(errors)).text(lang)]
        lines += [f"  - {line}" for line in grouped(errors, self.SHOWN_GROUPS, lang)]
        return "\n".join(lines)

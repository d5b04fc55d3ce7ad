"""The pipeline end to end: load → validate → resolve → analyse → report / render."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .analyse import Analysis, analyse
from .config import Config, load_config
from .errors import GeoError, Problem
from .ledger import LedgerEntry, account, account_replies
from .load import load_frames, load_project, split_sources
from .messages import Msg, msg
from .model import Summary
from .output import remove_problems_folder, transaction
from .progress import SILENT, Progress
from .replies import ImportOutcome, KeptReplies, load_replies, with_new_issues
from .report import write_reports
from .resolve import resolve_project
from .validate import raise_for_errors, validate_project
from .words import choose_language

if TYPE_CHECKING:
    from .history import Changes
    from .render import MapFile

__all__ = [
    "BuildResult",
    "CheckResult",
    "Written",
    "build",
    "bulletin",
    "check",
    "check_reports",
    "import_replies",
    "print_pages",
    "share",
    "snapshot",
]

log = logging.getLogger(__name__)


@dataclass
class CheckResult:
    """What `check` found: the analysis, every problem, and the ledger."""

    analysis: Analysis
    problems: list[Problem]
    ledger: list[LedgerEntry]
    lang: str = "zh"  # the language the outputs speak (`geo.words.choose_language`)
    lang_chosen: str = "default"  # given, default or auto
    notices: list[Msg] = field(default_factory=list)  # what writing the output folder has to say (`geo.output`)


# A project is a folder of files, or (in Python) its layers as frames: layer name -> GeoDataFrame/DataFrame.
ProjectSource = str | Path | Mapping[str, pd.DataFrame]


def _project_name(source: ProjectSource) -> str:
    """The project as shared files name it: its folder's name (no local path), or ``frames``."""
    return "frames" if isinstance(source, Mapping) else Path(source).resolve().name


def check(project_dir: ProjectSource, config: Config | None = None, progress: Progress = SILENT) -> CheckResult:
    """Load, validate, resolve and analyse a project: a folder, or its layers as frames (`geo.load.load_frames`).

    `config` is the folder's ``geo.toml`` (or the defaults for frames) when None.

    The language the outputs speak is chosen once the names are validated
    (`geo.words.choose_language`) and told to `progress` (`Progress.speaks`).

    Raises
    ------
    ValidationError
        With every error found (loading, validation and section ends, in
        one list) and the ledger, when the input has any error. Resolving
        runs on such input too, for the section ends' errors; a `GeoError`
        it raises then is left to the list, anything else is a bug and goes on.
    """
    if config is None:
        config = Config() if isinstance(project_dir, Mapping) else load_config(project_dir)
    progress.stage("load")
    if isinstance(project_dir, Mapping):
        layers, problems = load_frames(project_dir, config)
    else:
        layers, problems = load_project(project_dir, config)
    progress.stage("validate")
    project, problems = validate_project(layers, problems, config.tolerances)
    # what leaders and inspection groups sent back from their maps (`geo import` keeps it in replies/)
    kept = KeptReplies() if isinstance(project_dir, Mapping) else load_replies(project_dir)
    problems += kept.problems
    project, pinned = with_new_issues(project, kept)
    # The language is chosen from the names as soon as they are read, so that what follows (the
    # progress line, the errors of invalid input, the command's last words) speaks it too.
    names = [*project.communities["name"], *project.roads["name"]]
    lang, chosen = choose_language(names, config.map.lang, config.map.lang_given)
    progress.speaks(lang)
    resolved = None
    progress.stage("resolve")
    try:
        resolved, more = resolve_project(project, config.tolerances)
        problems += split_sources(more, project.sources)
    except GeoError:  # a documented refusal (a CRS, a schema) of input whose errors are already listed
        if not any(p.severity == "error" for p in problems):
            raise
        log.debug("resolving skipped: the input already has errors", exc_info=True)
    ledger = account(project, problems)
    raise_for_errors(problems, ledger)
    assert resolved is not None  # resolving fails only on input that already has errors
    progress.stage("analyse")
    analysis = analyse(resolved, config.tolerances, config.as_of(), kept)
    analysis.reply_outcomes = pinned + analysis.reply_outcomes
    problems += [outcome.problem() for outcome in analysis.reply_outcomes]
    ledger += account_replies(kept.files, analysis.reply_outcomes)
    return CheckResult(analysis, problems, ledger, lang, chosen)


def _speaking(config: Config, result: CheckResult) -> Config:
    """The configuration with the language the check chose."""
    return replace(config, map=replace(config.map, lang=result.lang))


@dataclass
class BuildResult:
    """What `build` wrote and found."""

    summary: Summary
    problems: list[Problem]
    ledger: list[LedgerEntry]
    files: list[Path] = field(default_factory=list)
    maps: list[MapFile] = field(default_factory=list)
    lang: str = "zh"  # the language the outputs speak
    notices: list[Msg] = field(default_factory=list)  # what writing the output folder has to say (`geo.output`)


@dataclass
class Written:
    """What `bulletin`, `print_pages` and `share` wrote, and had to say.

    `files` are where the files are (a bulletin a person edited is kept, and the new one gets the next
    free name: `notices` says so); `problems` are warnings about the project's history.
    """

    files: list[Path]
    notices: list[Msg] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def build(
    project_dir: ProjectSource, out_dir: str | Path, config: Config | None = None, progress: Progress = SILENT
) -> BuildResult:
    """Run the whole pipeline and write maps and reports under `out_dir`, as one piece.

    Writes ``index.html``, ``overview.html``, ``gaps.html``, one map per
    leader in ``leaders/``, and ``reports/`` into a staging folder that
    replaces `out_dir` only when all is written (`geo.output`): a failed or
    killed build leaves the previous output as it was.

    Raises
    ------
    ValidationError
        When the input has errors (`out_dir` is left untouched).
    OutputBusyError
        When another run is writing `out_dir`.
    """
    from .render import (  # folium and the map kit: only a build draws maps
        build_context,
        inspector_filenames,
        leader_filenames,
        render_change_map,
        render_gap_map,
        render_index,
        render_inspectors_map,
        render_leader_map,
        render_overview,
    )
    from .replies import project_secret

    if config is None:
        config = Config() if isinstance(project_dir, Mapping) else load_config(project_dir)
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    out_dir = Path(out_dir)
    # the previous build's maps and reports make way; a bulletin, pages, packs and the person's files stay
    with transaction(out_dir, "build", replaces=lambda rel, entry: entry.by == "build") as output:
        stage = output.stage
        result = check(project_dir, config, progress)
        config = _speaking(config, result)
        analysis = result.analysis
        # No local paths in a shared folder: the project is named by its folder's name only.
        run = {"command": "build", "project": _project_name(project_dir), "started": started_at}
        language = {"lang": result.lang, "chosen": result.lang_chosen}
        progress.stage("reports")
        since, warnings = _since_last_snapshot(project_dir, analysis)
        problems = [*result.problems, *warnings]
        figures = write_reports(
            analysis, problems, result.ledger, stage / "reports", run, config.map.lang, language, since
        )
        progress.stage("maps")
        # a folder project's maps can answer: each person's map signs with a key made from the project's secret
        secret = None if isinstance(project_dir, Mapping) else project_secret(project_dir, create=True)
        ctx = build_context(analysis, config.map, secret=secret)
        files = [stage / "reports" / "summary.json", stage / "reports" / "gaps.csv"]
        maps = [render_overview(ctx, stage / "overview.html", figures), render_gap_map(ctx, stage / "gaps.html")]
        if since is not None:  # what changed since the last snapshot, as a map
            maps.append(render_change_map(ctx, stage / "changes.html", since))
        leader_files = leader_filenames(ctx.leaders["id"])
        for leader_id, name in progress.counted(leader_files.items(), len(leader_files), "progress.leader_maps"):
            maps.append(render_leader_map(ctx, leader_id, stage / "leaders" / name))
        inspector_files = inspector_filenames(ctx.inspectors["id"])
        for group_id, name in inspector_files.items():
            maps.append(render_inspectors_map(ctx, group_id, stage / "inspectors" / name))
        files += [m.path for m in maps]
        files.append(render_index(ctx, stage / "index.html", figures, leader_files, inspector_files))
    remove_problems_folder(out_dir)
    files = [output.final(f) for f in files]
    maps = [replace(m, path=output.final(m.path)) for m in maps]
    log.info("built %d files in %.1f s", len(files), time.perf_counter() - started)
    return BuildResult(figures, problems, result.ledger, files, maps, result.lang, output.notices)


def check_reports(
    project_dir: str | Path, out_dir: str | Path, config: Config, progress: Progress = SILENT
) -> tuple[CheckResult, Summary]:
    """`check`, then write ``reports/`` under `out_dir` as one piece (the maps there are not touched).

    Returns the check's result and the summary figures.
    """
    out_dir = Path(out_dir)
    # the previous reports make way; the maps, a bulletin, pages, packs and the person's files stay
    with transaction(
        out_dir, "build", replaces=lambda rel, entry: entry.by == "build" and rel.startswith("reports/")
    ) as output:
        result = check(project_dir, config, progress)
        progress.stage("reports")
        run = {"command": "check", "project": _project_name(project_dir)}
        language = {"lang": result.lang, "chosen": result.lang_chosen}
        since, warnings = _since_last_snapshot(project_dir, result.analysis)
        result.problems = [*result.problems, *warnings]
        figures = write_reports(
            result.analysis, result.problems, result.ledger, output.stage / "reports", run, result.lang, language, since
        )
    result.notices = output.notices
    remove_problems_folder(out_dir)
    return result, figures


def _since_last_snapshot(
    project_dir: ProjectSource, analysis: Analysis, since: date | None = None
) -> tuple[Changes | None, list[Problem]]:
    """What changed since the project's latest snapshot before this run's as-of date (or `since`), or None;
    and a warning for each later snapshot that could not be read (skipped: the summary names their dates).

    Raises
    ------
    ConfigError
        When there is no snapshot of `since`, or it cannot be read.
    """
    from .errors import ConfigError
    from .history import SnapshotError, changes, earlier_snapshots, read_snapshot, snapshots, state_of
    from .messages import msg, seq

    if isinstance(project_dir, Mapping):
        return None, []  # frames in memory have no history/
    project = Path(project_dir)
    if since is not None:
        kept = snapshots(project)
        if since not in kept:
            dates = seq([d.isoformat() for d in kept]) if kept else "—"
            raise ConfigError(msg("history.since_missing", date=since.isoformat(), dates=dates))
        try:
            before = read_snapshot(project, since)
        except SnapshotError as err:
            fault = err.problem
            raise ConfigError(
                msg("history.since_unreadable", date=since.isoformat(), where=fault.place(), problem=fault.message)
            ) from err
        found, warnings = [before], list[Problem]()
    else:
        found, warnings = earlier_snapshots(project, analysis.as_of, every=False)
    if not found:
        return None, warnings
    result = changes(found[-1], state_of(analysis, {}), analysis)
    skipped = sorted({p.file.split("/")[1] for p in warnings})
    if skipped:
        result.summary["unreadable"] = skipped
    return result, warnings


def import_replies(project_dir: str | Path, files: list[str | Path]) -> list[ImportOutcome]:
    """Check reply files and keep each, as received, in the project's ``replies/`` (`geo.replies.import_replies`).

    Holds the ``replies/`` folder's lock meanwhile (a second import waits, as snapshots do). The
    replies are applied by every later `check` and `build`; nothing of the office's tables changes.

    Raises
    ------
    ProjectError
        When `project_dir` is not a folder.
    """
    from .errors import ProjectError
    from .history import LOCK_WAIT
    from .output import output_lock
    from .replies import REPLIES_FOLDER
    from .replies import import_replies as keep

    folder = Path(project_dir)
    if not folder.is_dir():
        raise ProjectError(msg("load.no_project", folder=str(folder)))
    with output_lock(folder / REPLIES_FOLDER, wait=LOCK_WAIT):
        return keep(folder, files)


def snapshot(project_dir: str | Path, config: Config, progress: Progress = SILENT) -> tuple[Path, Summary]:
    """Check the project and keep its state as ``<project>/history/<as-of>/`` (`geo.history`)."""
    from .history import state_of, write_snapshot
    from .report import summary

    result = check(project_dir, config, progress)
    figures = summary(result.analysis, result.problems, result.ledger)
    sources = {name: source.file for name, source in sorted(result.analysis.resolved.project.sources.items())}
    return write_snapshot(Path(project_dir), state_of(result.analysis, dict(figures)), sources), figures


def bulletin(
    project_dir: ProjectSource,
    out_dir: str | Path,
    config: Config,
    since: date | None = None,
    progress: Progress = SILENT,
    deadline: date | None = None,
) -> Written:
    """Write the bulletin (通报) as ``reports/通报_<date>.docx`` (通報 in zh-Hant) and ``reports/bulletin.html``.

    A bulletin a person edited since geo wrote it is kept as it is: the new one takes the next free
    name (``通报_<date>_2.docx``), and `Written.notices` says so. Snapshots that cannot be read are
    left out, with a warning each (`Written.problems`), and the bulletin names their dates.

    The figures are the check's (those of ``summary.json``); the change is since the latest snapshot
    before the as-of date, or since `since` (a snapshot's date); the charts run over every snapshot
    up to the as-of date (`geo.bulletin`, `geo.history`). The lagging units are to finish by
    `deadline`, or ``[bulletin] deadline_days`` after the as-of date.

    Raises
    ------
    ConfigError
        When `deadline` is not after the as-of date.
    """
    from .errors import ConfigError
    from .messages import msg

    if deadline is not None and deadline <= config.as_of():
        raise ConfigError(
            msg("bulletin.deadline_past", deadline=deadline.isoformat(), as_of=config.as_of().isoformat())
        )
    from .bulletin import make_bulletin, write_docx, write_html
    from .history import earlier_snapshots
    from .report import summary

    # written beside the reports; a bulletin a person edited is kept, and the new one takes the next name
    with transaction(out_dir, "bulletin", keep_both=True) as output:
        result = check(project_dir, config, progress)
        analysis = result.analysis
        figures = dict(summary(analysis, result.problems, result.ledger))
        since_change, warnings = _since_last_snapshot(project_dir, analysis, since)
        if since_change is not None:
            figures["changes"] = since_change.summary
        history, unreadable = (
            ([], []) if isinstance(project_dir, Mapping) else earlier_snapshots(Path(project_dir), analysis.as_of)
        )
        warnings += [p for p in unreadable if p not in warnings]
        missing = sorted({p.file.split("/")[1] for p in warnings})
        worded = make_bulletin(
            analysis,
            figures,
            _project_name(project_dir),
            result.lang,
            [snap.summary for snap in history],
            config.bulletin,
            deadline,
            missing=missing,
        )
        reports = output.stage / "reports"
        stem = "通報" if result.lang == "zh-Hant" else "通报"  # named in the characters the bulletin is written in
        written = [
            write_docx(worded, reports / f"{stem}_{analysis.as_of.isoformat()}.docx"),
            write_html(worded, reports / "bulletin.html"),
        ]
    return Written([output.final(f) for f in written], output.notices, [*result.problems, *warnings])


def share(
    project_dir: ProjectSource,
    out_dir: str | Path,
    config: Config,
    who: list[str] | None = None,
    progress: Progress = SILENT,
    *,
    font_file: str | Path | None = None,
) -> Written:
    """One zip per leader (`who`: ids or names; all when None) under ``<out_dir>/share/`` (`geo.share`).

    `font_file` is the CJK font for the printable page (``GEO_CJK_FONT``; else one is searched for).
    For every leader, the packs of leaders no longer in the data go; a pack a person changed stays.
    """
    from .render import build_context
    from .replies import project_secret
    from .share import write_share_pack

    replaces = (lambda rel, entry: entry.by == "share") if who is None else None
    with transaction(out_dir, "share", replaces=replaces, keep_both=True) as output:
        result = check(project_dir, config, progress)
        config = _speaking(config, result)
        chosen = None if who is None else result.analysis.leader_ids(who)  # an unknown name stops before any work
        # a leader's pack holds their own map, which answers as the one `build` writes does (geo.replies)
        secret = None if isinstance(project_dir, Mapping) else project_secret(project_dir, create=True)
        ctx = build_context(result.analysis, config.map, secret=secret)
        if chosen is None:
            chosen = list(ctx.leaders.index)
        with output.temporary_files():  # the pages' font and pieces: beside the output, gone with the run
            files = write_share_pack(
                result.analysis,
                ctx,
                output.stage,
                chosen,
                result.lang,
                font_file=font_file,
                project_name=_project_name(project_dir),
            )
    return Written([output.final(f) for f in files], output.notices, result.problems)


def print_pages(
    project_dir: ProjectSource,
    out_dir: str | Path,
    config: Config,
    who: list[str] | None = None,
    progress: Progress = SILENT,
    *,
    font_file: str | Path | None = None,
) -> Written:
    """The printable pages (`geo.printable.render_printable`) under ``<out_dir>/print/`` (`who`: leaders' ids
    or names; all when None), as one step.

    `font_file` is the CJK font (``GEO_CJK_FONT``; else one is searched for). For every leader, the
    pages of leaders no longer in the data go; a page a person changed stays, and the new one takes
    the next free name. `Written.problems` are the check's warnings and notes.
    """
    from .printable import render_printable

    replaces = (lambda rel, entry: entry.by == "print") if who is None else None
    with transaction(out_dir, "print", replaces=replaces, keep_both=True) as output:
        result = check(project_dir, config, progress)
        with output.temporary_files():
            files = render_printable(
                result.analysis,
                _speaking(config, result).map,
                output.stage,
                who,
                font_file=font_file,
                project_name=_project_name(project_dir),
                progress=progress,
                scratch=output.scratch,
            )
    return Written([output.final(f) for f in files], output.notices, result.problems)

"""The pipeline end to end: load → validate → resolve → analyse → report / render."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .analyse import Analysis, analyse
from .config import Config
from .errors import Problem
from .ledger import LedgerEntry, account
from .load import load_project
from .render import (
    MapFile,
    build_context,
    leader_filenames,
    render_gap_map,
    render_index,
    render_leader_map,
    render_overview,
)
from .report import write_reports
from .resolve import resolve_project
from .validate import raise_for_errors, validate_project

__all__ = ["BuildResult", "CheckResult", "build", "check"]

log = logging.getLogger(__name__)


@dataclass
class CheckResult:
    """What `check` found: the analysis, every problem, and the ledger."""

    analysis: Analysis
    problems: list[Problem]
    ledger: list[LedgerEntry]


def check(project_dir: str | Path, config: Config) -> CheckResult:
    """Load, validate, resolve and analyse a project.

    Raises
    ------
    ValidationError
        With every error found (loading, validation and section ends, in
        one list) and the ledger, when the input has any error.
    """
    layers, problems = load_project(project_dir, config)
    project, problems = validate_project(layers, problems)
    resolved = None
    try:
        resolved, more = resolve_project(project, config.tolerances)
        problems += more
    except Exception:
        if not any(p.severity == "error" for p in problems):
            raise
        log.debug("resolving skipped: the input already has errors", exc_info=True)
    ledger = account(project, problems)
    raise_for_errors(problems, ledger)
    return CheckResult(analyse(resolved, config.tolerances, config.as_of()), problems, ledger)


@dataclass
class BuildResult:
    """What `build` wrote and found."""

    summary: dict
    problems: list[Problem]
    ledger: list[LedgerEntry]
    files: list[Path] = field(default_factory=list)
    maps: list[MapFile] = field(default_factory=list)


def build(project_dir: str | Path, out_dir: str | Path, config: Config) -> BuildResult:
    """Run the whole pipeline and write maps and reports under `out_dir`.

    Writes ``index.html``, ``overview.html``, ``gaps.html``, one map per
    leader in ``leaders/``, and ``reports/`` (summary.json, gaps.csv,
    roads.csv, ledger.csv, run.json).
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    result = check(project_dir, config)
    analysis, problems = result.analysis, result.problems
    out_dir = Path(out_dir)
    run = {"project": str(Path(project_dir).resolve()), "out": str(out_dir.resolve()), "started": started_at}
    figures = write_reports(analysis, problems, result.ledger, out_dir, run)
    ctx = build_context(analysis, config.map)
    files = [out_dir / "reports" / "summary.json", out_dir / "reports" / "gaps.csv"]
    maps = [render_overview(ctx, out_dir / "overview.html", figures), render_gap_map(ctx, out_dir / "gaps.html")]
    leaders_dir = out_dir / "leaders"
    if leaders_dir.exists():
        for stale in leaders_dir.glob("*.html"):
            stale.unlink()
    leader_files = leader_filenames(ctx.leaders["id"])
    for leader_id, name in leader_files.items():
        maps.append(render_leader_map(ctx, leader_id, leaders_dir / name))
    files += [m.path for m in maps]
    files.append(render_index(ctx, out_dir / "index.html", figures, leader_files))
    log.info("built %d files in %.1f s", len(files), time.perf_counter() - started)
    return BuildResult(figures, problems, result.ledger, files, maps)

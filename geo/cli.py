"""The command line: thin. It parses, calls the library, prints, and turns a
`GeoError` into a message and an exit code (the one place that does).

Exit codes: 0 done; 1 ``geo check`` found gaps; 2 the input is invalid;
3 an internal error (a bug: rerun with ``-v`` for the traceback); 4 another
run is writing the same output folder; 130 stopped by Ctrl-C.

Output that cannot be printed (``geo validate | head`` closed the pipe) is
dropped quietly and the exit code stays what the run found.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__
from ._main import raise_stop, stop_requested
from .config import BASEMAPS, LANGUAGES, load_config
from .errors import GeoError, ValidationError, grouped
from .ledger import write_ledger
from .model import Summary
from .output import OutputBusyError, problems_folder, staged_folder
from .pipeline import build as build_project
from .pipeline import check as check_project
from .pipeline import check_reports
from .words import kind_label, summary_lines

log = logging.getLogger(__name__)

EXIT_GAPS, EXIT_INVALID, EXIT_INTERNAL, EXIT_BUSY, EXIT_INTERRUPTED = 1, 2, 3, 4, 130


def _say(message: str = "", err: bool = False) -> None:
    """`click.echo` that survives a reader who went away (a closed pipe): the rest is dropped quietly."""
    try:
        click.echo(message, err=err)
    except BrokenPipeError:
        stream = sys.stderr if err else sys.stdout
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # so the flush at exit does not fail again
        os.close(devnull)


def _setup_logging(verbose: int, quiet: bool) -> None:
    if quiet:
        level = logging.ERROR
    else:
        level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # A library's warning (folium, pandas, GDAL through pyogrio) says nothing a clerk can act on and can
    # be long (folium repeats a whole layer): it goes to the log, shown with -vv only.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.DEBUG if verbose >= 2 else logging.CRITICAL)


SHOWN_GROUPS = 12  # warnings and notes: at most this many lines each, so a screenful in all


def _print_problems(problems, ledger_file: str | Path | None = "reports/ledger.csv") -> None:
    """Print warnings and notes, grouped (errors come with the ValidationError).

    `ledger_file` is where the full list was written; None when none was.
    """
    for severity, label in (("warning", "条警告"), ("note", "条说明")):
        mine = [p for p in problems if p.severity == severity]
        if not mine:
            continue
        where = f"（全部列在 {ledger_file}）" if ledger_file else ""
        _say(f"{len(mine):,} {label}{where}：", err=True)
        for line in grouped(mine, SHOWN_GROUPS):
            _say(f"  - {line}", err=True)


def _print_summary(figures: Summary, lang: str = "zh") -> None:
    for line in summary_lines(figures, lang):
        _say(line)


def _print_map_sizes(maps) -> None:
    """Bytes per drawn vertex of each map: the figure to watch when maps grow."""
    if not maps:
        return
    leaders = [m for m in maps if m.path.parent.name == "leaders"]
    others = [m for m in maps if m.path.parent.name != "leaders"]
    parts = [
        f"{m.path.name} {m.bytes / 1e6:.2f} MB，{m.vertices:,} 个顶点，{m.bytes_per_vertex:.0f} 字节/顶点"
        for m in others
    ]
    if leaders:
        size = sum(m.bytes for m in leaders)
        verts = sum(m.vertices for m in leaders)
        parts.append(f"leaders/ {len(leaders)} 个共 {size / 1e6:.1f} MB，平均 {size / max(verts, 1):.0f} 字节/顶点")
    _say("地图大小：" + "；".join(parts))


def _print_gap_table(figures: Summary) -> None:
    """A small table of gap kinds with counts and metres / m², for `geo check`."""
    rows = [(kind_label(k), n) for k, n in figures["gaps"]["by_kind"].items()]
    width = max(len(label) for label, _ in rows)
    _say("空白类型".ljust(width + 2, "　") + "数量")
    for label, n in rows:
        _say(label.ljust(width + 2, "　") + f"{n:>4}")


def _print_ledger(ledger, err: bool = False, ledger_file: str | Path | None = "reports/ledger.csv") -> None:
    if not ledger:
        return
    parts = [f"{e.file} {e.used}/{e.read}" for e in ledger]
    rejected = sum(e.rejected for e in ledger)
    outside = sum(e.outside for e in ledger)
    why = f"，原因见 {ledger_file}" if ledger_file else ""
    _say(
        "读取（使用/读取行数）："
        + "，".join(parts)
        + (f"；剔除 {rejected:,} 行{why}" if rejected else "；无剔除")
        + (f"；辖区外 {outside:,} 行" if outside else ""),
        err=err,
    )


def _write_ledger_folder(folder: Path, lock: Path, ledger, problems) -> Path | None:
    """Write ledger.csv and ledger_summary.csv as the whole of `folder`; the ledger's path, or None."""
    try:
        with staged_folder(folder, lock=lock, marker=Path("ledger.csv")) as stage:
            write_ledger(stage, ledger, problems)
    except GeoError as busy:  # another run holds the output, or the name is taken by the user's own folder
        _say(f"问题清单未写入：{busy}", err=True)
        return None
    return folder / "ledger.csv"


def _run(func, verbose: int, out_dir: Path | None = None, ledger_dir: Path | None = None) -> int:
    """Call `func`; turn errors into messages and exit codes.

    On invalid input the full problem list is written: beside `out_dir`
    (``<out>-problems/``, so the last good build stays whole), or into
    `ledger_dir`; the message points only to a file that was written.
    """
    try:
        return func()
    except ValidationError as err:
        written = None
        if out_dir is not None:
            written = _write_ledger_folder(problems_folder(out_dir), out_dir, err.ledger, err.problems)
        elif ledger_dir is not None:
            written = _write_ledger_folder(ledger_dir, ledger_dir, err.ledger, err.problems)
        _say(f"输入数据有误，未生成地图。{err}", err=True)
        _print_problems(err.problems, written)
        _print_ledger(err.ledger, err=True, ledger_file=written)
        if written is not None:
            kept = ""
            if out_dir is not None:
                last = "，其中上次生成的地图与报表保持不变" if (out_dir / "reports" / "run.json").exists() else ""
                kept = f"；输出文件夹 {out_dir} 未改动{last}"
            _say(f"全部问题已写入 {written}{kept}", err=True)
        return EXIT_INVALID
    except OutputBusyError as err:
        _say(f"错误：{err}", err=True)
        return EXIT_BUSY
    except GeoError as err:
        _say(f"错误：{err}", err=True)
        return EXIT_INVALID
    except OSError as err:  # a folder where a file should be, an output folder that cannot be written
        where = f"“{err.filename}”" if err.filename else ""
        _say(
            f"错误：无法读写 {where}：{err.strerror or err}。请检查路径：--out 应是一个可写的文件夹，"
            "项目文件夹中的图层应是文件。",
            err=True,
        )
        return EXIT_INVALID
    except Exception as err:  # a bug: say so plainly, keep the traceback for -v
        if stop_requested() is not None:
            raise_stop()  # a Ctrl-C or kill that surfaced as another exception is a stop, not a bug
        if verbose:
            raise
        _say(
            f"内部错误（程序缺陷）：{type(err).__name__}: {err}\n请加 -v 重新运行以查看详细信息，并报告此问题。",
            err=True,
        )
        return EXIT_INTERNAL


_project_arg = click.argument("project", type=click.Path(path_type=Path), default=Path("layers"))
_verbose = click.option("-v", "--verbose", count=True, help="更多信息 More detail (-vv for debug).")
_quiet = click.option("-q", "--quiet", is_flag=True, help="只显示错误 Only errors.")
_today = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="按此日期判断逾期 Judge overdue as of this date (default: geo.toml's today, else today).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geo")
def cli() -> None:
    """创卫包保责任地图与空白点报表。Responsibility maps and gap reports for a sanitary-city campaign."""


@cli.command()
@_project_arg
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("maps"),
    show_default=True,
    help="输出文件夹 Output folder.",
)
@click.option(
    "--basemap",
    default=None,
    metavar="NAME[,NAME]",
    help=f"底图 Basemaps: {', '.join(BASEMAPS)}; several separated by commas (default: none).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="地图与报表语言 Language of maps and reports: zh, en, zh-Hant (default: zh).",
)
@_today
@_verbose
@_quiet
def build(project: Path, out_dir: Path, basemap: str | None, lang: str | None, today, verbose: int, quiet: bool) -> int:
    """生成地图与报表。Build maps and reports for PROJECT (default: layers/) into --out (default: maps/)."""
    _setup_logging(verbose, quiet)

    def work() -> int:
        config = load_config(project)
        # The edge reads the environment and the clock; the stages get them as values.
        key = None if config.map.tianditu_key else os.environ.get("TIANDITU_KEY") or None
        config = config.with_map(basemap=basemap, lang=lang, tianditu_key=key).with_today(today and today.date())
        result = build_project(project, out_dir, config)
        if not quiet:
            _print_problems(result.problems)
            _print_ledger(result.ledger)
            _print_summary(result.summary, config.map.lang)
            leaders = len(list((out_dir / "leaders").glob("*.html")))
            _say(f"已写入 {out_dir}/index.html、overview.html、gaps.html、leaders/（{leaders} 个）与 reports/")
            _print_map_sizes(result.maps)
        return 0

    return _run(work, verbose, out_dir)


@cli.command()
@_project_arg
@click.option(
    "--out",
    "ledger_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="把问题清单（ledger.csv、ledger_summary.csv）写入此文件夹 Write the problem list into this folder.",
)
@_verbose
@_quiet
def validate(project: Path, ledger_dir: Path | None, verbose: int, quiet: bool) -> int:
    """检查数据，列出全部问题。Check PROJECT's files and print every problem; exit 2 on errors."""
    _setup_logging(verbose, quiet)

    def work() -> int:
        config = load_config(project)
        result = check_project(project, config)
        written = None
        if ledger_dir is not None:
            written = _write_ledger_folder(ledger_dir, ledger_dir, result.ledger, result.problems)
        _print_problems(result.problems, written)
        if not quiet:
            _print_ledger(result.ledger, ledger_file=written)
            warnings = sum(p.severity == "warning" for p in result.problems)
            _say(f"{project}：数据有效（{warnings:,} 条警告）" + (f"；问题清单已写入 {written}" if written else ""))
        return 0

    return _run(work, verbose, ledger_dir=ledger_dir)


@cli.command()
@_project_arg
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("maps"), show_default=True)
@_today
@_verbose
@_quiet
def check(project: Path, out_dir: Path, today, verbose: int, quiet: bool) -> int:
    """只做空白点检查与报表。Analyse PROJECT without maps; write reports; exit 1 when there are gaps."""
    _setup_logging(verbose, quiet)

    def work() -> int:
        config = load_config(project).with_today(today and today.date())
        result, figures = check_reports(project, out_dir, config)
        if not quiet:
            _print_problems(result.problems)
            _print_ledger(result.ledger)
            _print_summary(figures, config.map.lang)
            _print_gap_table(figures)
            _say(f"报表已写入 {out_dir / 'reports'}")
        return EXIT_GAPS if figures["gaps"]["total"] else 0

    return _run(work, verbose, out_dir)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite template files that exist.")
def init(folder: Path, force: bool) -> int:
    """新建空项目（中文表头模板）。Write a new empty project into FOLDER: XLSX templates, a commented geo.toml."""
    from .template import init_project

    def work() -> int:
        for path in init_project(folder, force):
            _say(f"已写入 {path}")
        _say(f"请放入 communities 与 roads 图层，填好表格后运行：geo validate {folder}")
        return 0

    return _run(work, 0)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``geo`` console script; returns the exit code."""
    try:
        code = cli.main(args=argv, prog_name="geo", standalone_mode=False)
    except click.exceptions.Abort:
        _say("已中止", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as err:
        err.show()
        return err.exit_code
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())

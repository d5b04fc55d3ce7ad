"""The command line: thin. It parses, calls the library, prints, and turns a
`GeoError` into a message and an exit code (the one place that does).

Every command is declared by `_command`: its own arguments and options, then
the ones every command shares (``--lang``, ``--today`` where dates are judged,
``-v``, ``-q``). The decorator sets up logging, keeps the run's language
(`_Run`) and turns what the command raises into a message and an exit code
(`_run`); the command's body is its own work only: read the configuration,
call the pipeline, print what it did.

Exit codes: 0 done; 1 ``geo check`` found gaps; 2 the input is invalid;
3 an internal error (a bug: rerun with ``-v`` for the traceback); 4 another
run is writing the same output folder; 130 stopped by Ctrl-C.

Output that cannot be printed (``geo validate | head`` closed the pipe) is
dropped quietly and the exit code stays what the run found.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from . import __version__
from ._main import language_in, raise_stop, stop_requested
from .config import BASEMAPS, LANGUAGES, Config, load_config
from .errors import GeoError, Problem, ValidationError, grouped
from .messages import Msg, msg, seq
from .model import Summary
from .output import OutputBusyError, problems_folder, staged_folder
from .progress import SILENT, Progress, TerminalProgress
from .words import kind_label, summary_lines

if TYPE_CHECKING:  # only named in annotations: `geo --help` does not wait for pandas and folium
    from .ledger import LedgerEntry
    from .render import MapFile

log = logging.getLogger(__name__)

EXIT_GAPS, EXIT_INVALID, EXIT_INTERNAL, EXIT_BUSY, EXIT_INTERRUPTED = 1, 2, 3, 4, 130

_T = TypeVar("_T")


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


@dataclass
class _Run:
    """One run of a command: the options every command shares, and the language it speaks.

    `lang` is ``--lang``, else geo.toml's ``[map] lang`` once read (`config`), else zh; then the
    language the check chose (`Progress.speaks`), so the command's last words and errors speak it too.
    """

    verbose: int = 0
    quiet: bool = False
    given_lang: str | None = None  # --lang
    today: date | None = None  # --today
    lang: str = field(init=False)

    def __post_init__(self) -> None:
        self.lang = self.given_lang or "zh"

    def config(self, project: Path) -> Config:
        """PROJECT's geo.toml with ``--lang`` and ``--today``; its language is the run's from now on."""
        config = load_config(project).with_map(lang=self.given_lang).with_today(self.today)
        self.lang = config.map.lang
        return config

    @contextmanager
    def progress(self) -> Iterator[Progress]:
        """A progress line on stderr when a person watches: stderr is a terminal, and no ``-q`` (nor ``-v``:
        log lines would break it). Otherwise nothing, so a pipe or a log file gets only the results.

        Either way the language the run chooses becomes the command's."""
        quiet = self.quiet or self.verbose or not sys.stderr.isatty()
        shown = SILENT if quiet else TerminalProgress(self.lang)
        try:
            yield _Heard(shown, self)
        finally:
            shown.close()

    def say(self, message: Msg, err: bool = False) -> None:
        """`message` in the run's language, on stdout (stderr with `err`)."""
        _say(message.text(self.lang), err=err)


class _Heard(Progress):
    """The progress a command passes down: shown by `shown` (or not), and the language the run chooses
    (`Progress.speaks`) kept as the command's, so its errors and last words speak it too."""

    def __init__(self, shown: Progress, run: _Run):
        self.shown, self.run = shown, run

    def stage(self, name: str) -> None:
        self.shown.stage(name)

    def counted(self, items: Iterable[_T], total: int, what: str) -> Iterator[_T]:
        return self.shown.counted(items, total, what)

    def speaks(self, lang: str) -> None:
        self.run.lang = lang
        self.shown.speaks(lang)

    def close(self) -> None:
        self.shown.close()


def _print_problems(
    problems: Sequence[Problem], ledger_file: str | Path | None = "reports/ledger.csv", lang: str = "zh"
) -> None:
    """Print warnings and notes, grouped, in `lang` (errors come with the ValidationError).

    `ledger_file` is where the full list was written; None when none was.
    """
    for severity, key in (("warning", "cli.warnings"), ("note", "cli.notes")):
        mine = [p for p in problems if p.severity == severity]
        if not mine:
            continue
        where = msg("cli.all_listed_in", file=str(ledger_file)) if ledger_file else ""
        _say(msg(key, count=len(mine), where=where).text(lang), err=True)
        for line in grouped(mine, SHOWN_GROUPS, lang):
            _say(f"  - {line}", err=True)


def _print_summary(figures: Summary, lang: str = "zh") -> None:
    for line in summary_lines(figures, lang):
        _say(line)


def _print_map_sizes(maps: Sequence[MapFile], lang: str = "zh") -> None:
    """Bytes per drawn vertex of each map: the figure to watch when maps grow."""
    if not maps:
        return
    leaders = [m for m in maps if m.path.parent.name == "leaders"]
    others = [m for m in maps if m.path.parent.name != "leaders"]
    parts = [
        msg(
            "cli.map_size",
            name=m.path.name,
            mb=m.bytes / 1e6,
            vertices=m.vertices,
            per_vertex=m.bytes_per_vertex,
        )
        for m in others
    ]
    if leaders:
        size = sum(m.bytes for m in leaders)
        verts = sum(m.vertices for m in leaders)
        parts.append(msg("cli.map_size_leaders", count=len(leaders), mb=size / 1e6, per_vertex=size / max(verts, 1)))
    _say(msg("cli.map_sizes", sizes=seq(parts, sep="sep.semicolon")).text(lang))


def _print_gap_table(figures: Summary, lang: str = "zh") -> None:
    """A small table of gap kinds with counts and metres / m², for `geo check`."""
    rows = [(kind_label(k, lang), n) for k, n in figures["gaps"]["by_kind"].items()]
    width = max(len(label) for label, _ in rows)
    fill = msg("cli.table_fill").text(lang)
    _say(msg("cli.gap_kind").text(lang).ljust(width + 2, fill) + msg("cli.gap_count").text(lang))
    for label, n in rows:
        _say(label.ljust(width + 2, fill) + f"{n:>4}")


def _print_ledger(
    ledger: Sequence[LedgerEntry],
    err: bool = False,
    ledger_file: str | Path | None = "reports/ledger.csv",
    lang: str = "zh",
) -> None:
    if not ledger:
        return
    files = seq((f"{e.file} {e.used}/{e.read}" for e in ledger), sep="sep.comma")
    rejected = sum(e.rejected for e in ledger)
    outside = sum(e.outside for e in ledger)
    why = msg("cli.ledger_why", file=str(ledger_file)) if ledger_file else ""
    line = msg(
        "cli.ledger",
        files=files,
        rejected=msg("cli.ledger_rejected", count=rejected, why=why) if rejected else msg("cli.ledger_none_rejected"),
        outside=msg("cli.ledger_outside", count=outside) if outside else "",
    )
    _say(line.text(lang), err=err)


def _write_ledger_folder(
    folder: Path, lock: Path, ledger: list[LedgerEntry], problems: list[Problem], lang: str = "zh"
) -> Path | None:
    """Write ledger.csv and ledger_summary.csv (in `lang`) as the whole of `folder`; the ledger's path, or None."""
    try:
        with staged_folder(folder, lock=lock, marker=Path("ledger.csv")) as stage:
            from .ledger import write_ledger  # pandas: imported by the commands that need it

            write_ledger(stage, ledger, problems, lang)
    except GeoError as busy:  # another run holds the output, or the name is taken by the user's own folder
        _say(msg("cli.ledger_not_written", error=busy.text(lang)).text(lang), err=True)
        return None
    return folder / "ledger.csv"


def _os_advice(err: OSError, out_dir: Path | None) -> Msg:
    """What to do about an error of the system's, by its cause (not always the output folder's fault)."""
    code = err.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return msg("cli.os_full")
    if code == errno.ENOENT:
        return msg("cli.os_missing")
    if code in (errno.EISDIR, errno.ENOTDIR):
        return msg("cli.os_kind")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        if out_dir is not None and err.filename is not None:
            written = Path(os.path.realpath(out_dir))
            path = Path(os.path.realpath(os.fsdecode(err.filename)))
            if (
                path == written.parent
                or path.is_relative_to(written.parent / written.name)
                or path.name.startswith(f".{written.name}.")
            ):
                return msg("cli.os_denied_out")
        return msg("cli.os_denied")
    return msg("cli.os_other")


def _print_notices(notices: Iterable[Msg], lang: str) -> None:
    """What writing the output folder had to say: a file kept, a new name given."""
    for notice in notices:
        _say(notice.text(lang), err=True)


def _run(work: Callable[[], int], run: _Run, out_dir: Path | None = None, ledger_dir: Path | None = None) -> int:
    """Call `work`; turn errors into messages and exit codes, in the run's language.

    On invalid input the full problem list is written: beside `out_dir`
    (``<out>-problems/``, so the last good build stays whole), or into
    `ledger_dir`; the message points only to a file that was written.
    """
    try:
        return work()
    except ValidationError as err:
        lang = run.lang
        written = None
        if out_dir is not None:
            written = _write_ledger_folder(problems_folder(out_dir), out_dir, err.ledger, err.problems, lang)
        elif ledger_dir is not None:
            written = _write_ledger_folder(ledger_dir, ledger_dir, err.ledger, err.problems, lang)
        _say(msg("cli.invalid", errors=err.text(lang)).text(lang), err=True)
        _print_problems(err.problems, written, lang)
        _print_ledger(err.ledger, err=True, ledger_file=written, lang=lang)
        if written is not None:
            untouched: str | Msg = ""
            if out_dir is not None:
                last = msg("cli.last_build_kept") if (out_dir / "reports" / "run.json").exists() else ""
                untouched = msg("cli.out_untouched", folder=str(out_dir), last=last)
            _say(msg("cli.all_written", file=str(written), kept=untouched).text(lang), err=True)
        return EXIT_INVALID
    except GeoError as err:  # OutputBusyError too: another run holds the output folder
        run.say(msg("cli.error", error=err.text(run.lang)), err=True)
        return EXIT_BUSY if isinstance(err, OutputBusyError) else EXIT_INVALID
    except OSError as err:  # a folder where a file should be, an output folder that cannot be written, a full disk
        where = f"“{err.filename}”" if err.filename else ""
        advice = _os_advice(err, out_dir)
        run.say(msg("cli.os_error", where=where, reason=str(err.strerror or err), advice=advice), err=True)
        return EXIT_INVALID
    except Exception as err:  # a bug: say so plainly, keep the traceback for -v
        if stop_requested() is not None:
            raise_stop()  # a Ctrl-C or kill that surfaced as another exception is a stop, not a bug
        if run.verbose:
            raise
        run.say(msg("cli.internal", kind=type(err).__name__, error=str(err)), err=True)
        return EXIT_INTERNAL


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geo")
def cli() -> None:
    """创卫包保责任地图与空白点报表。Responsibility maps and gap reports for a sanitary-city campaign."""


def _shared_options(as_of: bool) -> list[click.Parameter]:
    """The options every command takes after its own: --lang, --today (where overdue is judged), -v, -q."""
    options: list[click.Parameter] = [
        click.Option(
            ["--lang"],
            type=click.Choice(LANGUAGES),
            default=None,
            help="语言 Language of messages, maps and reports: zh, en, zh-Hant "
            "(default: geo.toml's [map] lang, else zh).",
        )
    ]
    if as_of:
        options.append(
            click.Option(
                ["--today"],
                type=click.DateTime(formats=["%Y-%m-%d"]),
                default=None,
                help="按此日期判断逾期 Judge overdue as of this date (default: geo.toml's today, else today).",
            )
        )
    options.append(click.Option(["-v", "--verbose"], count=True, help="更多信息 More detail (-vv for debug)."))
    options.append(click.Option(["-q", "--quiet"], is_flag=True, help="只显示错误 Only errors."))
    return options


_ProblemList = Literal["beside --out", "in --out"]


def _command(
    name: str | None = None, *, as_of: bool = True, problems: _ProblemList | None = None
) -> Callable[[Callable[..., int]], click.Command]:
    """Declare a command of ``geo``: the function's own arguments and options, then `_shared_options`.

    The function takes the `_Run` first, then its own parameters, and returns the exit code; what it
    raises is a message and an exit code (`_run`). `as_of`: the command judges overdue (``--today``).
    `problems`: where the full problem list of invalid input is written, beside the ``--out`` folder
    (``<out>-problems/``, the folder itself untouched) or in it; nowhere when None.
    """

    def declare(work: Callable[..., int]) -> click.Command:
        def callback(lang: str | None, verbose: int, quiet: bool, today: datetime | None = None, **own: Any) -> int:
            _setup_logging(verbose, quiet)
            run = _Run(verbose, quiet, lang, today.date() if today else None)
            out = own.get("out_dir")
            return _run(
                lambda: work(run, **own),
                run,
                out_dir=out if problems == "beside --out" else None,
                ledger_dir=out if problems == "in --out" else None,
            )

        params = [*reversed(getattr(work, "__click_params__", [])), *_shared_options(as_of)]
        return cli.command(name or work.__name__, params=params, help=work.__doc__)(callback)

    return declare


_project_arg = click.argument("project", type=click.Path(path_type=Path), default=Path("layers"))


def _out_option(help: str = "输出文件夹 Output folder.") -> Callable[[Callable[..., int]], Callable[..., int]]:
    return click.option(
        "--out", "out_dir", type=click.Path(path_type=Path), default=Path("maps"), show_default=True, help=help
    )


_leaders = click.option(
    "--leader",
    "leaders",
    multiple=True,
    metavar="ID|NAME",
    help="只为这些责任人（编号或姓名，可重复）Only these leaders (id or name; repeat for more).",
)
_date = click.DateTime(formats=["%Y-%m-%d"])


def _cjk_font() -> str | None:
    """The CJK font for printable pages named by ``GEO_CJK_FONT`` (the edge reads the environment)."""
    return os.environ.get("GEO_CJK_FONT") or None


@_command(problems="beside --out")
@_project_arg
@_out_option()
@click.option(
    "--basemap",
    default=None,
    metavar="NAME[,NAME]",
    help=f"底图 Basemaps: {', '.join(BASEMAPS)}; several separated by commas (default: none).",
)
def build(run: _Run, project: Path, out_dir: Path, basemap: str | None) -> int:
    """生成地图与报表。Build maps and reports for PROJECT (default: layers/) into --out (default: maps/)."""
    config = run.config(project)
    # The edge reads the environment and the clock; the stages get them as values.
    key = None if config.map.tianditu_key else os.environ.get("TIANDITU_KEY") or None
    config = config.with_map(basemap=basemap, tianditu_key=key)
    from .pipeline import build as build_project  # the heavy modules, only for the commands that run them

    with run.progress() as progress:
        result = build_project(project, out_dir, config, progress)
    if not run.quiet:
        lang = run.lang  # zh-Hant when every name is Traditional and no language was given
        _print_notices(result.notices, lang)
        _print_problems(result.problems, lang=lang)
        _print_ledger(result.ledger, lang=lang)
        _print_summary(result.summary, lang)
        leaders = sum(m.path.parent.name == "leaders" for m in result.maps)  # not a page a person put there
        run.say(msg("cli.built", out=str(out_dir), count=leaders))
        _print_map_sizes(result.maps, lang)
    return 0


@_command(as_of=False, problems="in --out")
@_project_arg
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="把问题清单（ledger.csv、ledger_summary.csv）写入此文件夹 Write the problem list into this folder.",
)
def validate(run: _Run, project: Path, out_dir: Path | None) -> int:
    """检查数据，列出全部问题。Check PROJECT's files and print every problem; exit 2 on errors."""
    config = run.config(project)
    from .pipeline import check as check_project

    with run.progress() as progress:
        result = check_project(project, config, progress)
    written = None
    if out_dir is not None:
        written = _write_ledger_folder(out_dir, out_dir, result.ledger, result.problems, run.lang)
    _print_problems(result.problems, written, run.lang)
    if not run.quiet:
        _print_ledger(result.ledger, ledger_file=written, lang=run.lang)
        warnings = sum(p.severity == "warning" for p in result.problems)
        where = msg("cli.valid_written", file=str(written)) if written else ""
        run.say(msg("cli.valid", project=str(project), count=warnings, written=where))
    return 0


@_command(problems="beside --out")
@_project_arg
@_out_option()
def check(run: _Run, project: Path, out_dir: Path) -> int:
    """只做空白点检查与报表。Analyse PROJECT without maps; write reports; exit 1 when there are gaps."""
    config = run.config(project)
    from .pipeline import check_reports

    with run.progress() as progress:
        result, figures = check_reports(project, out_dir, config, progress)
    if not run.quiet:
        _print_notices(result.notices, run.lang)
        _print_problems(result.problems, lang=run.lang)
        _print_ledger(result.ledger, lang=run.lang)
        _print_summary(figures, run.lang)
        _print_gap_table(figures, run.lang)
        run.say(msg("cli.reports_written", folder=str(out_dir / "reports")))
    return EXIT_GAPS if figures["gaps"]["total"] else 0


@_command()
@_project_arg
def snapshot(run: _Run, project: Path) -> int:
    """保存本期数据快照（推进会后）。Keep PROJECT's state of today in PROJECT/history/<date>/."""
    config = run.config(project)
    from .pipeline import snapshot as keep

    with run.progress() as progress:
        folder, _figures = keep(project, config, progress)
    if not run.quiet:
        run.say(msg("cli.snapshot_written", folder=str(folder)))
    return 0


@_command(problems="beside --out")
@_project_arg
@_out_option()
@click.option(
    "--since",
    type=_date,
    default=None,
    help="与此日期的快照比较（默认：上一次快照）。Compare with the snapshot of this date (default: the latest before).",
)
@click.option(
    "--deadline",
    type=_date,
    default=None,
    help="整改期限（默认：截至日期后 14 天，见 geo.toml [bulletin]）。"
    "The date lagging units are to finish by (default: 14 days after the as-of date; geo.toml [bulletin]).",
)
def bulletin(run: _Run, project: Path, out_dir: Path, since: datetime | None, deadline: datetime | None) -> int:
    """生成通报（Word 与网页）。Write the bulletin (通报) for PROJECT as .docx and .html into --out/reports."""
    config = run.config(project)
    from .pipeline import bulletin as write_bulletin

    with run.progress() as progress:
        written = write_bulletin(
            project, out_dir, config, since and since.date(), progress, deadline and deadline.date()
        )
    if not run.quiet:
        _print_notices(written.notices, run.lang)
        _print_problems(written.problems, None, run.lang)
        run.say(msg("bulletin.written", files=seq([str(f) for f in written.files])))
    return 0


@_command(problems="beside --out")
@_project_arg
@_out_option()
@_leaders
def share(run: _Run, project: Path, out_dir: Path, leaders: tuple[str, ...]) -> int:
    """生成分享包（每位责任人一个 zip）。One zip per leader: their map, printable page and task list."""
    config = run.config(project)
    from .pipeline import share as write_packs

    with run.progress() as progress:
        written = write_packs(project, out_dir, config, list(leaders) or None, progress, font_file=_cjk_font())
    if not run.quiet:
        _print_notices(written.notices, run.lang)
        run.say(msg("share.written", count=len(written.files), folder=str(out_dir / "share")))
    return 0


@_command(as_of=False)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite template files that exist.")
def init(run: _Run, folder: Path, force: bool) -> int:
    """新建空项目（中文表头模板）。Write a new empty project into FOLDER: XLSX templates, a commented geo.toml."""
    from .template import init_project

    written = init_project(folder, force)
    if not run.quiet:
        for path in written:
            run.say(msg("cli.init_written", path=str(path)))
        run.say(msg("cli.init_next", folder=str(folder)))
    return 0


@_command("import", as_of=False)
@click.option(
    "--project",
    type=click.Path(path_type=Path),
    default=Path("layers"),
    show_default=True,
    help="项目文件夹 The project folder whose maps sent the replies.",
)
@click.argument("replies", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_(run: _Run, project: Path, replies: tuple[Path, ...]) -> int:
    """收下回执（领导、督查组地图发回的）。Check REPLIES (saved files or pasted text); keep them in PROJECT/replies/."""
    if project.is_dir():
        run.config(project)
    from .pipeline import import_replies

    outcomes = import_replies(project, list(replies))
    for o in outcomes:
        if o.status == "kept":
            line = msg("reply.import.kept", file=o.source, person=o.person, entries=o.entries, path=o.path)
        elif o.status == "already":
            line = msg("reply.import.already", file=o.source, path=o.path)
        else:
            line = msg("reply.import.refused", file=o.source, message=o.message or "")
        if o.status != "refused" and run.quiet:
            continue
        run.say(line, err=o.status == "refused")
        if o.status == "refused" and o.fix:
            run.say(msg("reply.import.fix", fix=o.fix), err=True)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("kept", "already", "refused")}
    if not run.quiet:
        run.say(msg("reply.import.done", **counts))
    return EXIT_INVALID if counts["refused"] else 0


@_command("print", problems="beside --out")
@_project_arg
@_out_option("输出文件夹（页面写入其中的 print/）Output folder (the pages go into its print/).")
@_leaders
def print_pages(run: _Run, project: Path, out_dir: Path, leaders: tuple[str, ...]) -> int:
    """可打印的 A4 地图（PDF、PNG）。Draw printable A4 pages, PDF and PNG: the overview and one per leader.

    A Chinese font is needed: fonts-noto-cjk (Debian/Ubuntu), or GEO_CJK_FONT=/path/to/font.ttc.
    """
    config = run.config(project)
    from .pipeline import print_pages as write_pages

    with run.progress() as progress:
        written = write_pages(project, out_dir, config, list(leaders) or None, progress, font_file=_cjk_font())
    if not run.quiet:
        _print_notices(written.notices, run.lang)
        _print_problems(written.problems, None, run.lang)
        for path in written.files:
            run.say(msg("cli.init_written", path=str(path)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``geo`` console script; returns the exit code."""
    try:
        code = cli.main(args=argv, prog_name="geo", standalone_mode=False)
    except click.exceptions.Abort:
        _say(msg("cli.stopped").text(language_in(sys.argv[1:] if argv is None else argv)), err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as err:
        err.show()
        return err.exit_code
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
